/**
 * The tick rule (Lee & Ready 1991, applied to bar closes): a bar is a buy (+1) when its close is above
 * the previous close, a sell (-1) when below, and keeps the previous classification when unchanged.
 * Before the first non-zero change the side is unknown and the rule says 0. Bar 0 has no previous
 * close: NaN. Carried state, so the kernels feed every bar in order.
 */
export class TickRule {
  private side = 0;

  /** Classifies bar i (call once per bar, in order). */
  update(close: Float64Array, i: number): number {
    if (i === 0) return Number.NaN;
    const change = close[i] - close[i - 1];
    if (change > 0) this.side = 1;
    else if (change < 0) this.side = -1;
    return this.side;
  }
}
