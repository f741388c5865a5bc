// Caps how many channels one SSH connection has open at once, and queues the rest. sshd
// limits sessions per connection (MaxSessions, 10 by default) and refuses the one too many;
// the cap starts below that and drops to what the server really allows when it refuses.
export class ChannelLimiter {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(public cap: number) {}

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.active += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active -= 1;
          this.next();
        });
      };
      if (this.active < this.cap) grant();
      else this.waiters.push(grant);
    });
  }

  /**
   * The server refused a channel while `open` were open. That is about its limit, but sshd
   * frees a slot a moment after a close, so a refusal can also be transient: step down one at
   * a time, never below what is open, so a long stream can never be left holding the only slot.
   */
  learnLimit(open: number): void {
    this.cap = Math.max(1, Math.min(this.cap, Math.max(open, this.cap - 1)));
  }

  /** The server held this many open at once: the cap is at least that. */
  allowAtLeast(open: number): void {
    if (open > this.cap) {
      this.cap = open;
      this.next();
    }
  }

  private next(): void {
    while (this.active < this.cap && this.waiters.length > 0) this.waiters.shift()!();
  }
}
