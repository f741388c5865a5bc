// When to read an object again after an event, until the model shows what the event implied.
// Docker announces a change before every list it keeps reflects it: a container's `die` comes
// before its listing says "exited", a task's container starting before the manager's task says
// "running". The first pauses are short (most lag is tens of ms), later ones grow, and after the
// last the periodic re-read mends whatever is still wrong.

/** Pauses before each read again; once used up, the caller's last read is its final word. */
export const CONFIRM_AFTER_MS = [10, 20, 20, 20, 20, 20, 20, 20, 20, 30, 50, 100, 200, 300, 500, 1_000, 2_000, 4_000, 8_000];

export class ConfirmPacer {
  private readonly tries = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(private readonly pausesMs: readonly number[] = CONFIRM_AFTER_MS) {}

  /** A new event for `key`: its pauses start over, and a pending read again is dropped (the caller reads now). */
  restart(key: string): void {
    this.end(key);
    this.tries.set(key, 0);
  }

  /** Whether `key` has no pause left: its next read is its last. */
  exhausted(key: string): boolean {
    return (this.tries.get(key) ?? 0) >= this.pausesMs.length;
  }

  /**
   * Runs `read` after `key`'s next pause. At most one is pending per key, however many reads
   * ask (several tasks of one service waiting on one re-read of it). False when the pauses are
   * used up: the caller gives up and leaves the rest to the periodic re-read.
   */
  again(key: string, read: () => void): boolean {
    if (this.stopped) return false;
    if (this.timers.has(key)) return true;
    const tries = this.tries.get(key) ?? 0;
    if (tries >= this.pausesMs.length) {
      this.end(key);
      return false;
    }
    this.tries.set(key, tries + 1);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      if (!this.stopped) read();
    }, this.pausesMs[tries]);
    timer.unref?.();
    this.timers.set(key, timer);
    return true;
  }

  /** `key` shows what it should (or was given up): forget it. */
  end(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    this.tries.delete(key);
  }

  /** How many keys are still being followed (for tests). */
  get following(): number {
    return this.tries.size;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.tries.clear();
  }
}
