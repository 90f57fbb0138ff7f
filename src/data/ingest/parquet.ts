import { DataError } from "../../core/errors.ts";
import type { ReadResult } from "./types.ts";

export async function readParquet(path: string): Promise<ReadResult> {
  throw new DataError(`${path}: parquet not supported yet`);
}
