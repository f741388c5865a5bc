// The stage the tunnel, isolation and discovery lessons run on: the practice exercise's overlay
// appnet with frontend and backend on it, and a frontend task and a backend task on two
// different hosts (so traffic between them has to cross the tunnel).
import { STAGE } from '../../../electron/shared/lessons';
import type { ClusterModel, ServiceView, TaskView } from '../../../electron/shared/model';
import type { StepStatus } from './steps';

export interface TaskOnNode {
  task: TaskView;
  service: ServiceView;
  /** The task's address on the network, without the prefix length. */
  ip?: string;
  node?: string;
  hostId?: string;
}

export const serviceNamed = (m: ClusterModel | null, name: string) => m?.services.find((s) => s.name === name);
export const networkNamed = (m: ClusterModel | null, name: string) => m?.networks.find((n) => n.name === name && n.driver === 'overlay');

/** A service's running tasks, with their address on the network and their node. */
export function runningTasks(m: ClusterModel | null, service: string, network?: string): TaskOnNode[] {
  const s = serviceNamed(m, service);
  const net = network ? networkNamed(m, network) : undefined;
  if (!m || !s) return [];
  return m.tasks
    .filter((t) => t.serviceId === s.id && t.state === 'running')
    .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0))
    .map((task) => {
      const node = m.nodes.find((n) => n.id === task.nodeId);
      const addr = net ? task.addresses.find((a) => a.networkId === net.id)?.address : undefined;
      return { task, service: s, ip: addr?.replace(/\/\d+$/, ''), node: node?.hostname, hostId: node?.hostId };
    });
}

/** A frontend task and a backend task on different hosts, when there is such a pair. */
export function crossPair(m: ClusterModel | null): { a: TaskOnNode; b: TaskOnNode } | null {
  const fronts = runningTasks(m, 'frontend', STAGE.network).filter((t) => t.ip);
  const backs = runningTasks(m, 'backend', STAGE.network).filter((t) => t.ip);
  for (const a of fronts) for (const b of backs) if (a.task.nodeId !== b.task.nodeId) return { a, b };
  return null;
}

export function stageStatus(m: ClusterModel | null): StepStatus {
  if (!m?.swarm) return { done: false, waiting: 'no swarm yet: build one (Hands-on lab or Cluster page)' };
  if (!networkNamed(m, STAGE.network)) return { done: false, waiting: `no overlay ${STAGE.network} yet` };
  const missing = STAGE.services.filter((s) => !runningTasks(m, s, STAGE.network).some((t) => t.ip));
  if (missing.length) return { done: false, waiting: `no running task on ${STAGE.network} yet: ${missing.join(', ')}` };
  if (!crossPair(m)) return { done: false, waiting: 'frontend and backend run on one host only: scale them so they sit on two' };
  return { done: true };
}

/** A service exists and has a running task on the network (what a lesson needs of one service). */
export function serviceStatus(m: ClusterModel | null, service: string, network: string = STAGE.network): StepStatus {
  if (!m?.swarm) return { done: false, waiting: 'no swarm yet: build one (Hands-on lab or Cluster page)' };
  if (!serviceNamed(m, service)) return { done: false, waiting: `no service ${service} yet` };
  return runningTasks(m, service, network).some((t) => t.ip) ? { done: true } : { done: false, waiting: `${service} has no running task on ${network} yet` };
}

/** Every task the service wants is running, none still starting or stopping (a rolling update is over). */
export function settled(m: ClusterModel | null, service: string): boolean {
  const s = serviceNamed(m, service);
  if (!m || !s) return false;
  const wanted = m.tasks.filter((t) => t.serviceId === s.id && t.desiredState === 'running');
  return wanted.length === (s.replicas ?? wanted.length) && wanted.every((t) => t.state === 'running');
}
