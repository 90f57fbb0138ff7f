/** Numerically safe logit/sigmoid for calibrators: finite for every input in [0, 1]. */

/** Inputs are clipped to [P_CLIP, 1 − P_CLIP] before the logit, so logit(0) and logit(1) stay finite (±27.6). */
export const P_CLIP = 1e-12;

/** ln(q / (1 − q)) with q = p clipped to [P_CLIP, 1 − P_CLIP]; NaN stays NaN. */
export function clippedLogit(p: number): number {
  const q = Math.min(Math.max(p, P_CLIP), 1 - P_CLIP);
  return Math.log(q) - Math.log1p(-q);
}

/** 1 / (1 + e^−z) without overflow for any finite z. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** ln(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
