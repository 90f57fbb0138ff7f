/**
 * The server's log: one JSON object per line on stderr (`time`, `level`, `msg`, then the fields),
 * like the rest of the CLI's progress output when not on a terminal.
 */
import type { ServeLogger } from "./service.ts";

const LEVELS = { error: 50, warn: 40, info: 30 } as const;
export type LogLevel = keyof typeof LEVELS;

export function jsonLogger(
  level: LogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(line),
): ServeLogger {
  const min = LEVELS[level];
  const emit = (lvl: LogLevel) => (obj: object, msg: string) => {
    if (LEVELS[lvl] < min) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...obj })}\n`);
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}
