// The steps every track that builds a swarm starts with: hosts connected, a swarm, every
// connected host in it. Read from the cluster model, so a swarm built elsewhere (the Cluster
// page, the CLI) counts, and the join step then says why it has nothing to run.
import type { ClusterHostView, ClusterModel } from '../../../electron/shared/model';
import type { StepStatus } from './steps';

export const connectedHosts = (m: ClusterModel | null): ClusterHostView[] => (m?.hosts ?? []).filter((h) => h.status === 'connected');

/** Connected hosts not (yet) in the model's swarm. */
export function outsideSwarm(m: ClusterModel | null): ClusterHostView[] {
  return connectedHosts(m).filter((h) => h.swarmState !== 'active' || (h.clusterId !== undefined && h.clusterId !== m?.swarm?.id));
}

export function hostsStatus(m: ClusterModel | null, needed = 2): StepStatus {
  const n = connectedHosts(m).length;
  return n >= needed ? { done: true } : { done: false, waiting: `${n} host(s) connected; this needs at least ${needed}` };
}

export const swarmStatus = (m: ClusterModel | null): StepStatus => (m?.swarm ? { done: true } : { done: false, waiting: 'no swarm yet' });

export function joinStatus(m: ClusterModel | null): StepStatus {
  if (!m) return { done: false };
  const outside = outsideSwarm(m);
  return outside.length === 0 ? { done: true } : { done: false, waiting: `not in the swarm yet: ${outside.map((h) => h.name).join(', ')}` };
}

/** The join step's commands, or, with nobody left to join, the reason and the command that shows it. */
export function joinPreview(m: ClusterModel | null, managerAddr: string | null): { cli: string[]; noCli?: string } {
  const outside = outsideSwarm(m).filter((h) => !m?.swarm?.managerHostIds.includes(h.hostId));
  if (!m?.swarm) return { cli: [], noCli: 'Initialize the swarm first: the join command needs its manager and token.' };
  if (outside.length) return { cli: outside.map((h) => `docker swarm join --token <worker token> ${managerAddr ?? '<manager>'}:2377   # on ${h.name}`) };
  const manager = m.hosts.find((h) => h.hostId === m.swarm?.managerHostIds[0]);
  return { cli: [`docker node ls   # on ${manager?.name ?? 'a manager'}: ${m.nodes.length} node(s), every connected host among them`], noCli: undefined };
}

/** The advertise address of the swarm's manager, as its node reports it. */
export function managerAddress(m: ClusterModel | null): string | null {
  const id = m?.swarm?.managerHostIds[0];
  const node = m?.nodes.find((n) => n.hostId === id);
  return node?.addr ?? null;
}
