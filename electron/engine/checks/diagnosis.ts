// From probe results to verdicts in plain words, each with its evidence and a next step. Pure:
// everything it needs is passed in, so every case is unit-tested without a cluster.
import type { CheckPair, CheckSource, Verdict } from '../../shared/model';
import type { PendingExplanation } from '../../shared/why-pending';
import { diagnoseMtu } from './diagnose-mtu';
import { diagnoseStaleDns, type DnsTruth } from './diagnose-stale-dns';
import { rollingVerdict, type RollingContext } from './diagnose-rolling';

export interface DiagnosisInput {
  from: string;
  to: string;
  port?: number;
  endpointMode: 'vip' | 'dnsrr';
  network?: { name: string; encrypted: boolean };
  sourceTasks: number;
  targetTasks: number;
  sources: CheckSource[];
  pairs: CheckPair[];
  /**
   * Each node's view of the network (evidence for failures between hosts): its gossip peers
   * and the task addresses its network database knows (`docker network inspect --verbose`).
   */
  peers?: { node: string; peers: string[]; knows?: string[] }[];
  /** Why the target (or source) runs fewer tasks than it should, when it runs none. */
  pending?: { from?: PendingExplanation; to?: PendingExplanation };
  /** The target's real task addresses (and VIP), to spot names that point at tasks that are gone. */
  dnsTruth?: DnsTruth;
  /** Who is mid-update, and which probed tasks were being replaced by the end of the probes. */
  rolling?: RollingContext;
}

const SEVERITY = { ok: 0, warning: 1, error: 2 } as const;
const list = (xs: string[]) => [...new Set(xs)].join(', ');
const describePair = (p: CheckPair) => `${p.sourceTask} on ${p.sourceNode} → ${p.target} ${p.targetIp}${p.targetNode ? ` on ${p.targetNode}` : ''}: ${p.tcp ? `TCP ${p.tcp.result}` : ''}${p.tcp ? ', ' : ''}ICMP ${p.icmp.result}`;

export function diagnose(input: DiagnosisInput): { verdict: Verdict; findings: Verdict[] } {
  // Failures that belong to tasks on their way in or out are the update's doing: they are set
  // apart from the network analysis below and reported as such.
  const r = input.rolling;
  const replaced = r ? input.pairs.filter((p) => !p.reachable && r.changingIps.includes(p.targetIp)) : [];
  const skipped = r ? input.sources.filter((s) => s.error && r.changingSources.includes(s.task)).map((s) => s.task) : [];
  const d: DiagnosisInput = { ...input, pairs: input.pairs.filter((p) => !replaced.includes(p)), sources: input.sources.filter((s) => !skipped.includes(s.task)) };
  const rolling = r && rollingVerdict(r, d.to, replaced, skipped);
  const { verdict, findings } = diagnoseSteady(d);
  return rolling ? conclude([rolling, ...findings]) : { verdict, findings };
}

function diagnoseSteady(d: DiagnosisInput): { verdict: Verdict; findings: Verdict[] } {
  const findings: Verdict[] = [];
  const add = (v: Verdict) => findings.push(v);

  if (d.targetTasks === 0) {
    add(noTasks('no-target-tasks', d.to, `${d.to} has no running tasks`, d.pending?.to, `Scale ${d.to} up (or look at its tasks' errors on the Services page), then check again.`));
  }
  if (d.sourceTasks === 0) {
    add(noTasks('no-source-tasks', d.from, `${d.from} has no running tasks to test from`, d.pending?.from, `Scale ${d.from} up, then check again.`));
  }
  if (!d.network && d.targetTasks > 0 && d.sourceTasks > 0) {
    add({ level: 'error', code: 'no-common-network', title: `${d.from} and ${d.to} share no overlay network`, evidence: ['Each service is attached to a different set of networks'], next: `Attach both to one overlay (drag ${d.to} onto a network of ${d.from} on the map), then check again.` });
  }
  if (findings.length) return conclude(findings);

  const ran = d.sources.filter((s) => s.via !== 'none');
  for (const s of d.sources.filter((x) => x.error)) {
    add({ level: 'error', code: 'probe-failed', title: `Could not probe from ${s.task}`, evidence: [`on ${s.node}: ${s.error}`], next: 'See the error; the other tasks were still tested.' });
  }
  if (!ran.length) return conclude(findings);

  // Swarm spreads names and addresses of new tasks by gossip and repairs lost updates by a full
  // sync every 30 s: a node whose view of the network lacks the target's addresses cannot
  // resolve or reach them yet, whatever the underlay. Both symptoms land in one finding.
  const view = new Map((d.peers ?? []).map((p) => [p.node, p.knows]));
  const targetIps = [...new Set(d.pairs.filter((p) => p.kind === 'task').map((p) => p.targetIp))];
  const unaware = (node: string, ip?: string) => {
    const knows = view.get(node);
    return knows !== undefined && (ip ? !knows.includes(ip) : targetIps.length > 0 && targetIps.every((x) => !knows.includes(x)));
  };
  const gossip: { evidence: string[]; nodes: Set<string> } = { evidence: [], nodes: new Set() };

  const resolvedSomewhere = ran.some((s) => s.dns.some((r) => r.addresses.length > 0));
  const unresolvedAll = ran.filter((s) => s.dns.every((r) => r.addresses.length === 0));
  const lagging = resolvedSomewhere ? unresolvedAll.filter((s) => unaware(s.node)) : [];
  for (const s of lagging) {
    gossip.nodes.add(s.node);
    gossip.evidence.push(`${s.task} on ${s.node}: ${d.to} does not resolve, and ${s.node}'s view of ${d.network?.name} has none of its addresses`);
  }
  const unresolved = unresolvedAll.filter((s) => !lagging.includes(s));
  if (unresolved.length) {
    add({
      level: 'error',
      code: 'name-does-not-resolve',
      title: `${d.to} does not resolve from ${unresolved.length === ran.length ? 'any task' : list(unresolved.map((s) => s.task))}`,
      evidence: unresolved.map((s) => `${s.task} on ${s.node}: neither ${d.to} nor tasks.${d.to} has an address`),
      next: `Service names resolve only on networks both services share, through Docker's embedded DNS (127.0.0.11). Check that ${d.from} is attached to ${d.network?.name ?? 'the network'}, and that the task is not using a custom DNS.`,
    });
  }

  const taskPairs = d.pairs.filter((p) => p.kind === 'task');
  const vipPairs = d.pairs.filter((p) => p.kind === 'vip');
  const tasksOk = taskPairs.filter((p) => p.reachable);
  const tasksBad = taskPairs.filter((p) => !p.reachable);

  if (vipPairs.length && vipPairs.every((p) => !p.reachable) && tasksOk.length) {
    add({
      level: 'error',
      code: 'vip-unreachable',
      title: `The VIP of ${d.to} does not answer, while its tasks do`,
      evidence: [...vipPairs.slice(0, 3).map(describePair), `${tasksOk.length} of ${taskPairs.length} task addresses answered`],
      next: `VIP load balancing (IPVS in the kernel) is broken on the source nodes: the kernel may lack IPVS (LXC hosts, some minimal kernels; dockerd logs "Could not get ipvs family information"). Use --endpoint-mode dnsrr for ${d.to} (clients then get task IPs from DNS), or fix IPVS on the nodes.`,
    });
  }

  const refused = taskPairs.filter((p) => p.tcp?.result === 'refused');
  if (refused.length) {
    add({
      level: 'error',
      code: 'port-refused',
      title: `Nothing listens on port ${d.port} in ${refused.length === taskPairs.length ? `any task of ${d.to}` : `${new Set(refused.map((p) => p.target)).size} task(s) of ${d.to}`}`,
      evidence: refused.slice(0, 4).map(describePair),
      next: `The network works (the connection was actively refused), but ${d.to} does not listen on ${d.port}: check the port its process listens on, or check another port.`,
    });
  }

  const tcpOkIcmpBad = taskPairs.filter((p) => p.tcp?.result === 'ok' && p.icmp.result !== 'ok');
  if (d.port !== undefined && tcpOkIcmpBad.length && tcpOkIcmpBad.length === taskPairs.filter((p) => p.tcp?.result === 'ok').length) {
    add({ level: 'warning', code: 'icmp-blocked', title: 'ICMP is blocked, TCP works', evidence: tcpOkIcmpBad.slice(0, 3).map(describePair), next: 'Ping is filtered somewhere on the path; that is harmless for the service. Rely on TCP checks.' });
  }

  // Failures that are not a refused port: is it the underlay between hosts?
  const silent = tasksBad.filter((p) => p.tcp?.result !== 'refused');
  const sameOk = taskPairs.filter((p) => p.sameHost && p.reachable);
  const crossBad = silent.filter((p) => !p.sameHost);
  if (crossBad.length && !silent.some((p) => p.sameHost)) {
    // The host common to every failing pair, if there is one, is where to look.
    const hostsPerPair = crossBad.map((p) => new Set([p.sourceNode, p.targetNode ?? '']));
    const common = [...hostsPerPair[0]].filter((h) => h && hostsPerPair.every((s) => s.has(h)));
    const crossOk = taskPairs.filter((p) => !p.sameHost && p.reachable);
    const unknown = crossBad.filter((p) => unaware(p.sourceNode, p.targetIp));
    const evidence = [
      `${crossBad.length} cross-host pair(s) fail${sameOk.length ? `, while ${sameOk.length} same-host pair(s) work` : ''}${crossOk.length ? `, and ${crossOk.length} other cross-host pair(s) work` : ''}`,
      ...crossBad.slice(0, 3).map(describePair),
      ...(common.length ? [`every failing pair involves ${list(common)}`] : []),
      ...(d.peers ?? []).map((p) => `${p.node} sees ${p.peers.length} peer(s) on ${d.network?.name}: ${p.peers.join(', ') || 'none'}`),
      ...(unknown.length ? [`${unknown.length} of the failing pair(s) are to addresses the source's node does not know yet`] : []),
    ];
    if (unknown.length === crossBad.length) {
      for (const p of unknown) gossip.nodes.add(p.sourceNode);
      gossip.evidence.push(...unknown.slice(0, 3).map((p) => `${p.sourceNode}'s view of ${d.network?.name} has no ${p.targetIp} (${p.target} on ${p.targetNode}), so ${p.sourceTask} cannot reach it`));
    } else if (d.network?.encrypted) {
      add({
        level: 'error',
        code: 'encrypted-overlay',
        title: `Encrypted overlay ${d.network.name} does not carry traffic between hosts`,
        evidence,
        next: 'Encrypted overlays wrap VXLAN in IPsec ESP (IP protocol 50) between hosts. Allow ESP between the hosts, and check that the kernel has IPsec/xfrm support (dockerd logs "Failed adding … esp … function not implemented" when it has not); or use an unencrypted overlay.',
      });
    } else {
      add({
        level: 'error',
        code: 'underlay-blocked',
        title: `Traffic between hosts fails${common.length ? ` to and from ${list(common)}` : ''}: the overlay's underlay is blocked`,
        evidence,
        next: `The overlay's VXLAN packets (UDP 4789) and gossip (TCP/UDP 7946) must pass between the hosts' advertise addresses${common.length ? `; look at ${list(common)}'s firewall first` : ''}. If only big packets fail, lower the network's MTU (VXLAN adds 50 bytes).`,
      });
    }
  } else if (silent.length && !findings.some((f) => f.code === 'vip-unreachable')) {
    // A task that answers some sources but not another on its own host is alive and the
    // underlay is not involved: what is left is the sending host's kernel, typically a full
    // neighbour (ARP) table when many containers talk on one host.
    const answering = new Set(taskPairs.filter((p) => p.reachable).map((p) => p.targetIp));
    const aliveButSilent = silent.filter((p) => p.sameHost && answering.has(p.targetIp));
    const evidence = [
      ...silent.slice(0, 4).map(describePair),
      ...(aliveButSilent.length ? [`${aliveButSilent.length} same-host pair(s) fail although their target answers other tasks of ${d.from}`] : []),
    ];
    const kernel = silent.some((p) => p.sameHost)
      ? ` If the tasks are fine and the hosts run many containers, look for "neighbor table overflow" in the hosts' kernel log (dmesg): the ARP table is full (1,024 entries by default); raise net.ipv4.neigh.default.gc_thresh1/2/3.`
      : '';
    add({ level: 'error', code: 'unreachable', title: `${silent.length} of ${taskPairs.length} task address(es) of ${d.to} do not answer`, evidence, next: `Look at the failing tasks on the Services page (are they healthy, listening?), and at the hosts' firewalls.${kernel}` });
  }

  const mtu = diagnoseMtu(d.network?.name, d.pairs);
  if (mtu) add(mtu);
  const stale = diagnoseStaleDns(d.to, d.endpointMode, d.network?.name, ran, d.dnsTruth);
  if (stale) add(stale);

  if (gossip.nodes.size) {
    const nodes = [...gossip.nodes].sort();
    const working = taskPairs.filter((p) => p.reachable).length;
    add({
      level: 'error',
      code: 'gossip-pending',
      title: `${list(nodes)} ${nodes.length === 1 ? 'does' : 'do'} not know ${d.to}'s task(s) yet: the overlay's gossip has not caught up`,
      evidence: [...gossip.evidence, ...(working ? [`${working} other pair(s) work`] : [])],
      next: `Swarm hosts tell each other about new tasks by gossip (TCP/UDP 7946); an update that gets lost is repaired by a full sync every 30 s. Check again in half a minute. If it stays like this, gossip to ${list(nodes)} is losing packets: look at port 7946 (UDP too) between the hosts' advertise addresses.`,
    });
  }

  if (!findings.length && taskPairs.length) {
    const lat = d.pairs.map((p) => p.latencyMs).filter((x): x is number => x !== undefined);
    const cross = taskPairs.filter((p) => !p.sameHost).length;
    add({
      level: 'ok',
      code: 'reachable',
      title: `${d.from} reaches ${d.to}`,
      evidence: [
        `${taskPairs.length} task pair(s) answered (${cross} across hosts)${vipPairs.length ? ', and the VIP' : ''}`,
        ...(lat.length ? [`latency ${Math.min(...lat).toFixed(2)}–${Math.max(...lat).toFixed(2)} ms`] : []),
      ],
      next: 'Nothing to do.',
    });
  }
  return conclude(findings);
}

/** "No running tasks", with swarm's reason and ours when it should run some. */
function noTasks(code: 'no-target-tasks' | 'no-source-tasks', service: string, title: string, why: PendingExplanation | undefined, next: string): Verdict {
  const r = why?.reasons[0];
  if (!why || !r) return { level: 'error', code, title, evidence: [`${service} has 0 tasks in the running state`], next };
  return {
    level: 'error',
    code,
    title: `${title}: ${r.ours.replace(/\.$/, '')}`,
    evidence: [`${service} has 0 of ${why.desired} tasks running`, ...why.reasons.map((x) => `swarm says: “${x.swarm}”`), ...r.evidence],
    next: r.next,
    reason: r.code,
    service,
  };
}

function conclude(findings: Verdict[]): { verdict: Verdict; findings: Verdict[] } {
  const sorted = [...findings].sort((a, b) => SEVERITY[b.level] - SEVERITY[a.level]);
  const worst = sorted[0];
  if (!worst) return { verdict: { level: 'warning', code: 'probe-failed', title: 'Nothing could be tested', evidence: [], next: 'Check that both services have running tasks on connected hosts.' }, findings };
  return { verdict: worst, findings: sorted };
}
