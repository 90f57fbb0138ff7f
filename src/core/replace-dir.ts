/**
 * Moves a finished directory into its final place. A previous directory there is renamed aside first
 * and removed only once the new one is in place, so a crash leaves either the old or the new one,
 * never a mix.
 */
import { renameSync, rmSync } from "node:fs";

export function replaceDirectory(staged: string, target: string): void {
  const previous = `${target}.previous-${process.pid}`;
  rmSync(previous, { recursive: true, force: true });
  let hadPrevious = false;
  try {
    renameSync(target, previous);
    hadPrevious = true;
  } catch {
    // nothing there yet
  }
  try {
    renameSync(staged, target);
  } catch (e) {
    if (hadPrevious) renameSync(previous, target);
    throw e;
  }
  if (hadPrevious) rmSync(previous, { recursive: true, force: true });
}
