// The Checks page's own logic: what it preselects, and that every verdict has its page.
import { describe, expect, it } from 'vitest';
import type { ClusterModel, ServiceView } from '../../electron/shared/model';
import { VERDICT_CAUSES } from '../../electron/shared/verdict-causes';
import { obviousPair } from '../../renderer/src/components/check-preselect';

const svc = (name: string, networkIds = ['n1']): ServiceView => ({ id: name, name, image: 'x', mode: 'replicated', replicas: 1, endpointMode: 'vip', networkIds, ports: [], vips: [], swarmId: 'sw' });
const net = { id: 'n1', name: 'appnet', driver: 'overlay', scope: 'swarm', attachable: false, internal: false, encrypted: false, ingress: false, subnets: [], labels: {} };
const model = (services: ServiceView[]) => ({ services, networks: [net] }) as unknown as ClusterModel;

describe('Checks page preselection', () => {
  it('frontend → backend when both exist, whatever else runs', () => {
    expect(obviousPair(model([svc('api'), svc('backend'), svc('frontend')]))).toEqual({ from: 'frontend', to: 'backend' });
  });
  it('the only two services sharing an overlay, the client-looking one first', () => {
    expect(obviousPair(model([svc('db'), svc('web')]))).toEqual({ from: 'web', to: 'db' });
    expect(obviousPair(model([svc('a'), svc('b')]))).toEqual({ from: 'a', to: 'b' });
  });
  it('nothing when the choice is not obvious', () => {
    expect(obviousPair(model([svc('a'), svc('b'), svc('c')]))).toBeNull();
    expect(obviousPair(model([svc('a'), svc('b', ['n2'])]))).toBeNull();
    expect(obviousPair(null)).toBeNull();
  });
});

describe('What can go wrong', () => {
  it('every verdict has a page with a symptom, how it is told apart and a fix', () => {
    for (const [code, c] of Object.entries(VERDICT_CAUSES)) {
      expect([code, c.title.length > 0, c.symptom.length > 20, c.tellApart.length > 20, c.fix.length > 10]).toEqual([code, true, true, true, true]);
    }
    expect(Object.keys(VERDICT_CAUSES)).toEqual(expect.arrayContaining(['mtu-blackhole', 'rolling', 'stale-dns', 'no-target-tasks']));
  });
});
