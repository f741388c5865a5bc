// Targeted reads of the live model: coalesced by key, and a failed one tried again (a busy host
// refusing a channel must not leave its object wrong until the next full re-read).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadQueue, RETRY_AFTER_MS } from '../../electron/engine/cluster/read-queue';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ReadQueue', () => {
  it('tries a failed read again after each pause, and stops once it succeeds', async () => {
    const told: boolean[] = [];
    const q = new ReadQueue(4, () => {}, (_key, _err, retrying) => told.push(retrying));
    let runs = 0;
    const job = async () => {
      runs += 1;
      if (runs <= 2) throw new Error('channel open failure');
    };
    q.request('c:h1:abc', job);
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_MS[0] + 5);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_MS[1] + 5);
    expect(runs).toBe(3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect({ runs, told }).toEqual({ runs: 3, told: [true, true] });
  });

  it('gives up after the last pause and says so', async () => {
    const told: boolean[] = [];
    const q = new ReadQueue(4, () => {}, (_key, _err, retrying) => told.push(retrying));
    let runs = 0;
    q.request('s:sw:svc', async () => {
      runs += 1;
      throw new Error('no manager answers');
    });
    await vi.advanceTimersByTimeAsync(RETRY_AFTER_MS.reduce((a, b) => a + b, 0) + 10_000);
    expect({ runs, told }).toEqual({ runs: RETRY_AFTER_MS.length + 1, told: [...RETRY_AFTER_MS.map(() => true), false] });
  });

  it('runs a read asked for while the same one runs once more after it, not twice', async () => {
    const q = new ReadQueue(4, () => {});
    let runs = 0;
    let release: () => void = () => {};
    const job = () => ((runs += 1), new Promise<void>((r) => (release = r)));
    q.request('k', job);
    await vi.advanceTimersByTimeAsync(0);
    q.request('k', job);
    q.request('k', job);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(2);
  });
});
