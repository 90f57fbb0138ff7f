import { DataError } from "../../core/errors.ts";
import type { ReadResult } from "./types.ts";

export async function readArrow(path: string): Promise<ReadResult> {
  throw new DataError(`${path}: arrow not supported yet`);
}
