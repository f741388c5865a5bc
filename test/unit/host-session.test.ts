// HostSession against an SSH host in this process (ssh2's own Server with a tiny Docker HTTP
// responder, test/support/fake-ssh-host.ts): no root, no lab, any OS. A connection dropped in
// the middle of a call, reconnecting with backoff, learning sshd's MaxSessions and queueing
// below it, host keys unknown / changed / of another type, and an events stream that ends.
import { HostSecrets } from '../../electron/engine/hosts/host-secrets';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it, type TestContext } from 'vitest';
import type { SshHostRecord } from '../../electron/engine/hosts/host-record';
import { HostSession } from '../../electron/engine/hosts/host-session';
import { MemorySecretStore } from '../../electron/engine/secrets/secret-store';
import { fingerprint } from '../../electron/engine/ssh/host-key';
import { hostPattern, KnownHosts } from '../../electron/engine/ssh/known-hosts';
import type { HostStatus } from '../../electron/shared/model';
import { FakeSshHost, makeKey, type FakeHostOptions, type KeyPair } from '../support/fake-ssh-host';
import { waitFor } from '../support/wait';

const clientKey = makeKey();

interface Watched {
  session: HostSession;
  /** Every status the session went through, in order. */
  statuses: HostStatus[];
}

/**
 * Each test's own folder, fake hosts and sessions, cleaned up when it ends: the tests run
 * concurrently (most of their time is waiting on timers and sockets).
 */
async function world({ onTestFinished }: TestContext) {
  const dir = await mkdtemp(path.join(tmpdir(), 'host-session-'));
  const keyPath = path.join(dir, 'id_ed25519');
  await writeFile(keyPath, clientKey.private, { mode: 0o600 });
  const hosts: FakeSshHost[] = [];
  const sessions: HostSession[] = [];
  onTestFinished(async () => {
    for (const s of sessions) s.close();
    for (const h of hosts) await h.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const fakeHost = async (opts: Partial<FakeHostOptions> = {}): Promise<FakeSshHost> => {
    const h = await new FakeSshHost({ clientKey, ...opts }).start();
    hosts.push(h);
    return h;
  };
  /** A known_hosts file in the test's folder, with these lines. */
  const knownHosts = async (lines: string[] = []): Promise<KnownHosts> => {
    const file = path.join(dir, 'known_hosts');
    await writeFile(file, lines.map((l) => `${l}\n`).join(''));
    return new KnownHosts(file, []);
  };
  const session = (h: FakeSshHost, kh: KnownHosts): Watched => {
    const record: SshHostRecord = { id: 'fake', kind: 'ssh', name: 'fake', address: '127.0.0.1', port: h.port, user: 'tester', auth: { kind: 'key', keyPath, hasPassphrase: false }, dockerSocket: '/var/run/docker.sock' };
    const statuses: HostStatus[] = [];
    const s = new HostSession(record, { knownHosts: kh, secrets: new HostSecrets(new MemorySecretStore()), onChange: (x) => statuses.push(x.status) });
    sessions.push(s);
    return { session: s, statuses };
  };
  const trusting = async (h: FakeSshHost) => session(h, await knownHosts([line(h, h.hostKey)]));
  return { dir, fakeHost, knownHosts, session, trusting };
}

const line = (h: FakeSshHost, key: KeyPair) => `${hostPattern('127.0.0.1', h.port)} ${key.public.split(' ')[0]} ${key.public.split(' ')[1]}`;

describe.concurrent('HostSession over an in-process SSH server', () => {
  it('serves Docker calls over one connection and streamlocal channels', async (ctx) => {
    const { fakeHost, trusting } = await world(ctx);
    const h = await fakeHost();
    const { session: s } = await trusting(h);
    for (let i = 0; i < 5; i++) expect(await s.run((d) => d.version())).toMatchObject({ Version: '20.10.24' });
    expect(s.status).toBe('connected');
    expect(s.transport).toBe('ssh-streamlocal');
    expect(h.connections).toHaveLength(1);
  });

  it('a connection dropped mid-call fails that call at once, then reconnects by itself', async (ctx) => {
    const { fakeHost, trusting } = await world(ctx);
    const h = await fakeHost();
    const { session: s, statuses } = await trusting(h);
    await s.connection();
    h.hang.add('/containers/json');
    const call = s.run((d) => d.listContainers());
    await waitFor('the call to reach the host', () => h.requests, (r) => r.includes('GET /containers/json'), { timeoutMs: 5_000, everyMs: 10 });
    h.hang.clear();
    h.dropConnections();
    await expect(call).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('lost the connection to fake during the call') });
    await waitFor('the session to be connected again', () => s.status, (st) => st === 'connected' && h.connections.length === 2, { timeoutMs: 10_000, everyMs: 20 });
    expect(statuses).toContain('unreachable');
    expect(await s.run((d) => d.listContainers())).toEqual([]);
  });

  it('reconnects with growing delays while SSH is refused, and connects once it answers again', async (ctx) => {
    const { fakeHost, trusting } = await world(ctx);
    const h = await fakeHost();
    const { session: s } = await trusting(h);
    await s.connection();
    h.refuseSsh(true);
    const dropped = performance.now();
    h.dropConnections();
    // Each retry is a new TCP connection that the host closes at once.
    const [attempts] = await waitFor('three reconnection attempts, the last one failed', () => [h.connections.slice(1), s.status] as const, ([a, st]) => a.length >= 3 && st === 'unreachable', { timeoutMs: 15_000, everyMs: 20 });
    const gaps = [attempts[0] - dropped, ...attempts.slice(1, 3).map((t, i) => t - attempts[i])];
    // Lower bounds only (a timer never fires early, a busy machine may fire it late): 250 ms,
    // then doubling (capped at 1 s).
    const floors = [250, 500, 1000];
    gaps.forEach((gap, i) => expect(gap, `gap ${i}: ${gaps.map(Math.round).join(', ')} ms`).toBeGreaterThanOrEqual(floors[i] - 5));
    h.refuseSsh(false);
    await waitFor('the session to be connected again', () => s.status, (st) => st === 'connected', { timeoutMs: 10_000, everyMs: 20 });
    expect(await s.run((d) => d.version())).toMatchObject({ ApiVersion: '1.41' });
  });

  it('learns sshd\'s MaxSessions from its refusals and queues calls below it (dial-stdio)', async (ctx) => {
    const { fakeHost, trusting } = await world(ctx);
    const h = await fakeHost({ refuseStreamlocal: true, maxSessions: 3 });
    const { session: s } = await trusting(h);
    await s.connection();
    expect(s.transport).toBe('ssh-dial-stdio');
    const burst = () => Promise.all(Array.from({ length: 20 }, (_, i) => s.run((d): Promise<unknown> => (i % 2 ? d.version() : d.listContainers()))));
    const first = await burst();
    expect(first).toHaveLength(20);
    expect(h.sessionRefusals).toBeGreaterThan(0);
    expect(h.mostSessionsOpen).toBe(3);
    expect(s.channelCap).toBe(3);
    // What was learnt holds: the next burst queues below the limit, and nothing is refused.
    const refusedBefore = h.sessionRefusals;
    expect(await burst()).toHaveLength(20);
    expect(h.sessionRefusals).toBe(refusedBefore);
    expect(h.connections).toHaveLength(1);
  });

  it('an events stream that ends frees its channel and leaves the session connected', async (ctx) => {
    const { fakeHost, trusting } = await world(ctx);
    const h = await fakeHost();
    const { session: s } = await trusting(h);
    const stream = (await s.run((d) => d.getEvents())) as unknown as Readable;
    const got: string[] = [];
    stream.on('data', (d: Buffer) => got.push(d.toString()));
    const ended = new Promise<void>((resolve) => stream.once('end', resolve));
    await waitFor('the events stream open on the host', () => h.openEventStreams, (n) => n === 1, { timeoutMs: 5_000, everyMs: 10 });
    h.emitEvent({ Type: 'container', Action: 'start', timeNano: 1 });
    await waitFor('the event to arrive', () => got.join(''), (t) => t.includes('"Action":"start"'), { timeoutMs: 5_000, everyMs: 10 });
    h.endEventStreams();
    await ended;
    expect(s.status).toBe('connected');
    expect(await s.run((d) => d.version())).toMatchObject({ Version: '20.10.24' });
    await waitFor('only idle keep-alive channels left', () => s.channelsOpen, (n) => n <= 1, { timeoutMs: 5_000, everyMs: 10 });
  });

  it('when the events stream ended because dockerd stopped, a health check at once says Docker is not answering, then recovers', async (ctx) => {
    const { fakeHost, trusting } = await world(ctx);
    const h = await fakeHost();
    const { session: s } = await trusting(h);
    await s.connection();
    h.dockerUp = false;
    // What the cluster watcher does when a host's stream ends: ask the session to look now.
    s.checkSoon();
    await waitFor('status docker-unavailable', () => s.status, (st) => st === 'docker-unavailable', { timeoutMs: 5_000, everyMs: 10 });
    expect(s.detail).toContain('Docker does not answer');
    h.dockerUp = true;
    await waitFor('status connected again', () => s.status, (st) => st === 'connected', { timeoutMs: 10_000, everyMs: 20 });
    expect(h.connections).toHaveLength(1);
  });
});

describe.concurrent('HostSession and host keys', () => {
  it('an unknown key stops the connection and shows its fingerprint; trusted once, it connects', async (ctx) => {
    const { fakeHost, knownHosts, session } = await world(ctx);
    const h = await fakeHost();
    const kh = await knownHosts();
    const { session: s } = session(h, kh);
    await expect(s.connection()).rejects.toMatchObject({ code: 'host-key-unknown' });
    expect(s.status).toBe('host-key-unknown');
    expect(s.hostKey).toMatchObject({ verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: fingerprint(h.hostKey.blob), address: '127.0.0.1', port: h.port });
    await expect(s.trust(`SHA256:${'A'.repeat(43)}`)).rejects.toMatchObject({ code: 'conflict' });
    await s.trust(fingerprint(h.hostKey.blob));
    expect(s.status).toBe('connected');
    expect(await readFile(kh.appFile, 'utf8')).toContain(h.hostKey.public.split(' ')[1]);
  });

  it('a changed key of the same type is refused and cannot be trusted from the session', async (ctx) => {
    const { fakeHost, knownHosts, session } = await world(ctx);
    const h = await fakeHost();
    const { session: s } = session(h, await knownHosts([line(h, makeKey())]));
    await expect(s.connection()).rejects.toMatchObject({ code: 'host-key-changed', message: expect.stringContaining('CHANGED') });
    expect(s.status).toBe('host-key-changed');
    expect(s.hostKey).toMatchObject({ verdict: 'changed', fingerprint: fingerprint(h.hostKey.blob), knownIn: expect.stringMatching(/known_hosts:1$/) });
    await expect(s.trust(fingerprint(h.hostKey.blob))).rejects.toMatchObject({ code: 'conflict' });
    expect(h.connections).toHaveLength(1);
  });

  it('a key of another type than the one recorded: its own verdict, other-type, naming the known key, to compare and trust only with both confirmations', async (ctx) => {
    const { fakeHost, knownHosts, session } = await world(ctx);
    const h = await fakeHost();
    const old = makeKey('ecdsa');
    const { session: s } = session(h, await knownHosts([line(h, old)]));
    await expect(s.connection()).rejects.toMatchObject({ code: 'host-key-other-type' });
    expect(s.hostKey).toMatchObject({ verdict: 'other-type', keyType: 'ssh-ed25519', fingerprint: fingerprint(h.hostKey.blob), knownKeys: [{ fingerprint: fingerprint(old.blob) }] });
    expect(s.status).toBe('host-key-other-type');
    // Trusting it needs the word that the old key was retired.
    await expect(s.trust(fingerprint(h.hostKey.blob))).rejects.toMatchObject({ code: 'conflict' });
    await s.trust(fingerprint(h.hostKey.blob), fingerprint(old.blob));
    expect(s.status).toBe('connected');
  });

  it('a key problem found by a test while the old link is still open stays on the host until answered', async (ctx) => {
    const { dir, fakeHost, knownHosts, session } = await world(ctx);
    const h = await fakeHost();
    const { session: s } = session(h, await knownHosts([line(h, h.hostKey)]));
    await s.connection();
    // known_hosts now records only a key of another type (edited under the running app): the
    // open link still runs on the key it was trusted with, a new connection would not be trusted.
    await writeFile(path.join(dir, 'known_hosts'), `${line(h, makeKey('ecdsa'))}\n`);
    expect((await s.test()).ok).toBe(false);
    expect(s.status).toBe('host-key-other-type');
    // The open link's health check pings now and again 5 s after the first ping was handled:
    // the second ping means the first one's answer was seen.
    const pings = () => h.requests.filter((r) => r === 'GET /_ping').length;
    const before = pings();
    s.checkSoon();
    await waitFor('two health pings on the open link', pings, (n) => n >= before + 2, { timeoutMs: 15_000, everyMs: 20 });
    expect(s.status).toBe('host-key-other-type');
  }, 20_000);
});
