/**
 * The floor under the serving benchmark: the same load against a fastify server (the options `mlf
 * serve` uses) that parses the same JSON body and answers an answer-shaped object with no model work,
 * optionally after `workUs` µs of busy waiting (a stand-in for the feature update and the model). What
 * the clients see from it is the loopback, the HTTP layers and the two processes' scheduling on this
 * machine; bench/serve.ts's client latency minus this is what the serving code adds.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { type LoadOptions, type LoadReport, runLoadGenerator } from "./load-generator.ts";

export interface FloorOptions extends Omit<LoadOptions, "port" | "path" | "barsFile" | "from"> {
  workUs?: number;
  /** taskset CPU list for the load generator (load-generator.ts). */
  loadgenCpus?: string | null;
}

export async function measureFloor(o: FloorOptions): Promise<{ load: LoadReport; serverCpuCores: number }> {
  const workUs = o.workUs ?? 0;
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, return503OnClosing: false });
  app.post("/v1/bars", async (req) => {
    const body = req.body as { stream: string; bars: { timestamp: number; close: number }[] };
    const last = body.bars[body.bars.length - 1]!;
    if (workUs > 0) {
      const until = performance.now() + workUs / 1000;
      for (let t = performance.now(); t < until; t = performance.now());
    }
    return {
      timestamp: new Date(last.timestamp).toISOString(),
      outputs: { p_up: 0.5123456789, E_r: 0.000123456789, regime_score: 0.25 },
      warm: true,
      bundle_version: "1.0.0",
      fallback: false,
    };
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const dir = mkdtempSync(join(tmpdir(), "mlf-bench-floor-"));
  try {
    const barsFile = join(dir, "bars.json");
    const perClient =
      Math.ceil(((o.warmupS ?? 0) + o.durationS) * (o.intervalMs > 0 ? 1000 / o.intervalMs : 5000)) + 10;
    const rows: number[][] = [];
    for (let i = 0; i < perClient; i++)
      rows.push([1.7e12 + i * 60_000, 100, 100.25, 99.75, 100 + (i % 7) * 0.25, 10 + i]);
    writeFileSync(barsFile, JSON.stringify(rows));
    const port = (app.server.address() as { port: number }).port;
    let cpu0 = process.cpuUsage();
    const { workUs: _, loadgenCpus, ...load } = o;
    const report = await runLoadGenerator(
      { ...load, port, path: "/v1/bars", barsFile, from: 0 },
      {
        cpus: loadgenCpus ?? null,
        onMeasuring: () => {
          cpu0 = process.cpuUsage();
        },
      },
    );
    const cpu = process.cpuUsage(cpu0);
    return { load: report, serverCpuCores: +((cpu.user + cpu.system) / 1e6 / report.seconds).toFixed(3) };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
