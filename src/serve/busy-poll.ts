/**
 * Busy polling for `mlf serve --busy-poll`: the event loop never blocks in the kernel waiting for a
 * request; it turns continuously, looking for I/O without a timeout, so its thread keeps its core.
 *
 * Why: a server that sleeps between requests pays, on every request, the wake-up of its thread and
 * caches emptied by whatever ran on the core meanwhile (on a virtual machine, other guests: the
 * host schedules them while ours is halted). Each bar reads ~140 kernels' state and a 500-tree
 * model: measured on this project's 2-vCPU VM with 64 paced clients (docs/benchmarks.md, serving
 * round 6), the time in the server fell by a fifth to a quarter (p50 409-446 → 291-343 µs) and a
 * request's head reached the handler ~40 % sooner (p50 92-142 → 71-83 µs). The cost is one core
 * at 100 % whatever the load: a choice for a host where serving latency is what the core is for,
 * never the default.
 *
 * Each turn of the loop spins for about `sliceUs` before yielding back to it: a turn allocates an
 * Immediate, and without the slice the loop turns ~870,000 times a second (~380 young-generation
 * collections a second in a bare process). The slice is a counted loop calibrated at start, not a
 * clock read: `performance.now()` allocates in Node 20 (a spin on it collected as often). A request
 * that arrives during a slice waits for its end.
 */
export interface BusyPollOptions {
  /** Microseconds spun inside each turn of the loop before it polls again (default 20). */
  sliceUs?: number;
}

/** Iterations of `spin` per microsecond on this machine, measured once. */
let rate = 0;
const sink = new Float64Array(1);

function spin(iterations: number): void {
  // A store per iteration, so that the loop cannot be optimised away.
  for (let i = 0; i < iterations; i++) sink[0] += 1;
}

function iterationsPerUs(): number {
  if (rate === 0) {
    spin(100_000); // compiled before it is timed
    const n = 1_000_000;
    const t0 = performance.now();
    spin(n);
    rate = n / Math.max(1, (performance.now() - t0) * 1000);
  }
  return rate;
}

export class BusyPoll {
  private running = false;
  private readonly sliceIterations: number;

  constructor(opts: BusyPollOptions = {}) {
    const us = opts.sliceUs ?? 20;
    if (!Number.isFinite(us) || us < 0 || us > 1000)
      throw new RangeError(`busy poll slice ${us} µs: give 0 to 1000`);
    this.sliceIterations = us === 0 ? 0 : Math.max(1, Math.round(us * iterationsPerUs()));
  }

  get active(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    setImmediate(this.turn);
  }

  stop(): void {
    this.running = false;
  }

  private readonly turn = (): void => {
    if (!this.running) return;
    if (this.sliceIterations > 0) spin(this.sliceIterations);
    setImmediate(this.turn);
  };
}
