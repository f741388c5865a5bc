import { describe, expect, it } from 'vitest';
import { cidrContainsCidr, cidrContainsIp, cidrsOverlap } from '../../electron/shared/cidr';
import { createDispatch } from '../../electron/shared/dispatch';
import { METHODS, type Handlers } from '../../electron/shared/contract';
import { NetworkService } from '../../electron/engine/networks/network-service';
import type { ClusterModel } from '../../electron/shared/model';
import type { HostService } from '../../electron/engine/hosts/host-handlers';

describe('subnet arithmetic', () => {
  it('knows containment and overlap', () => {
    expect(cidrContainsIp('10.0.0.0/24', '10.0.0.1')).toBe(true);
    expect(cidrContainsIp('10.0.0.0/24', '10.0.1.1')).toBe(false);
    expect(cidrContainsCidr('10.0.0.0/16', '10.0.5.0/24')).toBe(true);
    expect(cidrContainsCidr('10.0.5.0/24', '10.0.0.0/16')).toBe(false);
    expect(cidrsOverlap('10.0.0.0/16', '10.0.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.0.5.0/24', '10.0.0.0/16')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/24', '10.0.1.0/24')).toBe(false);
  });
});

describe('network and service input', () => {
  const calls: string[] = [];
  const handlers = Object.fromEntries(METHODS.map((m) => [m, async () => calls.push(m)])) as unknown as Handlers;
  const dispatch = createDispatch(handlers);

  it.each([
    ['networks:create', { name: 'my net' }, 'name'],
    ['networks:create', { name: 'n', subnet: '10.0.0.0/33' }, 'subnet'],
    ['networks:create', { name: 'n', subnet: '10.0.0.0/24', gateway: '10.0.1.1' }, 'gateway'],
    ['networks:create', { name: 'n', subnet: '10.0.0.0/24', ipRange: '10.0.0.0/16' }, 'ipRange'],
    ['networks:create', { name: 'n', gateway: '10.0.0.1' }, 'subnet'],
    ['services:create', { name: 'web', image: 'lab/web', replicas: -1 }, 'replicas'],
    ['services:create', { name: '-web', image: 'lab/web' }, 'name'],
    ['services:create', { name: 'web', image: 'lab web' }, 'image'],
    ['services:create', { name: 'web', image: 'lab/web', endpointMode: 'dnsrr', ports: [{ target: 80, published: 8080 }] }, 'ports'],
    ['services:scale', { service: 'web', replicas: -1 }, 'replicas'],
  ])('%s refuses %j, naming %s, before any handler runs', async (method, input, field) => {
    const res = await dispatch(method, input);
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-input', field } });
    expect(calls).toEqual([]);
  });
});

describe('networks:create', () => {
  it('refuses an overlapping subnet from the model it has, without touching any host', async () => {
    const model = { networks: [{ id: 'n1', name: 'appnet', subnets: [{ subnet: '10.77.0.0/24' }] }], services: [] } as unknown as ClusterModel;
    const untouchable = new Proxy({}, { get: () => { throw new Error('a host was asked'); } }) as HostService;
    const cluster = { model: async () => model, manager: () => undefined, confirmServices: async () => {}, confirmSwarms: async () => {}, confirmTask: async () => {} };
    const service = new NetworkService(untouchable, cluster);
    await expect(service.handlers['networks:create']({ name: 'other', attachable: false, encrypted: false, internal: false, subnet: '10.77.0.128/25' })).rejects.toMatchObject({
      code: 'invalid-input',
      field: 'subnet',
      message: 'subnet: 10.77.0.128/25 overlaps 10.77.0.0/24 of network appnet',
    });
    await expect(service.handlers['networks:create']({ name: 'appnet', attachable: false, encrypted: false, internal: false })).rejects.toMatchObject({ code: 'conflict', field: 'name' });
  });
});

describe('service log frames', () => {
  it('splits multiplexed frames into lines, across chunk boundaries', async () => {
    const { LogFrameParser, splitDetails } = await import('../../electron/engine/services/log-frames');
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'oops\n'), frame(1, 'o\n')]);
    const p = new LogFrameParser();
    const out = [...p.push(all.subarray(0, 5)), ...p.push(all.subarray(5, 17)), ...p.push(all.subarray(17))];
    expect(out).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'two' },
    ]);
    expect(splitDetails('com.docker.swarm.node.id=abc,com.docker.swarm.task.id=t1 2026-01-01T00:00:00Z hello')).toEqual({
      attrs: { 'com.docker.swarm.node.id': 'abc', 'com.docker.swarm.task.id': 't1' },
      text: '2026-01-01T00:00:00Z hello',
    });
  });
});

describe('overlay names', () => {
  it('follow swarm’s rule (checked against dockerd 20.10: a_b, a-b, a__b ok; a.b, _ab, ab_, 64 chars refused)', async () => {
    const { networkCreateInput } = await import('../../electron/shared/schemas');
    const ok = (name: string) => networkCreateInput.safeParse({ name }).success;
    for (const name of ['a_b', 'a-b', 'a__b', 'a_-b', 'appnet', 'x'.repeat(63)]) expect(ok(name), name).toBe(true);
    for (const name of ['a.b', '_ab', 'ab_', 'x'.repeat(64), 'my net', '-a']) expect(ok(name), name).toBe(false);
  });
});
