// When the live model reads an object again after an event: after growing pauses, one pending
// read per object however many ask, starting over on a newer event, and giving up after the last.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfirmPacer } from '../../electron/engine/cluster/confirm-pacer';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const PAUSES = [10, 100, 1_000];

describe('ConfirmPacer', () => {
  it('reads again after each pause in turn, then says the pauses are used up', async () => {
    const p = new ConfirmPacer(PAUSES);
    const at: number[] = [];
    const read = () => {
      at.push(Date.now());
      if (!p.again('k', read)) at.push(-1);
    };
    const t0 = Date.now();
    p.restart('k');
    expect(p.again('k', read)).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(at.map((t) => (t < 0 ? t : t - t0))).toEqual([10, 110, 1_110, -1]);
    expect(p.following).toBe(0);
  });

  it('keeps one read pending per key, however many ask (tasks of one service wait on one re-read)', async () => {
    const p = new ConfirmPacer(PAUSES);
    let reads = 0;
    p.restart('service:a');
    for (let i = 0; i < 50; i++) expect(p.again('service:a', () => (reads += 1))).toBe(true);
    await vi.advanceTimersByTimeAsync(PAUSES[0]);
    expect(reads).toBe(1);
    expect(p.exhausted('service:a')).toBe(false);
  });

  it('starts over on a newer event and drops the pending read; ended keys are forgotten', async () => {
    const p = new ConfirmPacer(PAUSES);
    let stale = 0;
    let fresh = 0;
    p.restart('c');
    p.again('c', () => (stale += 1));
    await vi.advanceTimersByTimeAsync(PAUSES[0]);
    p.again('c', () => (stale += 1));
    p.restart('c');
    p.again('c', () => (fresh += 1));
    await vi.advanceTimersByTimeAsync(PAUSES[0]);
    expect({ stale, fresh }).toEqual({ stale: 1, fresh: 1 });
    p.end('c');
    expect(p.following).toBe(0);
  });

  it('reads nothing once stopped', async () => {
    const p = new ConfirmPacer(PAUSES);
    let reads = 0;
    p.restart('k');
    p.again('k', () => (reads += 1));
    p.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect({ reads, again: p.again('k', () => (reads += 1)) }).toEqual({ reads: 0, again: false });
  });
});
