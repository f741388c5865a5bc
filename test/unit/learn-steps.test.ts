// The Learn page's "is this step done" logic (renderer/src/learn/exercise.ts) against cluster
// model fixtures: each step done exactly when the cluster holds what it asks for, what is
// missing said in words, and the current step the first one not done.
import { describe, expect, it } from 'vitest';
import type { CheckResult, ClusterHostView, ClusterModel, ServiceView, TaskView } from '../../electron/shared/model';
import { currentStep, STEP_CHECKS, STEP_ORDER, type ExerciseFacts, type StepId } from '../../renderer/src/learn/exercise';

const SWARM = { id: 'swarm1', name: 'swarm1', createdAt: '2026-01-01T00:00:00Z', managerHostIds: ['h1'] };
const APPNET = { id: 'net1', name: 'appnet', driver: 'overlay', scope: 'swarm', attachable: false, internal: false, encrypted: false, ingress: false, subnets: [], labels: {}, swarmId: 'swarm1' };

const hostView = (name: string, over: Partial<ClusterHostView> = {}): ClusterHostView => ({ hostId: name, name, status: 'connected', swarmState: 'active', clusterId: 'swarm1', ...over });
const svc = (name: string, networkIds = ['net1']): ServiceView => ({ id: `${name}-id`, name, image: 'lab/web', mode: 'replicated', replicas: 3, endpointMode: 'vip', networkIds, ports: [], vips: [], swarmId: 'swarm1' });
const task = (service: string, node: string, state = 'running', i = 0): TaskView => ({ id: `${service}-${node}-${i}`, serviceId: `${service}-id`, nodeId: node, state, desiredState: 'running', addresses: [], swarmId: 'swarm1' });

/** The cluster as the finished exercise leaves it; each test takes something away. */
function finished(): ClusterModel {
  return {
    swarm: SWARM,
    swarms: [SWARM],
    seq: 0,
    hosts: ['h1', 'h2', 'h3'].map((n) => hostView(n)),
    nodes: [],
    networks: [APPNET],
    services: [svc('frontend'), svc('backend')],
    tasks: ['h1', 'h2', 'h3'].flatMap((n) => [task('frontend', n), task('backend', n)]),
    containers: [],
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

const check = (code: CheckResult['verdict']['code'], from = 'frontend', to = 'backend') => ({ from, to, verdict: { code } }) as CheckResult;
const facts = (model: ClusterModel | null, over: Partial<ExerciseFacts> = {}): ExerciseFacts => ({ model, inspected: true, lastCheck: check('reachable'), ...over });
const status = (id: StepId, f: ExerciseFacts) => STEP_CHECKS[id](f);

describe('Learn steps: done exactly when the cluster holds it', () => {
  it('the finished exercise: every step done, nothing current', () => {
    for (const id of STEP_ORDER) expect(status(id, facts(finished())), id).toEqual({ done: true });
    expect(currentStep(facts(finished()))).toBe(STEP_ORDER.length);
  });

  it('no model yet: the first step is current and nothing is done', () => {
    expect(currentStep(facts(null, { inspected: false, lastCheck: null }))).toBe(0);
    for (const id of ['hosts', 'swarm', 'join', 'network', 'deploy', 'scale'] as const) expect(status(id, facts(null)).done, id).toBe(false);
  });

  it('hosts: two connected hosts are enough; unreachable ones do not count', () => {
    const m = finished();
    m.hosts = [hostView('h1'), hostView('h2', { status: 'unreachable' }), hostView('h3', { status: 'host-key-unknown' })];
    expect(status('hosts', facts(m))).toEqual({ done: false, waiting: '1 host(s) connected; this needs at least 2' });
    m.hosts[1].status = 'connected';
    expect(status('hosts', facts(m)).done).toBe(true);
  });

  it('swarm: done once the model has a swarm', () => {
    const m = finished();
    m.swarm = null;
    expect(status('swarm', facts(m))).toEqual({ done: false, waiting: 'no swarm yet' });
    expect(currentStep(facts(m))).toBe(STEP_ORDER.indexOf('swarm'));
  });

  it('join: every connected host in this swarm; a host in another swarm or none is named', () => {
    const m = finished();
    m.hosts = [hostView('h1'), hostView('h2', { swarmState: 'inactive', clusterId: undefined }), hostView('h3', { clusterId: 'other-swarm' }), hostView('h4', { status: 'unreachable', swarmState: 'inactive' })];
    expect(status('join', facts(m))).toEqual({ done: false, waiting: 'not in the swarm yet: h2, h3' });
    // A worker does not report a cluster id: active is enough.
    m.hosts = [hostView('h1'), hostView('h2', { clusterId: undefined }), hostView('h3')];
    expect(status('join', facts(m)).done).toBe(true);
  });

  it('network: an overlay named appnet, not a local network of that name', () => {
    const m = finished();
    m.networks = [{ ...APPNET, driver: 'bridge', scope: 'local' }];
    expect(status('network', facts(m))).toEqual({ done: false, waiting: 'no overlay network appnet yet' });
  });

  it('deploy: both services attached to appnet; one elsewhere is named as missing', () => {
    const m = finished();
    m.services = [svc('frontend'), svc('backend', ['other-net'])];
    expect(status('deploy', facts(m))).toEqual({ done: false, waiting: 'not deployed on appnet yet: backend' });
    m.services = [];
    expect(status('deploy', facts(m)).waiting).toBe('not deployed on appnet yet: frontend, backend');
  });

  it('scale: at least two running tasks on at least two nodes for each; stopped or crowded tasks do not count', () => {
    const m = finished();
    // backend: three tasks, but all on h1; frontend: two on two nodes, one failed.
    m.tasks = [task('backend', 'h1', 'running', 0), task('backend', 'h1', 'running', 1), task('backend', 'h1', 'running', 2), task('frontend', 'h1'), task('frontend', 'h2'), task('frontend', 'h3', 'failed')];
    expect(status('scale', facts(m))).toEqual({ done: false, waiting: 'waiting for ≥ 2 running tasks on ≥ 2 nodes: backend (3 running on 1 node(s))' });
    m.tasks.push(task('backend', 'h2'));
    expect(status('scale', facts(m)).done).toBe(true);
  });

  it('inspect: a fact only the page knows', () => {
    expect(status('inspect', facts(finished(), { inspected: false }))).toEqual({ done: false, waiting: 'inspect appnet' });
  });

  it('test: only a reachable frontend → backend check counts; otherwise the last verdict is what is missing', () => {
    expect(status('test', facts(finished(), { lastCheck: null }))).toEqual({ done: false, waiting: 'run the check' });
    const vip = { ...check('vip-unreachable'), verdict: { ...check('vip-unreachable').verdict, title: 'The VIP of backend does not answer, while its tasks do' } } as CheckResult;
    expect(status('test', facts(finished(), { lastCheck: vip }))).toEqual({ done: false, waiting: 'The VIP of backend does not answer, while its tasks do' });
    expect(status('test', facts(finished(), { lastCheck: check('reachable', 'backend', 'frontend') })).done).toBe(false);
    expect(status('test', facts(finished(), { lastCheck: check('reachable') })).done).toBe(true);
  });

  it('the current step is the first not done, even when later ones hold (the exercise resumes where the cluster is)', () => {
    const m = finished();
    m.networks = [];
    // Services still listed from before, and the check passed earlier: network is current all the same.
    expect(currentStep(facts(m))).toBe(STEP_ORDER.indexOf('network'));
    m.networks = [APPNET];
    expect(currentStep(facts(m, { inspected: false }))).toBe(STEP_ORDER.indexOf('inspect'));
  });
});
