// What each step of the exercise does, in a sentence or two (the seed's words where it has them).
import type { StepId } from './exercise';

export const STEP_TEXT: Record<StepId, { title: string; explain: string }> = {
  hosts: { title: 'Connect at least two hosts', explain: 'Hosts are the islands. Archipelago reaches each Docker engine over one SSH connection per host, after you compared its host key.' },
  swarm: {
    title: 'Initialize a swarm',
    explain: 'A swarm turns hosts into one cluster. Its first manager keeps the cluster state (Raft) and listens on TCP 2377; the advertise address is where the other hosts will reach it, so pick one they can reach.',
  },
  join: { title: 'Join the other hosts', explain: 'Each host joins with a token fetched from the manager (never shown). Nodes then gossip on TCP/UDP 7946 to learn about each other and about the networks.' },
  network: {
    title: 'Create the overlay network appnet',
    explain: 'An overlay is the bridge between islands: containers on different hosts get addresses in one subnet, and their packets cross between hosts wrapped in VXLAN (UDP 4789). It appears on a node once a task there needs it.',
  },
  deploy: {
    title: 'Deploy frontend and backend in appnet',
    explain: 'Each service gets a name in Docker’s embedded DNS (127.0.0.11) on appnet. In vip mode the name resolves to one virtual IP that balances over the tasks (IPVS in the kernel); in dnsrr mode it resolves to the task IPs; tasks.<name> always gives the task IPs.',
  },
  scale: { title: 'Scale each service to several replicas', explain: 'The scheduler spreads the new tasks over the nodes; each task joins appnet on its node, which is when the overlay appears there.' },
  inspect: { title: 'Inspect the network', explain: 'docker network inspect lists the services on appnet with their VIP and task IPs; here you also see it host by host, with the VXLAN peers each node knows.' },
  test: {
    title: 'Test frontend → backend by service name',
    explain: 'From every frontend task, on its own node: resolve backend and tasks.backend, then connect to port 80 of the VIP and of every backend task. Cross-host pairs travel through the VXLAN tunnel.',
  },
};
