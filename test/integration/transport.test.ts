// How Docker calls travel: streamlocal when allowed, dial-stdio when not, and a cap on channels
// that keeps within the server's MaxSessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSshdVariant } from '../lab/sshd';
import { labHosts } from '../support/lab';
import { startTestEngine, type TestEngine } from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => {
  await setSshdVariant('h2', {});
  await t.stop();
});

describe('transport', () => {
  it('falls back to dial-stdio when the server refuses streamlocal, and says so', async () => {
    const [, h2] = await labHosts();
    await setSshdVariant('h2', { streamlocal: false, maxSessions: 4 });
    const host = await t.addLabHost(h2);
    expect(host.transport).toBe('ssh-dial-stdio');
    const probe = await t.call('hosts:probe', { id: host.id });
    expect(probe.transport).toBe('ssh-dial-stdio');
    expect(probe.hostname).toBe('h2');
    const test = await t.call('hosts:test', { id: host.id });
    expect(test.steps.at(-1)?.detail).toMatch(/dial-stdio/);
  });

  it('completes 30 concurrent calls on a host with MaxSessions 4, none failing', async () => {
    const host = (await t.call('hosts:list', {})).find((h) => h.name === 'h2')!;
    const session = t.engine.hosts.sessionById(host.id);
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, session.channelsOpen)), 1);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => session.run((docker) => docker.listContainers({ all: true }))));
    clearInterval(watch);
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    // The server refused the fifth session at first; the cap learnt it and queued the rest.
    expect(session.channelCap).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it('uses streamlocal with many calls in flight on a default host', async () => {
    const [h1] = await labHosts();
    const host = await t.addLabHost(h1);
    expect(host.transport).toBe('ssh-streamlocal');
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => t.call('hosts:probe', { id: host.id })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });
});
