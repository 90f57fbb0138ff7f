/**
 * How many copies of a row to run through onnxruntime so that its outputs are the bits a large batch
 * gives it.
 *
 * onnxruntime's element-wise kernels are vectorised: a batch is processed in packets (two doubles
 * with the shipped x86-64 and arm64 builds) and a batch's last (length mod packet) rows go through a
 * scalar path whose result can differ in the last bit (measured: a double Sigmoid after a LightGBM
 * TreeEnsemble, ~5% of rows differ by 1 ulp between a batch of 1 and a batch of 2). `mlf predict`
 * runs batches of 16,384 rows, so every row but the odd last one of the file takes the vector path.
 * Serving evaluates a row as a batch of `width` identical copies and reads copy 0, which then takes
 * the same path. The width is found once per bundle by comparing, on 2,048 pseudo-random rows, copy 0
 * of batches of width 1, 2, 4, 8, 16 with the same rows evaluated as one batch: the smallest
 * width that always agrees (1 when nothing is vectorised across rows, e.g. float logistic graphs).
 */
import { BundleError } from "../core/errors.ts";

export type RunRows = (rows: number, fill: (out: Float32Array) => void) => Promise<Map<string, Float64Array>>;

const WIDTHS = [1, 2, 4, 8, 16];
/** Differences hit a few % of rows: 2,048 probes miss a 0.3% effect with probability ~0.2%. */
const PROBE_ROWS = 2048;

/** Deterministic standard-normal-like values (Box–Muller on an LCG), as float32: scaled model inputs. */
function probeRows(features: number): Float32Array {
  const out = new Float32Array(PROBE_ROWS * features);
  let s = 12345;
  const u = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

export interface RowBatch {
  width: number;
  /** Why the width could not be established (the bundle is served with width 1), or null. */
  note: string | null;
}

export async function rowBatchWidth(
  run: RunRows,
  features: number,
  outputs: readonly string[],
): Promise<RowBatch> {
  try {
    return { width: await findWidth(run, features, outputs), note: null };
  } catch (e) {
    return { width: 1, note: (e as Error).message.split("\n")[0]! };
  }
}

async function findWidth(run: RunRows, features: number, outputs: readonly string[]): Promise<number> {
  const rows = probeRows(features);
  const row = (r: number) => rows.subarray(r * features, (r + 1) * features);
  // Reference: every probe row inside one batch of 2,048 (a multiple of every packet width), as in
  // predict's batches.
  const reference = await run(PROBE_ROWS, (out) => out.set(rows));
  for (const width of WIDTHS) {
    let agrees = true;
    for (let r = 0; r < PROBE_ROWS && agrees; r++) {
      const got = await run(width, (out) => {
        for (let k = 0; k < width; k++) out.set(row(r), k * features);
      });
      agrees = outputs.every((o) => sameBits(got.get(o)![0]!, reference.get(o)![r]!));
    }
    if (agrees) return width;
  }
  throw new BundleError(
    `the model's output for a row depends on its batch in a way no batch width up to ${WIDTHS.at(-1)} reproduces: answers may differ from mlf predict in the last bits`,
  );
}
