// Targeted reads, coalesced by what they read: a read asked for while the same one waits is
// asked once; asked for while it runs, it runs once more after. A few run at once; while a
// swarm operation is under way they wait (its reads would only compete with it).
export class ReadQueue {
  private readonly waiting = new Map<string, () => Promise<void>>();
  private readonly running = new Set<string>();
  private readonly again = new Map<string, () => Promise<void>>();
  private paused = 0;
  private scheduled = false;

  constructor(
    private readonly atOnce: number,
    /** Called after each read, done or failed. */
    private readonly after: () => void,
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
        .catch(() => {})
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
