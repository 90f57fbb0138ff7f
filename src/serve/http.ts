/**
 * The HTTP API on fastify. Routes live under /vN where N is the served bundle's major version (a v2
 * bundle is served under /v2; a request to another /vN is answered 404 VERSION_MISMATCH naming the
 * right prefix, so a reload that changes the major version is visible to clients):
 *
 *   POST /vN/bars           one or more closed 1m bars → outputs for the last one (stateful, per stream)
 *   POST /vN/predict        a full window of bars → outputs for its last bar (stateless)
 *   GET  /vN/health         bundles, streams, warm state
 *   GET  /vN/metrics        Prometheus text
 *   GET  /vN/drift          drift of a stream's features (?stream=ID, default "default")
 *   POST /vN/admin/reload   load bundles again (or others) and swap atomically
 *   POST /vN/admin/snapshot write every stream's snapshot to the state directory
 *
 * Bodies are validated by their zod schemas (bar-input.ts) before a handler runs; every error is
 * `{"error": {"code", "message", ...}}` with a 4xx/5xx status (errors.ts). With a token, every route
 * needs `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { z } from "zod";
import { BarsBody, isPlainBarsBody, PredictBody, ReloadBody, STREAM_ID, zodIssueText } from "./bar-input.ts";
import { ServeError } from "./errors.ts";
import type { ServeLogger, ServingService } from "./service.ts";
import { DEFAULT_STREAM } from "./service.ts";

export interface HttpOptions {
  /** Bearer token every request must carry; null: none. */
  token?: string | null;
  /** Largest /bars and admin body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Largest /predict body in bytes (default 32 MiB). */
  maxWindowBytes?: number;
  /** Called by POST /vN/admin/snapshot; absent: the route answers 404. */
  snapshot?: () => Promise<{ written: string[] }>;
  /** fastify's logger (pino options or false). */
  logger?: boolean | object;
  /** Where failures are logged with their cause (default: the service's logger). */
  log?: ServeLogger;
}

declare module "fastify" {
  interface FastifyRequest {
    startedAt: number;
  }
}

const ROUTE_NAMES: Record<string, string> = {
  "/:version/bars": "bars",
  "/:version/predict": "predict",
  "/:version/health": "health",
  "/:version/metrics": "metrics",
  "/:version/drift": "drift",
  "/:version/admin/reload": "admin_reload",
  "/:version/admin/snapshot": "admin_snapshot",
};

function tokenMatches(header: string | undefined, token: Buffer): boolean {
  if (header === undefined || !header.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice(7));
  return given.length === token.length && timingSafeEqual(given, token);
}

/** Fastify schema validation with zod: a failed parse is a 400 naming the first bad field. */
function zodValidator({ schema }: { schema: unknown }) {
  const s = schema as z.ZodType;
  return (data: unknown) => {
    if (schema === BarsBody && isPlainBarsBody(data)) return { value: data };
    const r = s.safeParse(data);
    if (r.success) return { value: r.data };
    const { path, message } = zodIssueText(r.error);
    return { error: new ServeError("BODY_INVALID", 400, `${path}: ${message}`, { field: path }) };
  };
}

export async function buildApp(service: ServingService, opts: HttpOptions = {}): Promise<FastifyInstance> {
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: maxBody,
    // Requests arriving during shutdown get a SHUTTING_DOWN error in our format (onRequest below).
    return503OnClosing: false,
    forceCloseConnections: "idle",
  });
  app.setValidatorCompiler(zodValidator);
  // JSON only: a text/plain body is refused with 415 instead of reaching the schema as a string.
  app.removeContentTypeParser(["text/plain"]);
  app.decorateRequest("startedAt", 0);
  const m = service.metrics;
  const log = opts.log ?? service.log;
  const token = opts.token ? Buffer.from(opts.token) : null;

  // Hooks take callbacks rather than being async: an async hook costs a promise and a microtask hop
  // per request on the hot path (three hooks, every /bars request).
  app.addHook("onRequest", (req: FastifyRequest, _reply, done) => {
    req.startedAt = performance.now();
    if (service.draining) {
      done(new ServeError("SHUTTING_DOWN", 503, "the server is shutting down: retry on another instance"));
      return;
    }
    if (token && !tokenMatches(req.headers.authorization, token)) {
      done(
        new ServeError("UNAUTHORIZED", 401, "missing or wrong bearer token (Authorization: Bearer <token>)"),
      );
      return;
    }
    done();
  });
  // While shutting down, answers close their connection so keep-alive clients do not hold it open.
  app.addHook("onSend", (_req, reply, payload, done) => {
    if (service.draining) void reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (req, reply, done) => {
    const route = ROUTE_NAMES[req.routeOptions.url ?? ""] ?? "other";
    const seconds = (performance.now() - req.startedAt) / 1000;
    // A served bar, the hot path, goes to series bound once; other requests build their labels.
    if (route === "bars" && reply.statusCode === 200) {
      m.hot.barsRequestSeconds.observe(seconds);
      m.hot.barsOk.inc();
    } else {
      m.requestSeconds.observe({ route }, seconds);
      m.requests.inc({ route, status: String(reply.statusCode) });
    }
    done();
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    let e: ServeError;
    if (err instanceof ServeError) e = err;
    else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      e = new ServeError("BODY_TOO_LARGE", 413, `the body is larger than this route's limit: ${err.message}`);
    } else if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      e = new ServeError("UNSUPPORTED_MEDIA_TYPE", 415, "send the body as application/json");
    } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      e = new ServeError("BODY_INVALID", err.statusCode, `the body is not valid JSON: ${err.message}`);
    } else {
      log.error({ cause: err.message, stack: err.stack, url: req.url }, "internal error");
      e = new ServeError("INTERNAL", 500, `internal error: ${err.message}`);
    }
    m.errors.inc({ code: e.code });
    if (e.status >= 500 && e.code !== "INTERNAL")
      log.error({ code: e.code, cause: e.message, url: req.url }, "request failed");
    if (e.status === 401) void reply.header("www-authenticate", "Bearer");
    void reply.code(e.status).send(e.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new ServeError(
      "NOT_FOUND",
      404,
      `no route ${req.method} ${req.url.split("?")[0]}: the API is under /${service.routeVersion}`,
    );
    m.errors.inc({ code: e.code });
    void reply.code(404).send(e.toBody());
  });

  /** The /vN prefix must be the served bundle's major version. */
  const checkVersion = (req: FastifyRequest) => {
    const v = (req.params as { version: string }).version;
    if (v !== service.routeVersion) {
      const { primary } = service.current;
      throw new ServeError(
        "VERSION_MISMATCH",
        404,
        `/${v} is not served: bundle ${primary.name} ${primary.version} is served under /${service.routeVersion}`,
        { route_version: service.routeVersion, bundle_version: primary.version },
      );
    }
  };

  app.post("/:version/bars", { schema: { body: BarsBody } }, async (req) => {
    checkVersion(req);
    const body = req.body as z.infer<typeof BarsBody>;
    const t0 = performance.now();
    const answer = await service.ingest(
      body.stream ?? DEFAULT_STREAM,
      body.bars,
      body.include_features ?? false,
    );
    m.hot.updateSeconds.observe((performance.now() - t0) / 1000);
    return answer;
  });

  app.post(
    "/:version/predict",
    { schema: { body: PredictBody }, bodyLimit: opts.maxWindowBytes ?? 32 * 1024 * 1024 },
    async (req) => {
      checkVersion(req);
      const body = req.body as z.infer<typeof PredictBody>;
      return service.predictWindow(body.bars, body.include_features ?? false);
    },
  );

  app.get("/:version/health", async (req) => {
    checkVersion(req);
    return service.health();
  });

  app.get("/:version/metrics", async (req, reply) => {
    checkVersion(req);
    void reply.type("text/plain; version=0.0.4; charset=utf-8");
    return m.render();
  });

  app.get("/:version/drift", async (req) => {
    checkVersion(req);
    const stream = (req.query as { stream?: string }).stream ?? DEFAULT_STREAM;
    if (!STREAM_ID.test(stream))
      throw new ServeError("BODY_INVALID", 400, `stream: "${stream}" is not a stream id`);
    return service.drift(stream);
  });

  app.post("/:version/admin/reload", { schema: { body: ReloadBody } }, async (req) => {
    checkVersion(req);
    return service.reload((req.body as z.infer<typeof ReloadBody>) ?? {});
  });

  app.post("/:version/admin/snapshot", async (req) => {
    checkVersion(req);
    if (!opts.snapshot)
      throw new ServeError("NOT_FOUND", 404, "snapshots need a state directory (mlf serve --state-dir DIR)");
    return opts.snapshot();
  });

  return app;
}
