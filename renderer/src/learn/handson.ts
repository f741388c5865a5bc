// The tutorial's own hands-on lab, as steps read from the live cluster: a swarm with every
// connected host in it, the overlay myoverlay, the service web on it, web scaled to 3, and
// myoverlay inspected.
import type { ClusterModel } from '../../../electron/shared/model';
import type { StepStatus } from './steps';
import { hostsStatus, joinStatus, swarmStatus } from './swarm-steps';

export const HANDSON = { network: 'myoverlay', service: 'web', replicas: 3 } as const;
export type HandsOnStepId = 'hosts' | 'swarm' | 'network' | 'deploy' | 'scale' | 'inspect';
export const HANDSON_ORDER: HandsOnStepId[] = ['hosts', 'swarm', 'network', 'deploy', 'scale', 'inspect'];

export interface HandsOnFacts {
  model: ClusterModel | null;
  inspected: boolean;
}

const overlay = (m: ClusterModel) => m.networks.find((n) => n.name === HANDSON.network && n.driver === 'overlay');
const web = (m: ClusterModel) => m.services.find((s) => s.name === HANDSON.service);

export function webTasks(m: ClusterModel): { running: number; nodes: number } {
  const s = web(m);
  const tasks = m.tasks.filter((t) => t.serviceId === s?.id && t.state === 'running');
  return { running: tasks.length, nodes: new Set(tasks.map((t) => t.nodeId)).size };
}

export const HANDSON_CHECKS: Record<HandsOnStepId, (f: HandsOnFacts) => StepStatus> = {
  hosts: ({ model }) => hostsStatus(model),
  swarm: ({ model }) => {
    const s = swarmStatus(model);
    return s.done ? joinStatus(model) : s;
  },
  network: ({ model: m }) => (m && overlay(m) ? { done: true } : { done: false, waiting: `no overlay network ${HANDSON.network} yet` }),
  deploy: ({ model: m }) => {
    const net = m && overlay(m);
    return m && net && web(m)?.networkIds.includes(net.id) ? { done: true } : { done: false, waiting: `no service ${HANDSON.service} on ${HANDSON.network} yet` };
  },
  scale: ({ model: m }) => {
    if (!m) return { done: false };
    const s = web(m);
    const { running, nodes } = webTasks(m);
    if (s?.replicas === HANDSON.replicas && running === HANDSON.replicas) return { done: true };
    return { done: false, waiting: `${HANDSON.service}: ${running} of ${s?.replicas ?? 0} replicas running on ${nodes} node(s); the step wants ${HANDSON.replicas}` };
  },
  inspect: ({ inspected }) => (inspected ? { done: true } : { done: false, waiting: `inspect ${HANDSON.network}` }),
};

export const HANDSON_TEXT: Record<HandsOnStepId, { title: string; explain: string }> = {
  hosts: { title: 'Before step 1: connect your hosts', explain: 'The swarm is built from the hosts Archipelago reaches over SSH. Two or more show the overlay doing its job between them.' },
  swarm: {
    title: 'Step 1: Initialize a swarm cluster',
    explain: 'docker swarm init makes this host the first manager (Raft, TCP 2377). The tutorial stops there; to spread tasks across nodes the other hosts join it too, each with a token fetched from the manager.',
  },
  network: { title: 'Step 2: Create an overlay network', explain: 'myoverlay spans every node of the swarm: containers on different hosts get addresses in one subnet, and their packets cross between hosts in a VXLAN tunnel (UDP 4789).' },
  deploy: { title: 'Step 3: Deploy a service in the overlay network', explain: 'web gets one task on some node, attached to myoverlay, and a name in the embedded DNS that every other task on myoverlay can resolve.' },
  scale: { title: 'Step 4: Scale the service across nodes', explain: 'With 3 replicas the scheduler spreads the tasks over the nodes: they run on different hosts but share the one overlay network.' },
  inspect: { title: 'Step 5: Inspect the network', explain: 'docker network inspect shows the services and containers on myoverlay; here, host by host, with each task’s IP and the VXLAN peers each node knows.' },
};
