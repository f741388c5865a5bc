import { describe, expect, it } from 'vitest';
import { ChannelLimiter } from '../../electron/engine/docker/channel-limiter';

describe('channel limiter', () => {
  it('queues beyond the cap and lets the next one in on release', async () => {
    const l = new ChannelLimiter(2);
    const a = await l.acquire();
    await l.acquire();
    let third = false;
    const waiting = l.acquire().then(() => (third = true));
    await Promise.resolve();
    expect([third, l.waiting]).toEqual([false, 1]);
    a();
    await waiting;
    expect(third).toBe(true);
  });

  it("steps down towards the server's limit, never below what it really held open", async () => {
    const l = new ChannelLimiter(8);
    l.learnLimit(4);
    expect(l.cap).toBe(7);
    for (let i = 0; i < 5; i++) l.learnLimit(4);
    expect(l.cap).toBe(4);
    // A refusal while only one (long) stream is open is transient: one step, not a collapse.
    l.learnLimit(1);
    expect(l.cap).toBe(3);
    l.allowAtLeast(4);
    expect(l.cap).toBe(4);
  });
});
