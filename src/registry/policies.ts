/** RL position-sizing policies (Stable-Baselines3 in workers). None is registered yet. */
import type { PolicyEntry } from "./types.ts";

export const POLICIES: readonly PolicyEntry[] = [];
