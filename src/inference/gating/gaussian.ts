/**
 * Log densities of multivariate Gaussians with diagonal or full covariance, prepared once per state
 * (precisions or a Cholesky factor) so each observation costs O(D) or O(D²).
 */
const LOG_2PI = Math.log(2 * Math.PI);

/** ln N(x; μ, Σ) for x of length D (no NaN). */
export type LogDensity = (x: ArrayLike<number>) => number;

export function diagonalLogDensity(mean: readonly number[], variance: readonly number[]): LogDensity {
  const d = mean.length;
  const mu = Float64Array.from(mean);
  const inv = Float64Array.from(variance, (v) => 1 / v);
  let constant = d * LOG_2PI;
  for (const v of variance) constant += Math.log(v);
  return (x) => {
    let q = 0;
    for (let j = 0; j < d; j++) {
      const e = x[j] - mu[j];
      q += e * e * inv[j];
    }
    return -0.5 * (constant + q);
  };
}

/** Lower-triangular L with Σ = L·Lᵀ (row-major), or null when Σ is not positive definite. */
export function cholesky(sigma: readonly (readonly number[])[]): Float64Array | null {
  const d = sigma.length;
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = sigma[i][j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return l;
}

/** Full covariance; `l` its Cholesky factor. ln N = −½ (D ln 2π + ln|Σ| + |L⁻¹(x − μ)|²). */
export function fullLogDensity(mean: readonly number[], l: Float64Array): LogDensity {
  const d = mean.length;
  const mu = Float64Array.from(mean);
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i]);
  const constant = d * LOG_2PI + logDet;
  const z = new Float64Array(d);
  return (x) => {
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = x[i] - mu[i];
      for (let k = 0; k < i; k++) s -= l[i * d + k] * z[k];
      z[i] = s / l[i * d + i];
      q += z[i] * z[i];
    }
    return -0.5 * (constant + q);
  };
}

/** ln Σ exp(v_i) over v[0 … n), stable; −∞ when every term is −∞. */
export function logSumExp(v: Float64Array, n = v.length): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (v[i] > m) m = v[i];
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(v[i] - m);
  return m + Math.log(s);
}
