/**
 * Temporary directories that tests clean up after themselves. A suite that writes feature files leaves
 * hundreds of MB per run otherwise, and a CI disk fills (it did: pip install died with ENOSPC).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, onTestFinished } from "vitest";

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A directory for the whole test file: call at module or describe scope; removed after its last test. */
export function fileTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => remove(dir));
  return dir;
}

/** A directory for one test: call inside `it`; removed when that test finishes, passed or failed. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => remove(dir));
  return dir;
}
