/** `mlf registry list [--json]`: every registered model, ensemble, inference component and RL policy. */
import type { Command } from "commander";

export function registerRegistry(program: Command): void {
  const registry = program.command("registry").description("what a config may name");
  registry
    .command("list")
    .description("list registered models, ensembles, inference components and RL policies")
    .option("--json", "print as JSON")
    .action(async (raw: { json?: boolean }) => {
      // Loaded here, not at start-up (its schemas are not needed by other commands).
      const { listRegistries } = await import("../../registry/index.ts");
      const r = listRegistries();
      if (raw.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const lines: string[] = ["models"];
      for (const m of r.models) {
        lines.push(
          `  ${m.name.padEnd(14)} ${m.family.padEnd(12)} ${m.views.join("|").padEnd(16)} ${m.outputs.join(",").padEnd(12)} ${m.causal ? "causal" : "NOT causal"}${m.zero_shot ? ", zero-shot" : ""}  fitter ${m.fitter}`,
          `  ${"".padEnd(14)} ${m.description}`,
          `  ${"".padEnd(14)} params ${Object.entries(m.params)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(" ")}`,
        );
      }
      const section = (
        title: string,
        entries: Array<{ name: string; description: string; kind?: string }>,
      ) => {
        lines.push(title);
        if (entries.length === 0) lines.push("  (none registered yet)");
        for (const e of entries)
          lines.push(`  ${e.name.padEnd(20)} ${e.kind ? `${e.kind.padEnd(12)} ` : ""}${e.description}`);
      };
      section("ensembles", r.ensembles);
      section("meta-learners (stacking)", r.meta_learners);
      section("inference", r.inference);
      section("policies", r.policies);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
