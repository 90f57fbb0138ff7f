import type { FeatureSpec } from "../types.ts";
import { dayOfWeek } from "./day-of-week.ts";
import { sessionClock } from "./session-clock.ts";
import { timeOfDay } from "./time-of-day.ts";

/** The time family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [timeOfDay, dayOfWeek, sessionClock];
