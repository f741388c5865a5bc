// A host that goes away and comes back, a host whose key changed, and the local engine.
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../electron/shared/errors';
import { rekeyHost, startSshd, stopSshd } from '../lab/sshd';
import { labHosts, sshRun } from '../support/lab';
import { startTestEngine, type TestEngine } from '../support/engine';
import { LAB_DIR } from '../lab/config';

let t: TestEngine;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

const sessionOf = (id: string) => t.engine.hosts.sessionById(id);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  t = await startTestEngine();
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await startSshd('h3').catch(() => {});
  await t.stop();
});

describe('health', () => {
  it('shows a killed sshd as unreachable, fails calls clearly, and is connected again within 5 s of its return', async () => {
    const [, , h3] = await labHosts();
    const host = await t.addLabHost(h3);
    await stopSshd('h3');
    await t.waitForStatus(host.id, ['unreachable'], 20_000);
    const failure = await t.fail('hosts:probe', { id: host.id });
    expect(failure.code).toBe('unreachable');
    expect(failure.message).toContain(h3.address);
    // Let the session back off for a while, as it would during a real outage.
    await new Promise((r) => setTimeout(r, 3000));
    await startSshd('h3');
    const back = Date.now();
    await t.waitForStatus(host.id, ['connected'], 5_000);
    const recoveredMs = Date.now() - back;
    console.log(`reconnected ${recoveredMs} ms after sshd came back`);
    expect(recoveredMs).toBeLessThan(5_000);
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe('h3');
    expect(unhandled).toEqual([]);
  });

  it('fails a call in flight with a clear error when the connection drops, instead of hanging', async () => {
    const [, , h3] = await labHosts();
    const host = (await t.call('hosts:list', {})).find((v) => v.name === 'h3')!;
    const id = await sshRun(h3, ['docker', 'run', '-d', '--rm', 'lab/web', 'sleep', '300']);
    const session = sessionOf(host.id);
    // The outcome is observed from the start, so the rejection is never left unhandled.
    const pending = session.run((docker) => docker.getContainer(id).wait()).then(
      () => 'resolved',
      (err: ApiError) => err,
    );
    await new Promise((r) => setTimeout(r, 300));
    const cut = Date.now();
    await stopSshd('h3');
    const outcome = await pending;
    expect(outcome).toMatchObject({ code: 'unreachable', message: expect.stringContaining('lost the connection to h3') });
    expect(Date.now() - cut).toBeLessThan(5_000);
    await startSshd('h3');
    await t.waitForStatus(host.id, ['connected'], 5_000);
    await sshRun(h3, ['docker', 'rm', '-f', id]);
  });

  it('gives a long stream its own channel and closes it when the consumer goes away', async () => {
    const host = (await t.call('hosts:list', {})).find((v) => v.name === 'h3')!;
    const session = sessionOf(host.id);
    const stream = (await session.run((docker) => docker.getEvents())) as IncomingMessage;
    // The SSH channel the stream travels on (its HTTP "socket").
    const channel = stream.socket;
    // Other calls keep working beside the stream, on channels of their own.
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe('h3');
    expect(session.channelsOpen).toBeGreaterThanOrEqual(2);
    // Counting open channels races with the model's own background reads: wait for this one.
    const closed = new Promise<void>((resolve, reject) => {
      channel.once('close', () => resolve());
      setTimeout(() => reject(new Error(`the stream's channel was still open 3 s after the stream was destroyed `)), 3000).unref();
    });
    stream.destroy();
    await expect(closed).resolves.toBeUndefined();
  });

  it('refuses a host whose key changed, and says what it may mean and how to fix it', async () => {
    const [, h2] = await labHosts();
    const host = await t.addLabHost(h2);
    await rekeyHost('h2');
    const test = await t.call('hosts:test', { id: host.id });
    expect(test.ok).toBe(false);
    expect(test.error?.code).toBe('host-key-changed');
    expect(test.error?.hint).toMatch(/intercept|man in the middle/i);
    expect(test.error?.hint).toContain('ssh-keygen -R');
    const view = await t.waitForStatus(host.id, ['host-key-changed']);
    const newKey = (await labHosts())[1].hostKeyFingerprint;
    expect(view.hostKey).toMatchObject({ verdict: 'changed', fingerprint: newKey });
    // A changed key can never be trusted from here…
    expect((await t.fail('hosts:trust', { id: host.id, fingerprint: newKey })).code).toBe('conflict');
    // …only after the old one is forgotten on purpose, and then compared like a new one.
    expect((await t.call('hosts:forgetHostKey', { id: host.id })).removed).toBe(1);
    const pending = await t.waitForStatus(host.id, ['host-key-unknown']);
    expect(pending.hostKey?.fingerprint).toBe(newKey);
    await t.call('hosts:trust', { id: host.id, fingerprint: newKey });
    await t.waitForStatus(host.id, ['connected']);
  });

  it('adds the local engine through a unix socket', async () => {
    const host = await t.call('hosts:addLocal', { name: 'local-h1', socketPath: path.join(LAB_DIR, 'h1', 'run', 'docker.sock') });
    const view = await t.waitForStatus(host.id, ['connected']);
    expect(view.transport).toBe('local-socket');
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe('h1');
  });

  it('raised no unhandled rejection', () => {
    expect(unhandled).toEqual([]);
  });
});
