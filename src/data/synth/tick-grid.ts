/**
 * Prices on a tick grid as exact decimals. A tick of 0.1 is not a binary fraction, so k * 0.1 can
 * land one ulp away from the decimal a CSV reader would parse (3 * 0.1 = 0.30000000000000004).
 * Writing the tick as integer units over a power of ten and dividing once gives the double nearest
 * to the decimal price: the same value a reader gets from the printed text.
 */
import { ConfigError } from "../../core/errors.ts";

const MAX_DECIMALS = 8;

export interface TickGrid {
  readonly tickSize: number;
  /** The tick in units of 10^-decimals: 0.25 -> 25 with decimals 2. */
  readonly units: number;
  readonly scale: number;
  readonly decimals: number;
}

export function tickGrid(tickSize: number): TickGrid {
  if (!Number.isFinite(tickSize) || tickSize <= 0) {
    throw new ConfigError(`tick size must be a positive number, got ${tickSize}`, "tickSize");
  }
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
    const scale = 10 ** decimals;
    const units = Math.round(tickSize * scale);
    if (units > 0 && units / scale === tickSize) return { tickSize, units, scale, decimals };
  }
  throw new ConfigError(
    `tick size ${tickSize} has more than ${MAX_DECIMALS} decimals; use a decimal tick such as 0.25 or 0.01`,
    "tickSize",
  );
}

/** Number of ticks nearest to `price`, at least 1 so that every price stays positive. */
export function ticksOf(grid: TickGrid, price: number): number {
  const k = Math.round((price * grid.scale) / grid.units);
  return Math.max(k, 1);
}

/** The price of `ticks` ticks, as the double nearest to the exact decimal. */
export function priceOf(grid: TickGrid, ticks: number): number {
  return (ticks * grid.units) / grid.scale;
}
