/** Types of scripts/bundle.mjs (plain JavaScript: it must run before any TypeScript loader exists). */
export function freshBundle(name: "main" | "engine-worker", dist?: string): string | null;
export function buildBundle(dist?: string): Promise<{ dir: string; sources: number; packages: number }>;
export function hashFiles(files: readonly string[]): string | null;
export function snapshot(
  files: readonly string[],
): { hash: string; stats: [number, number][]; at: number } | null;
