// Why a service runs fewer tasks than it should: swarm's own words (the task's error or
// message) and then ours, with the evidence read from the model (constraints against the nodes'
// labels, reservations against what nodes offer, the image per node, the overlay's addresses,
// host-mode ports). Pure over the cluster model, so the service details and the checks share it.
import type { ClusterModel, ServiceView, SwarmNodeView, TaskView } from './model';

export type PendingCode = 'constraints' | 'resources' | 'image' | 'subnet-exhausted' | 'port-conflict' | 'starting' | 'unknown';

export interface PendingReason {
  code: PendingCode;
  /** What swarm says, verbatim (the latest such task's error, or its message). */
  swarm: string;
  /** The same in plain words, naming what does not fit. */
  ours: string;
  evidence: string[];
  next: string;
}

export interface PendingExplanation {
  service: string;
  running: number;
  /** Tasks that should run (replicas; for a global service, the tasks swarm wants running). */
  desired: number;
  reasons: PendingReason[];
}

const TERMINAL = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);
const gib = (b: number) => `${(b / 2 ** 30).toFixed(b < 2 ** 30 ? 2 : 1)} GiB`;
const cpus = (n: number) => `${+(n / 1e9).toFixed(2)} CPU${n === 1e9 ? '' : 's'}`;

/** A constraint in swarm's syntax, evaluated against one node; undefined: cannot tell from here. */
export function constraintHolds(constraint: string, node: SwarmNodeView): boolean | undefined {
  const m = /^\s*([\w.-]+)\s*(==|!=)\s*(.+?)\s*$/.exec(constraint);
  if (!m) return undefined;
  const [, key, op, want] = m;
  let have: string | undefined;
  if (key === 'node.id') have = node.id;
  else if (key === 'node.hostname') have = node.hostname;
  else if (key === 'node.role') have = node.role;
  else if (key.startsWith('node.labels.')) have = node.labels[key.slice('node.labels.'.length)];
  else return undefined;
  const equal = have !== undefined && have.toLowerCase() === want.toLowerCase();
  return op === '==' ? equal : !equal;
}

const labelsOf = (n: SwarmNodeView) => (Object.keys(n.labels).length ? Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(', ') : 'no labels');

function classify(text: string): PendingCode {
  if (/scheduling constraints not satisfied|constraint/i.test(text)) return 'constraints';
  if (/insufficient resources/i.test(text)) return 'resources';
  if (/host-mode port already in use|port .*already (allocated|in use)|address already in use/i.test(text)) return 'port-conflict';
  if (/available IP|no available ip|ipam|address pool|out of addresses/i.test(text)) return 'subnet-exhausted';
  if (/no such image|pull access denied|manifest unknown|not found: manifest|error pulling|failed to resolve reference|image .* not found|repository does not exist/i.test(text)) return 'image';
  return 'unknown';
}

/** Addresses of an overlay in use and free: its tasks, its services' VIPs, one load-balancer endpoint per node. */
export function subnetUsage(model: ClusterModel, networkId: string): { subnet: string; size: number; used: number; free: number; tasks: number; vips: number; lbEndpoints: number } | undefined {
  const net = model.networks.find((n) => n.id === networkId);
  const subnet = net?.subnets[0]?.subnet;
  const prefix = Number(subnet?.split('/')[1]);
  if (!subnet || !Number.isInteger(prefix) || subnet.includes(':')) return undefined;
  // Network and broadcast addresses, and the gateway, are never handed out.
  const size = Math.max(0, 2 ** (32 - prefix) - 3);
  const live = model.tasks.filter((t) => !TERMINAL.has(t.desiredState) && t.addresses.some((a) => a.networkId === networkId));
  const tasks = live.length;
  const vips = model.services.filter((s) => s.vips?.some((v) => v.networkId === networkId)).length;
  // Each node where the overlay is instantiated (a task of it runs there) gets a load-balancer endpoint.
  const lbEndpoints = new Set(live.map((t) => t.nodeId).filter(Boolean)).size;
  const used = tasks + vips + lbEndpoints;
  return { subnet, size, used, free: Math.max(0, size - used), tasks, vips, lbEndpoints };
}

function reasonFor(code: PendingCode, swarm: string, s: ServiceView, model: ClusterModel, stuck: TaskView[]): PendingReason {
  const nodes = model.nodes.filter((n) => n.state === 'ready' && n.availability === 'active');
  const nodeName = (id?: string) => model.nodes.find((n) => n.id === id)?.hostname ?? id?.slice(0, 12) ?? '?';
  switch (code) {
    case 'constraints': {
      const constraints = s.constraints ?? [];
      const failing = constraints.filter((c) => nodes.every((n) => constraintHolds(c, n) !== true));
      const named = failing.length ? failing : constraints;
      return {
        code, swarm,
        ours: `No node satisfies ${named.map((c) => `“${c}”`).join(' and ') || 'its placement constraints'}.`,
        evidence: [...constraints.map((c) => `constraint ${c}: ${nodes.filter((n) => constraintHolds(c, n) === true).map((n) => n.hostname).join(', ') || 'no node'} satisfies it`), ...model.nodes.map((n) => `${n.hostname} (${n.role}, ${n.availability}): ${labelsOf(n)}`)],
        next: `Label a node to match (docker node update --label-add KEY=VALUE NODE, or a node's menu on the Cluster page), or change the constraint (docker service update --constraint-rm '${named[0] ?? '…'}' ${s.name}).`,
      };
    }
    case 'resources': {
      const r = s.reservations ?? {};
      const want = [r.nanoCpus ? cpus(r.nanoCpus) : '', r.memoryBytes ? `${gib(r.memoryBytes)} of memory` : ''].filter(Boolean).join(' and ');
      return {
        code, swarm,
        ours: `No node has ${want || 'the resources it reserves'} free for one more task of ${s.name}.`,
        evidence: [`${s.name} reserves ${want || 'resources'} per task`, ...nodes.map((n) => `${n.hostname} offers ${n.resources ? `${cpus(n.resources.nanoCpus)} and ${gib(n.resources.memoryBytes)}` : 'unknown resources'} in all, less what its other tasks reserve`)],
        next: `Lower the reservation (docker service update --reserve-cpu / --reserve-memory ${s.name}), scale something else down, or add a bigger node.`,
      };
    }
    case 'image': {
      const where = [...new Set(stuck.filter((t) => t.error && classify(t.error) === 'image').map((t) => nodeName(t.nodeId)))].sort();
      const image = s.image;
      return {
        code, swarm,
        ours: `The image ${image} is missing on ${where.join(', ') || 'the nodes the tasks went to'} and cannot be pulled there.`,
        evidence: stuck.filter((t) => t.error).slice(0, 4).map((t) => `${nodeName(t.nodeId)}: ${t.error}`),
        next: `Put ${image} on ${where.join(', ') || 'those nodes'} (docker pull, or docker load from a docker save of a node that has it), check the name and tag, or give the nodes access to its registry (docker service update --with-registry-auth ${s.name}).`,
      };
    }
    case 'subnet-exhausted': {
      const usage = s.networkIds.map((id) => ({ id, u: subnetUsage(model, id) })).find((x) => x.u && x.u.free === 0) ?? s.networkIds.map((id) => ({ id, u: subnetUsage(model, id) })).find((x) => x.u);
      const net = model.networks.find((n) => n.id === usage?.id)?.name ?? 'its overlay';
      const u = usage?.u;
      return {
        code, swarm,
        ours: `${net}'s subnet has run out of addresses${u ? `: ${u.subnet} has ${u.size} usable, ${u.used} in use` : ''}.`,
        evidence: [
          ...(u ? [`${u.tasks} task address(es), ${u.vips} virtual IP(s), ${u.lbEndpoints} load-balancer endpoint(s) (one per node the overlay runs on)`, `${u.free} address(es) free`] : []),
          'swarm leaves such a task in state "new"; the managers\' daemon log says “could not find an available IP”',
        ],
        next: `Create a larger overlay (docker network create -d overlay --subnet with a shorter prefix, e.g. /24) and move ${s.name} to it; or use --endpoint-mode dnsrr (no VIP) and fewer replicas.`,
      };
    }
    case 'port-conflict':
      return {
        code, swarm,
        ours: `Port ${s.hostPorts?.join(', ') ?? ''} is published in host mode: each node can run one such task, and ${nodes.length} node(s) are usable.`.replace('Port  is', 'A port is'),
        evidence: [`${s.name} wants ${s.replicas ?? '?'} replicas; host-mode ports: ${s.hostPorts?.join(', ') || 'unknown'}`, ...stuck.slice(0, 3).map((t) => `${t.state}: ${t.error ?? t.message ?? ''}`)],
        next: `Scale ${s.name} to at most ${nodes.length}, run it in global mode, publish through the routing mesh (mode=ingress), or free the port on the nodes.`,
      };
    case 'starting':
      return { code, swarm, ours: `Its tasks are on their way (${stuck.map((t) => t.state).join(', ')}).`, evidence: [], next: 'Wait a moment; if it stays, look at the task history below.' };
    default:
      return { code, swarm, ours: 'Swarm gives no reason Archipelago recognises: read its words above and the task history.', evidence: stuck.slice(0, 4).map((t) => `${nodeName(t.nodeId)}: ${t.state}${t.error ? `: ${t.error}` : ''}`), next: `Look at the task history (docker service ps --no-trunc ${s.name}) and the node's daemon log.` };
  }
}

const STARTING = new Set(['new', 'allocated', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);

export function whyPending(model: ClusterModel, ref: string): PendingExplanation | undefined {
  const s = model.services.find((x) => x.name === ref || x.id === ref);
  if (!s) return undefined;
  const mine = model.tasks.filter((t) => t.serviceId === s.id);
  const running = mine.filter((t) => t.state === 'running' && t.desiredState === 'running').length;
  const wanted = mine.filter((t) => t.desiredState === 'running' || t.desiredState === 'ready');
  const desired = s.mode === 'replicated' ? (s.replicas ?? 0) : wanted.length;
  if (running >= desired) return undefined;
  const byTime = (a: TaskView, b: TaskView) => (b.timestamp ?? '').localeCompare(a.timestamp ?? '');
  // The tasks that should run and do not, newest first; then the latest failures of the service.
  const stuck = wanted.filter((t) => t.state !== 'running').sort(byTime);
  const failed = mine.filter((t) => t.error).sort(byTime);
  const texts = [...stuck, ...failed].map((t) => t.error || '').filter(Boolean);
  const codes = [...new Set(texts.map(classify))];
  const reasons: PendingReason[] = [];
  for (const code of codes.filter((c) => c !== 'unknown')) reasons.push(reasonFor(code, texts.find((x) => classify(x) === code)!, s, model, [...stuck, ...failed]));
  // Out of addresses can show as a task stuck without words: count them anyway.
  if (!codes.includes('subnet-exhausted') && s.networkIds.some((id) => subnetUsage(model, id)?.free === 0) && stuck.length) {
    reasons.push(reasonFor('subnet-exhausted', stuck[0].error || stuck[0].message || stuck[0].state, s, model, stuck));
  }
  if (!reasons.length) {
    const top = stuck[0] ?? failed[0];
    const words = top?.error || top?.message || (top ? top.state : 'no task has been created yet');
    reasons.push(reasonFor(top && !top.error && STARTING.has(top.state) ? 'starting' : 'unknown', words, s, model, [...stuck, ...failed]));
  }
  return { service: s.name, running, desired, reasons };
}
