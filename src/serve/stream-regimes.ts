/**
 * The regime filter state of one stream: a RegimeTracker per deployed bundle that gates by regime,
 * fed every row its feature plan computes from the bundle's first predicted row (its warm-up) on, by
 * the same RegimeTracker.update that `mlf predict` runs over the file. So the probabilities at a bar,
 * and the regime_score and gated outputs served for it, are predict's bits for that bar. A stream
 * restored from a snapshot replays its history through the plan, and so through the tracker, again.
 */
import { DataError } from "../core/errors.ts";
import type { RegimeTracker } from "../inference/gating/regime-gating.ts";
import type { BundleRuntime } from "./bundle-runtime.ts";
import type { FeatureStream, PlanEngine, RowsObserver } from "./feature-stream.ts";
import type { RegimeState, SnapshotHeader } from "./snapshot.ts";

export type StreamRegimes = Map<BundleRuntime, RegimeTracker>;

/** One observer for every tracker of a plan. */
function fanOut(list: readonly RowsObserver[]): RowsObserver {
  if (list.length === 1) return list[0]!;
  return (c, f, n) => {
    for (const o of list) o(c, f, n);
  };
}

function feed(b: BundleRuntime, tracker: RegimeTracker): RowsObserver {
  const idx = b.gating!.columnsIn(b.featureNames);
  const first = b.warmupBars;
  return (cols, firstRow, n) => {
    const obs = idx.map((j) => cols[j]!);
    for (let r = Math.max(0, first - firstRow); r < n; r++) tracker.update(obs, r);
  };
}

/** Trackers for the gating bundles among `bundles`, registered on `stream` before it sees a row. */
export function attachRegimes(
  stream: FeatureStream,
  bundles: readonly (BundleRuntime | null)[],
): StreamRegimes {
  const out: StreamRegimes = new Map();
  const byPlan = new Map<string, RowsObserver[]>();
  for (const b of bundles) {
    if (b === null || b.gating === null || out.has(b)) continue;
    const t = b.gating.tracker();
    out.set(b, t);
    const list = byPlan.get(b.plan.key) ?? [];
    list.push(feed(b, t));
    byPlan.set(b.plan.key, list);
  }
  for (const [key, list] of byPlan) {
    stream.track(key, fanOut(list));
  }
  return out;
}

/** The bundle's filtered probabilities at the stream's last row, or null when it does not gate. */
export function regimeOf(regimes: StreamRegimes | undefined, b: BundleRuntime): Float64Array | null {
  return regimes?.get(b)?.probs ?? null;
}

/**
 * For a reload: trackers of the new bundles rebuilt over the stream's whole history (a throwaway
 * engine replays it in the background), then `install` (synchronous, at the swap) catches them up on
 * bars accepted meanwhile and registers them on the stream in place of the old ones.
 */
export async function replayRegimes(
  stream: FeatureStream,
  bundles: readonly (BundleRuntime | null)[],
): Promise<{ install(): StreamRegimes }> {
  const replays: Array<{
    b: BundleRuntime;
    tracker: RegimeTracker;
    observer: RowsObserver;
    engine: PlanEngine;
  }> = [];
  for (const b of bundles) {
    if (b === null || b.gating === null || replays.some((r) => r.b === b)) continue;
    const tracker = b.gating.tracker();
    const observer = feed(b, tracker);
    replays.push({ b, tracker, observer, engine: await stream.replayPlan(b.plan, observer) });
  }
  return {
    install() {
      const out: StreamRegimes = new Map();
      const byPlan = new Map<string, RowsObserver[]>();
      for (const r of replays) {
        r.engine.push(stream.history, stream.history.length, stream.rolls, r.observer);
        out.set(r.b, r.tracker);
        byPlan.set(r.b.plan.key, [...(byPlan.get(r.b.plan.key) ?? []), r.observer]);
      }
      for (const key of stream.planKeys()) stream.track(key, null);
      for (const [key, list] of byPlan) {
        stream.track(key, fanOut(list));
      }
      return out;
    },
  };
}

/** Each gating bundle's filter state, for a snapshot's header. */
export function regimeStates(regimes: StreamRegimes | undefined): RegimeState[] {
  return [...(regimes ?? (new Map() as StreamRegimes))].map(([b, t]) => ({
    bundle: b.checksum,
    probs: t.digest(),
  }));
}

/**
 * After a restore's replay: every tracker of a bundle the snapshot recorded must hold the recorded
 * probabilities bit for bit; otherwise the regime code changed and the restore is refused.
 */
export function checkRegimes(
  regimes: StreamRegimes | undefined,
  header: SnapshotHeader,
  source: string,
): void {
  for (const saved of header.regimes ?? []) {
    for (const [b, t] of regimes ?? (new Map() as StreamRegimes)) {
      if (b.checksum !== saved.bundle) continue;
      const now = t.digest();
      if (now.length !== saved.probs.length || now.some((p, k) => !Object.is(p, saved.probs[k]))) {
        throw new DataError(
          `${source}: replaying the snapshot does not reproduce bundle ${b.name} ${b.version}'s regime filter state (${saved.probs.join(", ")} recorded, ${now.join(", ")} replayed); warm the stream up from a file instead`,
        );
      }
    }
  }
}
