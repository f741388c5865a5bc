// The pure parts behind "why pending" and "rolling": constraints against node labels, subnet
// counting, the reason picked from swarm's words, update progress, and the rolling verdict.
import { describe, expect, it } from 'vitest';
import type { CheckPair, ClusterModel, SwarmNodeView, TaskView } from '../../electron/shared/model';
import { constraintHolds, subnetUsage, whyPending } from '../../electron/shared/why-pending';
import { serviceUpdate } from '../../electron/engine/cluster/service-update-status';
import { deriveRollout, isUpToDate } from '../../electron/shared/rollout';
import { taskView } from '../../electron/engine/cluster/adapters/task-adapter';
import { serviceView } from '../../electron/engine/cluster/adapters/service-adapter';
import type { EngineTask, Service } from '../../electron/engine/docker/engine-api';
import { diagnose, type DiagnosisInput } from '../../electron/engine/checks/diagnosis';
import { rollingContext } from '../../electron/engine/checks/diagnose-rolling';

const node = (hostname: string, labels: Record<string, string> = {}): SwarmNodeView => ({ id: `id-${hostname}`, hostname, role: 'worker', availability: 'active', state: 'ready', addr: '', engineVersion: '', labels, leader: false, swarmId: 'sw' });
const task = (id: string, serviceId: string, extra: Partial<TaskView> = {}): TaskView => ({ id, serviceId, nodeId: 'id-h1', state: 'running', desiredState: 'running', addresses: [], swarmId: 'sw', ...extra });
const model = (extra: Partial<ClusterModel>): ClusterModel => ({ swarm: null, swarms: [], seq: 0, hosts: [], nodes: [node('h1'), node('h2', { zone: 'west' })], networks: [], services: [], tasks: [], containers: [], updatedAt: '', ...extra });
const svc = { id: 's1', name: 'b', image: 'lab/web', mode: 'replicated' as const, replicas: 1, endpointMode: 'dnsrr' as const, networkIds: ['n1'], ports: [], vips: [], swarmId: 'sw' };

describe('why pending', () => {
  it('evaluates constraints against a node', () => {
    expect(constraintHolds('node.labels.zone==west', node('h2', { zone: 'west' }))).toBe(true);
    expect(constraintHolds('node.labels.zone!=west', node('h2', { zone: 'west' }))).toBe(false);
    expect(constraintHolds('node.hostname==h1', node('h1'))).toBe(true);
    expect(constraintHolds('engine.labels.x==y', node('h1'))).toBeUndefined();
  });
  it('names the constraint no node satisfies, in swarm’s words and ours', () => {
    const m = model({ services: [{ ...svc, constraints: ['node.labels.zone==east'] }], tasks: [task('t1', 's1', { state: 'pending', error: 'no suitable node (scheduling constraints not satisfied on 2 nodes)' })] });
    const why = whyPending(m, 'b')!;
    expect(why).toMatchObject({ running: 0, desired: 1 });
    expect(why.reasons[0]).toMatchObject({ code: 'constraints', swarm: 'no suitable node (scheduling constraints not satisfied on 2 nodes)', ours: 'No node satisfies “node.labels.zone==east”.' });
    expect(why.reasons[0].evidence).toContain('h2 (worker, active): zone=west');
  });
  it('counts a /29: 5 usable, tasks plus one load-balancer endpoint per node; a wordless "new" task there is out of addresses', () => {
    const net = { id: 'n1', name: 'tiny', driver: 'overlay', scope: 'swarm', attachable: false, internal: false, encrypted: false, ingress: false, swarmId: 'sw', subnets: [{ subnet: '10.98.0.0/29' }], labels: {} };
    const on = (id: string) => task(id, 'fill', { addresses: [{ networkId: 'n1', address: `10.98.0.${id.slice(1)}/29` }] });
    const m = model({ networks: [net], services: [svc], tasks: [on('f2'), on('f3'), on('f4'), on('f5'), task('t1', 's1', { state: 'new', message: 'created' })] });
    expect(subnetUsage(m, 'n1')).toMatchObject({ size: 5, used: 5, free: 0, tasks: 4, lbEndpoints: 1 });
    expect(whyPending(m, 'b')!.reasons[0]).toMatchObject({ code: 'subnet-exhausted', swarm: 'created' });
  });
  it('a missing image names the nodes that said so', () => {
    const m = model({ services: [svc], tasks: [task('t1', 's1', { state: 'rejected', nodeId: 'id-h2', error: 'No such image: lab/only1:latest' })] });
    expect(whyPending(m, 'b')!.reasons[0].ours).toBe('The image lab/web is missing on h2 and cannot be pulled there.');
  });
  it('nothing to explain when every wanted task runs', () => {
    expect(whyPending(model({ services: [svc], tasks: [task('t1', 's1')] }), 'b')).toBeUndefined();
  });
});

describe('update status', () => {
  const started = '2026-01-01T10:00:00Z';
  const raw: Service = { ID: 's1', Spec: { Name: 'web', Mode: { Replicated: { Replicas: 3 } } }, UpdateStatus: { State: 'updating', StartedAt: started }, PreviousSpec: {} };
  const s = serviceView(raw, 'sw');
  const t = (id: string, created: string, state = 'running') => taskView({ ID: id, ServiceID: 's1', CreatedAt: created, DesiredState: 'running', Status: { State: state } } as EngineTask, 'sw');
  it('tasks created after the update started are on the new spec', () => {
    expect(isUpToDate(t('a', '2026-01-01T10:00:01Z'), s)).toBe(true);
    expect(isUpToDate(t('b', '2026-01-01T09:59:59Z'), s)).toBe(false);
    expect(isUpToDate(t('b', '2026-01-01T09:59:59Z'), serviceView({ ID: 's1' }, 'sw'))).toBe(true);
  });
  it('progress counts running tasks on the new spec out of the replicas', () => {
    expect(serviceUpdate(raw)).toMatchObject({ state: 'updating', canRollback: true });
    const { services, tasks } = deriveRollout([s], [t('a', '2026-01-01T10:00:01Z'), t('b', '2026-01-01T09:00:00Z'), t('c', '2026-01-01T10:00:02Z', 'starting')]);
    expect(services[0].update).toMatchObject({ state: 'updating', updated: 1, total: 3, canRollback: true });
    expect(tasks.map((x) => x.upToDate)).toEqual([true, false, true]);
  });
  it('a model without updates is passed through as it is', () => {
    const plain = serviceView({ ID: 's2', Spec: { Name: 'api' } }, 'sw');
    const tasks = [t('a', started)];
    const out = deriveRollout([plain], tasks);
    expect(out.services[0]).toBe(plain);
    expect(out.tasks).toBe(tasks);
  });
});

describe('rolling verdict', () => {
  const ok = { result: 'ok' as const, ms: 0.2, detail: '' };
  const pair = (ip: string, reachable: boolean): CheckPair => ({ sourceTask: 'a.1', sourceNode: 'h1', target: `b.${ip}`, targetIp: ip, targetNode: 'h2', kind: 'task', sameHost: false, tcp: reachable ? ok : { result: 'refused', detail: '' }, icmp: ok, reachable });
  const base: DiagnosisInput = { from: 'a', to: 'b', port: 80, endpointMode: 'dnsrr', network: { name: 'n', encrypted: false }, sourceTasks: 1, targetTasks: 2, sources: [{ task: 'a.1', node: 'h1', via: 'exec', dns: [{ name: 'b', addresses: ['10.0.0.2'] }] }], pairs: [] };
  const update = { state: 'updating' as const, updated: 1, total: 2, canRollback: true };
  it('failures to tasks being replaced are the update, not the network', () => {
    const rolling = { services: [{ name: 'b', role: 'target' as const, update }], changingIps: ['10.0.0.3'], changingSources: [] };
    const { verdict, findings } = diagnose({ ...base, pairs: [pair('10.0.0.2', true), pair('10.0.0.3', false)], rolling });
    expect(verdict).toMatchObject({ code: 'rolling', level: 'warning', title: 'b is rolling, 1 of 2 tasks updated; the failing addresses are tasks being replaced' });
    expect(findings.map((f) => f.code)).toEqual(['rolling', 'reachable']);
  });
  it('mid-update with every pair answering still says rolling', () => {
    const rolling = { services: [{ name: 'b', role: 'target' as const, update }], changingIps: [], changingSources: [] };
    expect(diagnose({ ...base, pairs: [pair('10.0.0.2', true)], rolling }).verdict.title).toBe('b is rolling, 1 of 2 tasks updated; every pair answered, but that may change in seconds');
  });
  it('a failure to a steady task is still a network finding', () => {
    const rolling = { services: [{ name: 'b', role: 'target' as const, update }], changingIps: ['10.0.0.3'], changingSources: [] };
    expect(diagnose({ ...base, pairs: [pair('10.0.0.2', false), pair('10.0.0.3', false)], rolling }).findings.map((f) => f.code)).toEqual(['port-refused', 'rolling']);
  });
  it('finds the changing tasks from the model read after the probes', () => {
    const before = model({ services: [{ ...svc, update }], tasks: [task('t1', 's1'), task('t2', 's1')] });
    const after = model({ services: [{ ...svc, update }], tasks: [task('t1', 's1'), task('t2', 's1', { desiredState: 'shutdown' })] });
    const r = rollingContext(before, after, 'a', 'b', { sources: [], targets: [{ id: 't1', ip: '10.0.0.2' }, { id: 't2', ip: '10.0.0.3' }] });
    expect(r.changingIps).toEqual(['10.0.0.3']);
    expect(r.services.map((s) => s.name)).toEqual(['b']);
  });
});
