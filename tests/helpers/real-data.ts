/**
 * Real 1-minute futures bars live in ../shared/data beside the repository and are never copied in.
 * Where they are absent (a user's clone) tests that need them say so and skip; under CI=true their
 * absence is a failure.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
export const SHARED_DATA_DIR = resolve(REPO_ROOT, "..", "shared", "data");

export const REAL_DATA = {
  /** TAIFEX TX, Asia/Taipei offsets, with volume, unadjusted rolls, 65,634 rows. */
  tx: join(SHARED_DATA_DIR, "TX_1m_20241104_20250204.csv.gz"),
  /** CME ES continuous, UTC, no volume, 352,976 rows. */
  es: join(SHARED_DATA_DIR, "ES_1m_20241203_20251215_tv_novol.csv.gz"),
  /** CME NQ continuous, UTC, no volume, 3,139,841 rows. */
  nq: join(SHARED_DATA_DIR, "NQ_1m_20170102_20251215_tv_novol.csv.gz"),
} as const;

/**
 * Returns the path when the file exists. When it does not: throws under CI=true, otherwise logs why
 * and returns undefined so the caller can skip (`it.skipIf(!path)`).
 */
export function realDataPath(name: keyof typeof REAL_DATA): string | undefined {
  const path = REAL_DATA[name];
  if (existsSync(path)) return path;
  if (process.env.CI === "true") {
    throw new Error(
      `real data file ${path} is missing: CI must run with ../shared/data beside the repository`,
    );
  }
  console.warn(
    `real data file ${path} is absent: tests that need it are skipped (synthetic data is used elsewhere)`,
  );
  return undefined;
}
