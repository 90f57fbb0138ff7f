/**
 * Intraday shape over the 23-hour session: a U (busy at the open and the close, quiet mid-session)
 * with sharper spikes in the first and last half hour. One table per session minute, normalised to a
 * mean of 1; it scales both volume and return variance, since activity and volatility move together.
 */
import { SESSION_MINUTES } from "./session.ts";

function buildShape(): Float64Array {
  const shape = new Float64Array(SESSION_MINUTES);
  const last = SESSION_MINUTES - 1;
  let sum = 0;
  for (let m = 0; m < SESSION_MINUTES; m++) {
    const x = (2 * m) / last - 1; // -1 at the open, +1 at the close
    const u = 0.35 + 1.1 * x * x;
    const openSpike = 1.2 * Math.exp(-m / 25);
    const closeSpike = 1.6 * Math.exp(-(last - m) / 25);
    shape[m] = u + openSpike + closeSpike;
    sum += shape[m]!;
  }
  const mean = sum / SESSION_MINUTES;
  for (let m = 0; m < SESSION_MINUTES; m++) shape[m] = shape[m]! / mean;
  return shape;
}

/** INTRADAY_SHAPE[sessionMinute]: mean 1 over the session. */
export const INTRADAY_SHAPE: Float64Array = buildShape();
