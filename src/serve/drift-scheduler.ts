/**
 * Background drift computations of every stream, one at a time.
 *
 * Each stream's drift used to run as its own sliced computation. Streams that become due together
 * (warmed up in one loop, then due again every `minIntervalMs`) then ran side by side, and every
 * turn of the event loop ran one slice of each: with 64 streams, 64 slices (~23 ms) between two
 * requests, every 10 s. Queued here, at most one slice of one computation runs per turn of the
 * loop, so a request waits behind at most one slice whatever the number of streams.
 */
export class DriftScheduler {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  /** Computations waiting or running now. */
  get pending(): number {
    return this.queued;
  }

  /**
   * Runs `job` after every job queued before it has settled, starting on a later turn of the event
   * loop (never inside the request that queued it); resolves or rejects as it does.
   */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.queued++;
    const done = this.tail
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(job)
      .finally(() => {
        this.queued--;
      });
    this.tail = done.catch(() => undefined);
    return done;
  }
}
