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
