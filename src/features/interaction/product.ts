import type { DerivedSpec } from "../types.ts";

/** One factor of a product: a full column name and the affine map (x - centre) / scale applied first. */
export interface Factor {
  readonly column: string;
  /** Subtracted first: 50 for RSI and stochastics, so overbought is positive and oversold negative. */
  readonly centre: number;
  /** Divides after centring: 50 maps RSI to -1..1, 100 maps ADX to 0..1. */
  readonly scale: number;
  /** How the factor reads after the map, for the definition line. */
  readonly reads: string;
}

/** The factor as-is (regime codes, ratios, MACD histogram). */
export function raw(column: string): Factor {
  return { column, centre: 0, scale: 1, reads: column };
}

/** An oscillator on 0..100 (RSI, %K) centred at 50 and scaled to -1..1. */
export function centred(column: string): Factor {
  return { column, centre: 50, scale: 50, reads: `(${column} - 50)/50` };
}

/** An index on 0..100 (ADX) scaled to 0..1. */
export function unit(column: string): Factor {
  return { column, centre: 0, scale: 100, reads: `${column}/100` };
}

/**
 * The interaction of two aligned 1m columns: f(a) · f(b). NaN in either input (warm-up, an undefined
 * value) gives NaN. Output column `${a}_x_${b}`.
 */
export function product(a: Factor, b: Factor, why: string): DerivedSpec {
  const name = `${a.column}_x_${b.column}`;
  const ca = a.centre;
  const sa = a.scale;
  const cb = b.centre;
  const sb = b.scale;
  // (v - 0) / 1 is v exactly (NaN, ±0 and infinities included): a raw factor skips its map, and
  // the values stay bit-identical to the general form.
  const rawA = ca === 0 && sa === 1;
  const rawB = cb === 0 && sb === 1;
  return {
    kind: "derived",
    id: name,
    family: "interaction",
    inputs: [a.column, b.column],
    output: { name, definition: `${a.reads} × ${b.reads}: ${why}` },
    combine(
      inputs: readonly Float64Array[],
      from: number,
      to: number,
      out: Float64Array | Float32Array,
    ): void {
      const x = inputs[0];
      const y = inputs[1];
      if (rawA && rawB) multiply(x, y, from, to, out);
      else if (rawB) multiplyMapped(x, ca, sa, y, from, to, out);
      else for (let r = from; r < to; r++) out[r] = ((x[r] - ca) / sa) * ((y[r] - cb) / sb);
    },
  };
}

// Module-level loops shared by every product column: V8 optimizes each once, not once per
// column, and the factors' constants are arguments held in registers.
function multiply(
  x: Float64Array,
  y: Float64Array,
  from: number,
  to: number,
  out: Float64Array | Float32Array,
) {
  for (let r = from; r < to; r++) out[r] = x[r] * y[r];
}

function multiplyMapped(
  x: Float64Array,
  c: number,
  s: number,
  y: Float64Array,
  from: number,
  to: number,
  out: Float64Array | Float32Array,
) {
  for (let r = from; r < to; r++) out[r] = ((x[r] - c) / s) * y[r];
}
