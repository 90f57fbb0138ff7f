/**
 * The contract registry: the only list of futures contract specifications. `symbol` in the config
 * selects one (tick size, tick value, currency, sessions, roll rule); `mlf contracts list` prints
 * them. Entries are data in specs/*.ts, validated against ContractSpec when this module loads.
 */
import { ConfigError, invariant } from "../core/errors.ts";
import { ContractSpec } from "./schema.ts";
import { CME_CONTRACTS } from "./specs/cme.ts";
import { SYNTHETIC_CONTRACTS } from "./specs/synthetic.ts";
import { TAIFEX_CONTRACTS } from "./specs/taifex.ts";

export * from "./schema.ts";

function load(): readonly ContractSpec[] {
  const out: ContractSpec[] = [];
  for (const raw of [...CME_CONTRACTS, ...TAIFEX_CONTRACTS, ...SYNTHETIC_CONTRACTS]) {
    const parsed = ContractSpec.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      invariant(false, `contract ${raw.symbol}: ${issue.path.join(".")}: ${issue.message}`);
    }
    invariant(!out.some((c) => c.symbol === parsed.data.symbol), `contract ${raw.symbol} is listed twice`);
    out.push(Object.freeze(parsed.data));
  }
  // Symbols are upper-case letters and digits (the schema says so): code-unit order is the
  // alphabetical one, without the ~6 ms a first localeCompare spends building ICU's collator.
  return Object.freeze(out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)));
}

/** Every registered contract, sorted by symbol. */
export const CONTRACTS: readonly ContractSpec[] = load();

export function findContract(symbol: string): ContractSpec | undefined {
  return CONTRACTS.find((c) => c.symbol === symbol);
}

/** "CL, ES, GC, …": the symbols a config may name. */
export function contractSymbols(): string {
  return CONTRACTS.map((c) => c.symbol).join(", ");
}

/** The contract for `symbol`, or a ConfigError on `symbol` that lists the known ones. */
export function requireContract(symbol: string): ContractSpec {
  const c = findContract(symbol);
  if (c === undefined) {
    throw new ConfigError(
      `symbol: unknown contract "${symbol}"; known contracts: ${contractSymbols()}`,
      "symbol",
    );
  }
  return c;
}
