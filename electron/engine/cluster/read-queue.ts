// Targeted reads, coalesced by what they read: a read asked for while the same one waits is
// asked once; asked for while it runs, it runs once more after. A few run at once; while a
// swarm operation is under way they wait (its reads would only compete with it). A read that
// fails (a busy host refusing a channel, a dropped link) is tried again after a pause: left
// alone, its object would stay wrong until the next full re-read, tens of seconds later.

/** Pauses before each new try of a failed read; after the last, the periodic re-read mends it. */
export const RETRY_AFTER_MS = [100, 500, 2_000];

export class ReadQueue {
  private readonly waiting = new Map<string, () => Promise<void>>();
  private readonly running = new Set<string>();
  private readonly again = new Map<string, () => Promise<void>>();
  /** Failed tries in a row, per read. */
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private paused = 0;
  private scheduled = false;

  constructor(
    private readonly atOnce: number,
    /** Called after each read, done or failed. */
    private readonly after: () => void,
    /** Told of each failed read, and whether it will be tried again. */
    private readonly failed?: (key: string, err: unknown, retrying: boolean) => void,
  ) {}

  get pending(): number {
    return this.waiting.size + this.running.size;
  }

  request(key: string, job: () => Promise<void>): void {
    if (this.running.has(key)) {
      this.again.set(key, job);
      return;
    }
    this.waiting.set(key, job);
    this.schedule();
  }

  pause(): void {
    this.paused += 1;
  }

  /** Resumes; with `drop`, reads asked for meanwhile are forgotten (a full read follows). */
  resume(drop: boolean): void {
    this.paused = Math.max(0, this.paused - 1);
    if (drop && !this.paused) {
      this.waiting.clear();
      this.again.clear();
    }
    this.schedule();
  }

  clear(): void {
    this.waiting.clear();
    this.again.clear();
    this.failures.clear();
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
  }

  private retry(key: string, job: () => Promise<void>, err: unknown): void {
    const tries = this.failures.get(key) ?? 0;
    if (tries >= RETRY_AFTER_MS.length) {
      this.failures.delete(key);
      this.failed?.(key, err, false);
      return;
    }
    this.failures.set(key, tries + 1);
    this.failed?.(key, err, true);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      // A newer request for the same read (waiting or running) already covers it.
      if (!this.waiting.has(key) && !this.running.has(key)) this.request(key, job);
    }, RETRY_AFTER_MS[tries]);
    timer.unref?.();
    this.retryTimers.add(timer);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Events that arrive together (one chunk of the stream, several hosts at once) are read together.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.paused && this.running.size < this.atOnce && this.waiting.size) {
      const first = this.waiting.entries().next();
      if (first.done) break;
      const [key, job] = first.value;
      this.waiting.delete(key);
      this.running.add(key);
      job()
        .then(
          () => this.failures.delete(key),
          (err: unknown) => this.retry(key, job, err),
        )
        .finally(() => {
          this.running.delete(key);
          const next = this.again.get(key);
          if (next) {
            this.again.delete(key);
            this.waiting.set(key, next);
          }
          this.after();
          this.pump();
        });
    }
  }
}
