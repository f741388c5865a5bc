// Names that point at the dead: a node whose embedded DNS still answers `tasks.B` (or B in dnsrr
// mode) with addresses that belong to no task of B any more. Swarm removes a task's records by
// gossip (port 7946); a node that missed the news keeps handing out dead addresses, and clients
// there time out at random. (The other direction, living tasks a node does not know yet, is
// gossip-pending.)
import type { CheckSource, Verdict } from '../../shared/model';

export interface DnsTruth {
  /** Addresses of B's tasks that exist (running, starting, or on their way out). */
  taskIps: string[];
  /** B's VIP, which `B` resolves to in vip mode. */
  vip?: string;
}

export function diagnoseStaleDns(to: string, endpointMode: 'vip' | 'dnsrr', network: string | undefined, sources: CheckSource[], truth: DnsTruth | undefined): Verdict | undefined {
  if (!truth) return undefined;
  const legit = new Set([...truth.taskIps, ...(truth.vip ? [truth.vip] : [])]);
  const names = new Set([`tasks.${to}`, ...(endpointMode === 'dnsrr' ? [to] : [])]);
  const perNode = new Map<string, { ips: Set<string>; tasks: Set<string> }>();
  for (const s of sources) {
    for (const r of s.dns.filter((x) => names.has(x.name))) {
      for (const ip of r.addresses.filter((a) => !legit.has(a))) {
        const e = perNode.get(s.node) ?? { ips: new Set(), tasks: new Set() };
        e.ips.add(ip);
        e.tasks.add(s.task);
        perNode.set(s.node, e);
      }
    }
  }
  if (!perNode.size) return undefined;
  const nodes = [...perNode.keys()].sort();
  const all = [...new Set([...perNode.values()].flatMap((e) => [...e.ips]))].sort();
  // In dnsrr mode B and tasks.B name the same tasks. An address that only B answers is a
  // service-level record, not a task's: the VIP the service had before it was switched to dnsrr,
  // which Docker 20.10 keeps in every node's DNS (seen on the lab: a forced update and even
  // re-creating the service leave it there).
  const taskAnswers = new Set(sources.flatMap((s) => s.dns.filter((x) => x.name === `tasks.${to}`).flatMap((x) => x.addresses)));
  const oldVips = endpointMode === 'dnsrr' ? all.filter((ip) => !taskAnswers.has(ip)) : [];
  if (oldVips.length && oldVips.length === all.length) {
    return {
      level: 'error',
      code: 'stale-dns',
      service: to,
      title: `${nodes.join(', ')} still ${nodes.length === 1 ? 'resolves' : 'resolve'} ${to} to ${oldVips.join(', ')}, a virtual IP it no longer has (kept from before its switch to dnsrr)`,
      evidence: [
        ...nodes.map((n) => `on ${n} (from ${[...perNode.get(n)!.tasks].join(', ')}): ${to} → ${[...perNode.get(n)!.ips].sort().join(', ')}, while tasks.${to} does not list it: a service record, not a task's`),
        `${to} runs in dnsrr mode; its tasks have ${truth.taskIps.length ? truth.taskIps.join(', ') : 'no addresses'}${network ? ` on ${network}` : ''}`,
      ],
      next: `Clients that resolve ${to} get a dead address in some answers and time out. Docker keeps a service's old VIP in the network's DNS after a switch from vip to dnsrr; docker service update --force ${to} and re-creating ${to} do not remove it. Use tasks.${to} in clients meanwhile; the record goes with the network's state on the nodes: re-create ${network ?? 'the overlay'} (or restart dockerd on ${nodes.join(', ')}), or switch ${to} back to vip mode (docker service update --endpoint-mode vip ${to}).`,
    };
  }
  return {
    level: 'error',
    code: 'stale-dns',
    service: to,
    title: `${nodes.join(', ')} still ${nodes.length === 1 ? 'resolves' : 'resolve'} ${to} to ${all.length} address(es) of tasks that are gone: ${all.join(', ')}`,
    evidence: [
      ...nodes.map((n) => `on ${n} (from ${[...perNode.get(n)!.tasks].join(', ')}): ${[...names].join(' / ')} → ${[...perNode.get(n)!.ips].sort().join(', ')}, which no task of ${to} has`),
      `${to}'s tasks have ${truth.taskIps.length ? truth.taskIps.join(', ') : 'no addresses'}${network ? ` on ${network}` : ''}`,
    ],
    next: `Clients on ${nodes.join(', ')} may connect to dead addresses and time out. Swarm removes a task's name by gossip: check TCP and UDP 7946 between ${nodes.join(', ')} and the other nodes (the removal never arrived). Once gossip flows the names heal by themselves within seconds; to re-announce ${to} now: docker service update --force ${to}.`,
  };
}
