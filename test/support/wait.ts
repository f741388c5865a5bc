// Waiting for a named condition, the one way tests wait. It re-reads state and never re-does an
// action: a test waits for what ends a transient (tasks running, gossip converged, a roll
// finished), then asserts once. On timeout it throws with the last state it saw, so a failure
// says what the cluster looked like instead of "timed out".

export interface WaitOptions<T> {
  timeoutMs?: number;
  /** Pause between two reads. */
  everyMs?: number;
  /** How to print what was seen (default: JSON, cut at 2,000 characters). */
  show?: (seen: T) => string;
}

export class WaitTimeout extends Error {}

const cut = (text: string) => (text.length > 2000 ? `${text.slice(0, 2000)}…` : text);

/**
 * Reads `read()` until `done(value)` holds and returns that value. A read that throws counts as
 * "not yet" (the thing read may be restarting), and its error is what the timeout reports if
 * nothing better was seen.
 */
export async function waitFor<T>(what: string, read: () => Promise<T> | T, done: (seen: T) => boolean, opts: WaitOptions<T> = {}): Promise<T> {
  const { timeoutMs = 30_000, everyMs = 250, show = (v: T) => JSON.stringify(v) } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: string = 'nothing: the first read did not finish';
  for (let reads = 1; ; reads++) {
    try {
      const seen = await read();
      if (done(seen)) return seen;
      last = show(seen);
    } catch (err) {
      last = `the read failed: ${(err as Error).message ?? String(err)}`;
    }
    if (Date.now() >= deadline) throw new WaitTimeout(`timed out after ${Math.round(timeoutMs / 1000)} s (${reads} reads) waiting for ${what}; last seen: ${cut(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
