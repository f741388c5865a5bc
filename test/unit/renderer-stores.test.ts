// The renderer's checks and hosts stores as plain logic: Pinia in Node, the engine played by a
// fake bridge (test/support/fake-bridge.ts) that answers calls and pushes events.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CheckPair, CheckResult, HostView } from '../../electron/shared/model';
import { ApiError } from '../../electron/shared/errors';
import { installFakeBridge } from '../support/fake-bridge';

const bridge = installFakeBridge();
const { useChecksStore } = await import('../../renderer/src/stores/checks');
const { useHostsStore } = await import('../../renderer/src/stores/hosts');

beforeEach(() => {
  bridge.reset();
  setActivePinia(createPinia());
});

const pair = (latencyMs: number | undefined, reachable = true): CheckPair => ({
  sourceTask: 'frontend.1',
  sourceNode: 'h1',
  target: 'backend.1',
  targetIp: '10.0.0.5',
  kind: 'task',
  sameHost: false,
  icmp: { result: reachable ? 'ok' : 'failed', ms: latencyMs, detail: '' },
  reachable,
  latencyMs,
});

function result(over: Partial<CheckResult> = {}): CheckResult {
  return {
    from: 'frontend',
    to: 'backend',
    port: 80,
    network: { id: 'net1', name: 'appnet', encrypted: false },
    endpointMode: 'dnsrr',
    sources: [],
    pairs: [pair(0.4), pair(0.2), pair(0.9)],
    verdict: { level: 'ok', code: 'reachable', title: 'frontend reaches backend', evidence: [], next: 'Nothing to do.' },
    findings: [],
    commands: [],
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 120,
    ...over,
  };
}

const broken = (to = 'backend') => result({ to, pairs: [pair(undefined, false), pair(0.3)], verdict: { level: 'error', code: 'underlay-blocked', title: 'Traffic between hosts fails', evidence: [], next: 'Open UDP 4789.' } });

describe('checks store', () => {
  it('a run keeps the latest result and the verdict of its edge, one edge per ordered pair', async () => {
    const store = useChecksStore();
    bridge.answer('checks:run', (input) => (input.to === 'api' ? broken('api') : result()));
    await store.run({ from: 'frontend', to: 'backend', port: 80 });
    await store.run({ from: 'frontend', to: 'api', port: 80 });
    expect(store.latest?.to).toBe('api');
    expect(store.edges).toEqual({
      'frontend->backend': { from: 'frontend', to: 'backend', networkId: 'net1', level: 'ok', title: 'frontend reaches backend' },
      'frontend->api': { from: 'frontend', to: 'api', networkId: 'net1', level: 'error', title: 'Traffic between hosts fails' },
    });
    // A later verdict on the same edge replaces the earlier one.
    bridge.answer('checks:run', () => broken());
    await store.run({ from: 'frontend', to: 'backend', port: 80 });
    expect(store.edges['frontend->backend'].level).toBe('error');
    expect(Object.keys(store.edges)).toHaveLength(2);
  });

  it('a failed run leaves the last result as it was and says why', async () => {
    const store = useChecksStore();
    bridge.answer('checks:run', () => result());
    await store.run({ from: 'frontend', to: 'backend' });
    bridge.answer('checks:run', () => {
      throw new ApiError('not-found', 'no service nosuch', { field: 'to' });
    });
    await expect(store.run({ from: 'frontend', to: 'nosuch' })).rejects.toMatchObject({ code: 'not-found', field: 'to' });
    expect(store.latest?.to).toBe('backend');
  });

  it('a watch records results of its own id only: latency median, failures, and errors in words', async () => {
    const store = useChecksStore();
    let n = 0;
    bridge.answer('checks:watch', () => ({ watchId: `w${++n}` }));
    bridge.answer('checks:watchStop', () => ({ stopped: true }));
    await store.startWatch({ from: 'frontend', to: 'backend', port: 80, intervalSec: 2 });
    expect(store.watchId).toBe('w1');
    bridge.emit('checks:result', { watchId: 'someone-else', result: broken() });
    expect(store.history).toEqual([]);
    bridge.emit('checks:result', { watchId: 'w1', result: result() });
    bridge.emit('checks:result', { watchId: 'w1', result: broken() });
    expect(store.history.map((p) => ({ ms: p.ms, failed: p.failed }))).toEqual([
      { ms: 0.4, failed: 0 },
      { ms: 0.3, failed: 1 },
    ]);
    expect(store.edges['frontend->backend'].level).toBe('error');
    bridge.emit('checks:result', { watchId: 'w1', error: { message: 'no manager answers', hint: 'Reconnect a manager.' } });
    expect(store.watchError).toBe('no manager answers. Reconnect a manager.');
    bridge.emit('checks:result', { watchId: 'w1', result: result() });
    expect(store.watchError).toBeNull();
    expect(store.history).toHaveLength(3);
  });

  it('keeps the last 60 points of a watch', async () => {
    const store = useChecksStore();
    bridge.answer('checks:watch', () => ({ watchId: 'w' }));
    await store.startWatch({ from: 'frontend', to: 'backend', intervalSec: 2 });
    for (let i = 0; i < 75; i++) bridge.emit('checks:result', { watchId: 'w', result: result({ pairs: [pair(i)] }) });
    expect(store.history).toHaveLength(60);
    expect(store.history[0].ms).toBe(15);
    expect(store.history[59].ms).toBe(74);
  });

  it('starting a new watch stops the old one and starts a fresh history; stopping ignores later results', async () => {
    const store = useChecksStore();
    let n = 0;
    bridge.answer('checks:watch', () => ({ watchId: `w${++n}` }));
    bridge.answer('checks:watchStop', () => ({ stopped: true }));
    await store.startWatch({ from: 'frontend', to: 'backend', intervalSec: 2 });
    bridge.emit('checks:result', { watchId: 'w1', result: result() });
    await store.startWatch({ from: 'frontend', to: 'api', intervalSec: 2 });
    expect(bridge.callsOf('checks:watchStop')).toEqual([{ watchId: 'w1' }]);
    expect(store.history).toEqual([]);
    bridge.emit('checks:result', { watchId: 'w1', result: result() });
    expect(store.history).toEqual([]);
    await store.stopWatch();
    expect(store.watchId).toBeNull();
    expect(bridge.callsOf('checks:watchStop')).toEqual([{ watchId: 'w1' }, { watchId: 'w2' }]);
    bridge.emit('checks:result', { watchId: 'w2', result: result() });
    expect(store.history).toEqual([]);
  });
});

function host(id: string, status: HostView['status'] = 'connected'): HostView {
  return { id, kind: 'ssh', name: id, address: '10.0.0.1', port: 22, user: 'root', auth: { kind: 'key', keyPath: '/k', hasPassphrase: false }, secret: 'none', dockerSocket: '/var/run/docker.sock', status };
}

describe('hosts store', () => {
  it('loads hosts and app info, then follows the engine: a whole list replaces, a status updates one host', async () => {
    const store = useHostsStore();
    bridge.answer('hosts:list', () => [host('a'), host('b', 'connecting')]);
    bridge.answer('app:info', () => ({ version: '0.1.0', secretStorage: 'memory' as const, configDir: '/tmp/x' }));
    expect(store.loaded).toBe(false);
    await store.refresh();
    expect(store.loaded).toBe(true);
    expect(store.info?.secretStorage).toBe('memory');
    bridge.emit('hosts:status', { host: host('b', 'unreachable') });
    expect(store.hosts.map((h) => `${h.id}:${h.status}`)).toEqual(['a:connected', 'b:unreachable']);
    // A status for a host the store does not list is not invented into the list.
    bridge.emit('hosts:status', { host: host('ghost') });
    expect(store.hosts.map((h) => h.id)).toEqual(['a', 'b']);
    bridge.emit('hosts:changed', { hosts: [host('c')] });
    expect(store.hosts.map((h) => h.id)).toEqual(['c']);
  });

  it('an added host appears once, whether its answer or the engine\'s event comes first', async () => {
    const store = useHostsStore();
    bridge.answer('hosts:add', () => {
      // The event overtakes the answer, with a newer status.
      bridge.emit('hosts:changed', { hosts: [host('n', 'host-key-unknown')] });
      return host('n', 'connecting');
    });
    await store.add({ name: 'n', address: '10.0.0.1', auth: { kind: 'key', keyPath: '/k' } } as never);
    expect(store.hosts.map((h) => `${h.id}:${h.status}`)).toEqual(['n:host-key-unknown']);
    bridge.answer('hosts:add', () => host('m'));
    await store.add({ name: 'm', address: '10.0.0.2', auth: { kind: 'key', keyPath: '/k' } } as never);
    expect(store.hosts.map((h) => h.id)).toEqual(['n', 'm']);
  });

  it('marks a host busy while its test runs and keeps the test\'s steps; removal drops it', async () => {
    const store = useHostsStore();
    bridge.answer('hosts:list', () => [host('a')]);
    bridge.answer('app:info', () => ({ version: '0.1.0', secretStorage: 'memory' as const, configDir: '/tmp/x' }));
    await store.refresh();
    let finish!: () => void;
    bridge.answer('hosts:test', () => new Promise((resolve) => (finish = () => resolve({ ok: false, steps: [{ step: 'tcp', ok: false, ms: 3, detail: 'refused' }], error: { code: 'unreachable', message: 'refused' } }))));
    const testing = store.test('a');
    await Promise.resolve();
    expect(store.busy.has('a')).toBe(true);
    finish();
    await testing;
    expect(store.busy.has('a')).toBe(false);
    expect(store.tests.a.steps.map((s) => `${s.step}:${s.ok}`)).toEqual(['tcp:false']);
    bridge.answer('hosts:remove', () => ({ removed: true }) as never);
    await store.remove('a');
    expect(store.hosts).toEqual([]);
    expect(bridge.callsOf('hosts:remove')).toEqual([{ id: 'a' }]);
  });
});
