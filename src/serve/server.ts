/**
 * `mlf serve` end to end: verify and load the bundles (refusing to start on a bad one), restore
 * stream snapshots or warm the default stream from a file, listen (loopback unless told otherwise),
 * and shut down gracefully: stop accepting, finish in-flight requests, write snapshots, release the
 * models. SIGHUP reloads the bundles from their paths; SIGTERM/SIGINT shut down.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { UsageError } from "../core/errors.ts";
import type { ContractRuns } from "../data/contract-runs.ts";
import { loadBars } from "../data/ingest/index.ts";
import { STREAM_ID } from "./bar-input.ts";
import { BusyPoll, type BusyPollOptions } from "./busy-poll.ts";
import { buildApp, type HttpOptions } from "./http.ts";
import { DEFAULT_STREAM, type ServeLogger, type ServiceOptions, ServingService } from "./service.ts";
import { loadSnapshotFile, saveSnapshot } from "./snapshot.ts";

export const SNAPSHOT_EXT = ".mlfsnap";

export interface ServeOptions extends ServiceOptions, Omit<HttpOptions, "snapshot" | "logger"> {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** 1m bars (.csv, .csv.gz, .parquet, .arrow) fed to the default stream before listening. */
  warmup?: string | null;
  /** Directory of stream snapshots: restored at start, written at shutdown and on request. */
  stateDir?: string | null;
  /** pino logger options for fastify, or false. */
  httpLogger?: boolean | object;
  /** Keep the event loop turning between requests (busy-poll.ts): one core at 100 %, lower latency. */
  busyPoll?: BusyPollOptions | null;
}

export interface RunningServer {
  app: FastifyInstance;
  service: ServingService;
  url: string;
  /** Graceful shutdown; resolves when everything is closed. Safe to call twice. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function writeSnapshots(service: ServingService, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const st of service.streams.values()) {
    if (st.stream.rows === 0) continue;
    const path = join(dir, `${st.stream.id}${SNAPSHOT_EXT}`);
    saveSnapshot(path, st.stream);
    written.push(path);
  }
  return written;
}

/** A file's contract column (runs) as one name per row. */
export function contractOfEachRow(runs: ContractRuns): string[] {
  const out = new Array<string>(runs.length);
  for (let k = 0; k < runs.start.length; k++) {
    out.fill(runs.name[k]!, runs.start[k]!, k + 1 < runs.start.length ? runs.start[k + 1]! : runs.length);
  }
  return out;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host) && isIP(host) === 0 && host !== "0.0.0.0") {
    throw new UsageError(
      `--host ${host}: give an IP address (127.0.0.1 by default, 0.0.0.0 for every interface)`,
    );
  }
  const log: ServeLogger = opts.logger ?? { info() {}, warn() {}, error() {} };
  const service = await ServingService.start({ ...opts, logger: log });
  try {
    if (opts.stateDir) {
      mkdirSync(opts.stateDir, { recursive: true });
      for (const name of readdirSync(opts.stateDir).sort()) {
        if (!name.endsWith(SNAPSHOT_EXT) || !STREAM_ID.test(name.slice(0, -SNAPSHOT_EXT.length))) continue;
        const path = join(opts.stateDir, name);
        service.restore(loadSnapshotFile(path), path);
      }
    }
    if (opts.warmup) {
      if (service.streams.has(DEFAULT_STREAM)) {
        log.warn(
          { warmup: opts.warmup },
          "the default stream was restored from a snapshot: --warmup is not applied",
        );
      } else {
        const started = performance.now();
        const { bars, contracts } = await loadBars(opts.warmup);
        const st = service.warmup(DEFAULT_STREAM, bars, contracts ? contractOfEachRow(contracts) : null);
        log.info(
          {
            file: opts.warmup,
            rows: bars.length,
            warm: st.stream.isWarm(service.current.primary.warmupBars),
            seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
          },
          "default stream warmed up from history",
        );
      }
    }
  } catch (e) {
    await service.close();
    throw e;
  }
  const stateDir = opts.stateDir ?? null;
  const app = await buildApp(service, {
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.maxWindowBytes !== undefined ? { maxWindowBytes: opts.maxWindowBytes } : {}),
    ...(stateDir ? { snapshot: async () => ({ written: writeSnapshots(service, stateDir) }) } : {}),
    logger: opts.httpLogger ?? false,
  });
  if (!LOOPBACK.has(host) && !opts.token) {
    log.warn(
      { host },
      "listening beyond loopback without a bearer token: anyone who can reach the port can use it",
    );
  }
  try {
    await app.listen({ host, port: opts.port ?? 8080 });
  } catch (e) {
    await service.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 8080);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const poll = opts.busyPoll ? new BusyPoll(opts.busyPoll) : null;
  poll?.start();
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      poll?.stop();
      log.info({}, "shutting down: finishing in-flight requests");
      service.draining = true;
      await app.close();
      if (stateDir) {
        const written = writeSnapshots(service, stateDir);
        log.info({ written }, "stream snapshots written");
      }
      await service.close();
      log.info({}, "stopped");
    })();
    return closing;
  };
  log.info(
    { url, routes: `/${service.routeVersion}`, token: token(opts), busy_poll: poll !== null },
    `serving on ${url}/${service.routeVersion}`,
  );
  return { app, service, url, close };
}

function token(opts: ServeOptions): "required" | "none" {
  return opts.token ? "required" : "none";
}

/** SIGTERM/SIGINT: graceful shutdown then exit; SIGHUP: reload the bundles. Returns an uninstaller. */
export function installSignals(
  server: RunningServer,
  log: ServeLogger,
  exit: (code: number) => void,
): () => void {
  const stop = (signal: string) => {
    log.info({ signal }, "signal received");
    server.close().then(
      () => exit(0),
      (e) => {
        log.error({ cause: String(e) }, "shutdown failed");
        exit(1);
      },
    );
  };
  const onTerm = () => stop("SIGTERM");
  const onInt = () => stop("SIGINT");
  const onHup = () => {
    log.info({ signal: "SIGHUP" }, "reloading bundles");
    server.service.reload().catch(() => undefined);
  };
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  process.on("SIGHUP", onHup);
  return () => {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
    process.off("SIGHUP", onHup);
  };
}
