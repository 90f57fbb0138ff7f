/** `mlf contracts list [--json]`: every registered futures contract specification. */
import type { Command } from "commander";
import type { ContractSpec } from "../../contracts/index.ts";

function sessionsText(c: ContractSpec): string {
  return c.sessions.map((s) => `${s.name} ${s.open}-${s.close} (opens ${s.open_days.join(",")})`).join("; ");
}

function describe(c: ContractSpec): string[] {
  const brk = c.maintenance_break ? `${c.maintenance_break.start}-${c.maintenance_break.end}` : "none";
  const overnight = c.overnight_hours ? `${c.overnight_hours.open}-${c.overnight_hours.close}` : "none";
  return [
    `${c.symbol.padEnd(6)} ${c.name} (${c.exchange})`,
    `       tick ${c.tick_size} = ${c.tick_value} ${c.currency}, ${c.point_value} ${c.currency} per point`,
    `       ${c.time_zone}: ${sessionsText(c)}`,
    `       regular ${c.regular_hours.open}-${c.regular_hours.close}, overnight ${overnight}, maintenance break ${brk}`,
    `       last trading day: ${c.last_trading_day}`,
    `       roll: ${c.roll ? c.roll.description : "never (no roll rule)"}`,
    `       source: ${c.source}`,
  ];
}

export function registerContracts(program: Command): void {
  const contracts = program.command("contracts").description("futures contract specifications");
  contracts
    .command("list")
    .description("list every registered contract: tick size and value, currency, sessions, roll rule")
    .option("--json", "print as JSON")
    .action(async (raw: { json?: boolean }) => {
      // Loaded here, not at start-up: validating the registry costs every other command ~30 ms.
      const { CONTRACTS } = await import("../../contracts/index.ts");
      if (raw.json) {
        process.stdout.write(`${JSON.stringify(CONTRACTS, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${CONTRACTS.flatMap(describe).join("\n")}\n`);
    });
}
