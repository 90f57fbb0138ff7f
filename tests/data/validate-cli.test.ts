/**
 * `mlf data validate` on good data, run as a user would: exit 0, the human summary, and --json
 * printing exactly the DatasetMeta that loadBars returns.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadBars } from "../../src/data/ingest/index.ts";
import { REPO_ROOT, realDataPath } from "../helpers/real-data.ts";

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const tx = realDataPath("tx");

describe("mlf data validate on good data", () => {
  it.skipIf(!tx)("prints a summary of the TX file and exits 0", async () => {
    const r = await execa("node", [MLF, "data", "validate", "--data", tx as string], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    const { meta } = await loadBars(tx as string);
    expect(r.stdout).toBe(
      [
        `file:        ${tx} (csv.gz)`,
        "rows:        65,634",
        "span:        2024-11-04T07:00:00Z → 2025-02-04T05:45:00Z (bar starts, UTC)",
        "has volume:  yes",
        `gaps:        ${meta.gaps.count.toLocaleString("en-US")}, largest 11d 3h 46m after the bar at 2025-01-22T20:59:00Z, ${meta.gaps.totalMissingMinutes.toLocaleString("en-US")} missing minutes in all`,
        `fingerprint: ${meta.fingerprint}`,
      ].join("\n"),
    );
  });

  it.skipIf(!tx)("--json prints the DatasetMeta", async () => {
    const r = await execa("node", [MLF, "data", "validate", "--data", tx as string, "--json"], {
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    const { meta } = await loadBars(tx as string);
    expect(JSON.parse(r.stdout)).toEqual(meta);
  });

  it("without --data is a usage error, one line, non-zero exit", async () => {
    const r = await execa("node", [MLF, "data", "validate"], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toBe("error: --data FILE is required");
  });
});
