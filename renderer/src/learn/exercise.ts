// The seed tutorial's practice exercise as steps. Each step's "done" is read from the live
// cluster model (plus two facts only the page knows: the network was inspected, the last check
// passed), so the exercise resumes wherever the cluster is, and no step unlocks before the one
// above it holds.
import type { CheckResult, ClusterModel } from '../../../electron/shared/model';
import { STAGE } from '../../../electron/shared/lessons';
import type { StepStatus } from './steps';
import { hostsStatus, joinStatus, swarmStatus } from './swarm-steps';

export type { StepStatus } from './steps';

export const NETWORK = STAGE.network;
export const SERVICES = STAGE.services;

export interface ExerciseFacts {
  model: ClusterModel | null;
  inspected: boolean;
  lastCheck: CheckResult | null;
}

export type StepId = 'hosts' | 'swarm' | 'join' | 'network' | 'deploy' | 'scale' | 'inspect' | 'test';

const service = (m: ClusterModel, name: string) => m.services.find((s) => s.name === name);
const network = (m: ClusterModel) => m.networks.find((n) => n.name === NETWORK && n.driver === 'overlay');

/** Nodes with a running task of the service. */
export function spread(m: ClusterModel, name: string): { running: number; nodes: number } {
  const s = service(m, name);
  const tasks = m.tasks.filter((t) => t.serviceId === s?.id && t.state === 'running');
  return { running: tasks.length, nodes: new Set(tasks.map((t) => t.nodeId)).size };
}

export const STEP_CHECKS: Record<StepId, (f: ExerciseFacts) => StepStatus> = {
  hosts: ({ model: m }) => hostsStatus(m),
  swarm: ({ model: m }) => swarmStatus(m),
  join: ({ model: m }) => joinStatus(m),
  network: ({ model: m }) => (m && network(m) ? { done: true } : { done: false, waiting: `no overlay network ${NETWORK} yet` }),
  deploy: ({ model: m }) => {
    const net = m && network(m);
    const missing = SERVICES.filter((s) => !(m && net && service(m, s)?.networkIds.includes(net.id)));
    return missing.length ? { done: false, waiting: `not deployed on ${NETWORK} yet: ${missing.join(', ')}` } : { done: true };
  },
  scale: ({ model: m }) => {
    if (!m) return { done: false };
    const short = SERVICES.filter((s) => {
      const x = spread(m, s);
      return x.running < 2 || x.nodes < 2;
    });
    return short.length ? { done: false, waiting: `waiting for ≥ 2 running tasks on ≥ 2 nodes: ${short.map((s) => `${s} (${spread(m, s).running} running on ${spread(m, s).nodes} node(s))`).join(', ')}` } : { done: true };
  },
  inspect: ({ inspected }) => (inspected ? { done: true } : { done: false, waiting: `inspect ${NETWORK}` }),
  test: ({ lastCheck }) =>
    lastCheck?.from === 'frontend' && lastCheck.to === 'backend' && lastCheck.verdict.code === 'reachable'
      ? { done: true }
      : { done: false, waiting: lastCheck ? lastCheck.verdict.title : 'run the check' },
};

export const STEP_ORDER: StepId[] = ['hosts', 'swarm', 'join', 'network', 'deploy', 'scale', 'inspect', 'test'];

/** The first step not done: everything before it is done, everything after it locked. */
export function currentStep(f: ExerciseFacts): number {
  const i = STEP_ORDER.findIndex((id) => !STEP_CHECKS[id](f).done);
  return i === -1 ? STEP_ORDER.length : i;
}
