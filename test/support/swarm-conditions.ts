// Named cluster conditions that end the transients of a swarm, read with the plain docker CLI on
// the lab hosts (independent of our code): a service's tasks running and its update finished,
// and the overlay's gossip converged (each node's view of the network knows exactly the running
// tasks of the services, with the right VIP). A test waits for one of these, then asserts once.
import type { ClusterModel } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from './lab';
import { waitFor } from './wait';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ServiceState {
  name: string;
  mode: 'vip' | 'dnsrr';
  /** Replicas wanted (undefined for a global service). */
  replicas?: number;
  /** UpdateStatus.State, if the service was ever updated. */
  update?: string;
  /** The service's VIP on each network id. */
  vips: Record<string, string>;
  /** Tasks whose desired and current states are both running: id → node hostname. */
  running: Record<string, string>;
  /** Tasks still running although told to stop (a scale-down or roll under way): id → node. */
  stopping: Record<string, string>;
}

const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');

/** One service as the manager sees it. */
export async function serviceState(manager: LabHostEnv, name: string): Promise<ServiceState> {
  const [svc] = JSON.parse(await sshRun(manager, ['docker', 'service', 'inspect', name])) as Json[];
  const ps = await sshRun(manager, ['docker', 'service', 'ps', '--no-trunc', '--format', "'{{.ID}} {{.Node}} {{.DesiredState}} {{.CurrentState}}'", name]);
  const running: Record<string, string> = {};
  const stopping: Record<string, string> = {};
  for (const line of ps.split('\n').filter(Boolean)) {
    const [id, node, desired, current] = line.split(' ');
    if (current !== 'Running') continue;
    if (desired === 'Running') running[id] = node;
    else stopping[id] = node;
  }
  const vips = Object.fromEntries(((svc.Endpoint?.VirtualIPs ?? []) as Json[]).filter((v) => v.Addr).map((v) => [v.NetworkID, bare(v.Addr)]));
  return { name, mode: svc.Spec?.EndpointSpec?.Mode ?? 'vip', replicas: svc.Spec?.Mode?.Replicated?.Replicas, update: svc.UpdateStatus?.State, vips, running, stopping };
}

/**
 * Settled: no update rolling, as many tasks running as the service wants, and none still
 * running on its way out (a task told to stop leaves service discovery at once but can take its
 * whole stop grace period to end: a check meanwhile probes a task that no longer answers).
 */
export function settled(s: ServiceState): boolean {
  const rolling = s.update !== undefined && !['completed', 'rollback_completed', 'paused', 'rollback_paused'].includes(s.update);
  const count = Object.keys(s.running).length;
  return !rolling && Object.keys(s.stopping).length === 0 && (s.replicas === undefined ? count > 0 : count === s.replicas);
}

/** Waits until the services are settled, optionally with their tasks on `nodes` distinct hosts at least. */
export async function waitForSettled(lab: LabHostEnv[], services: string[], opts: { nodes?: number; timeoutMs?: number } = {}): Promise<ServiceState[]> {
  return waitFor(
    `${services.join(', ')} settled (update finished, every replica running${opts.nodes ? `, on ≥ ${opts.nodes} hosts` : ''})`,
    () => Promise.all(services.map((s) => serviceState(lab[0], s))),
    (states) => states.every((s) => settled(s) && new Set(Object.values(s.running)).size >= (opts.nodes ?? 0)),
    { timeoutMs: opts.timeoutMs ?? 90_000, everyMs: 500 },
  );
}

/** One node's view of an overlay (`docker network inspect --verbose`): per service, its VIP and the task ids it knows. */
export interface NodeView {
  node: string;
  instantiated: boolean;
  services: Record<string, { vip?: string; tasks: string[] }>;
}

export async function networkView(h: LabHostEnv, network: string): Promise<NodeView> {
  let inspected: Json[];
  try {
    inspected = JSON.parse(await sshRun(h, ['docker', 'network', 'inspect', '--verbose', network]));
  } catch {
    // A worker with no task on the overlay does not have it at all.
    return { node: h.name, instantiated: false, services: {} };
  }
  const services: NodeView['services'] = {};
  for (const [name, svc] of Object.entries((inspected[0]?.Services ?? {}) as Record<string, Json>)) {
    const vip = svc.VIP && svc.VIP !== '<nil>' ? String(svc.VIP) : undefined;
    // Task names are "service.slot.taskid" (or "service.nodeid.taskid" for global services).
    services[name] = { vip, tasks: ((svc.Tasks ?? []) as Json[]).map((t) => String(t.Name).split('.').pop()!).sort() };
  }
  return { node: h.name, instantiated: true, services };
}

export interface OverlayState {
  services: ServiceState[];
  views: NodeView[];
  /** What still differs, in words: empty once converged. */
  lagging: string[];
}

/**
 * Reads whether the overlay has converged for these services: each is settled, and every node
 * that runs one of their tasks knows, in its view of the network, exactly their running tasks
 * (no missing new one, no stale old one) and the right VIP (none in dnsrr mode). That is what
 * the embedded DNS answers from and what the overlay's forwarding entries are built from.
 */
export async function overlayState(lab: LabHostEnv[], network: string, services: string[]): Promise<OverlayState> {
  const states = await Promise.all(services.map((s) => serviceState(lab[0], s)));
  const lagging: string[] = [];
  for (const s of states) if (!settled(s)) lagging.push(`${s.name}: ${Object.keys(s.running).length} of ${s.replicas ?? '?'} running, ${Object.keys(s.stopping).length} stopping, update ${s.update ?? 'none'}`);
  const hostsWithTasks = new Set(states.flatMap((s) => Object.values(s.running)));
  const views = await Promise.all(lab.filter((h) => hostsWithTasks.has(h.name)).map((h) => networkView(h, network)));
  const netId = (await sshRun(lab[0], ['docker', 'network', 'inspect', '--format', '{{.Id}}', network])).trim();
  for (const v of views) {
    if (!v.instantiated) {
      lagging.push(`${v.node} runs tasks but has no ${network}`);
      continue;
    }
    for (const s of states) {
      const want = Object.keys(s.running).sort();
      const seen = v.services[s.name];
      if (!seen || seen.tasks.join() !== want.join()) lagging.push(`${v.node} knows ${s.name}'s tasks ${seen?.tasks.map((t) => t.slice(0, 6)).join(',') || 'none'}, running: ${want.map((t) => t.slice(0, 6)).join(',') || 'none'}`);
      const vip = s.mode === 'vip' ? s.vips[netId] : undefined;
      if (want.length && seen && seen.vip !== vip) lagging.push(`${v.node} has ${s.name}'s VIP ${seen.vip ?? 'none'}, the service ${vip ?? 'none'}`);
    }
  }
  return { services: states, views, lagging };
}

/** Waits for the overlay's gossip to converge for these services (see overlayState). */
export function waitForOverlay(lab: LabHostEnv[], network: string, services: string[], timeoutMs = 90_000): Promise<OverlayState> {
  return waitFor(`${network} converged for ${services.join(', ')}`, () => overlayState(lab, network, services), (o) => o.lagging.length === 0, {
    timeoutMs,
    everyMs: 500,
    show: (o) => o.lagging.join('; '),
  });
}

/**
 * Waits until the app's own model (read through `snapshot`) shows each service with exactly the
 * tasks the cluster runs, and none other in the running state. A check plans from that model,
 * so this comes between the cluster's condition and the check. (Needed while cluster:snapshot
 * can hand back a read that was already under way when it was called, so fetched before the
 * condition held: see notes/i17.md.)
 */
export function waitForModel(snapshot: () => Promise<ClusterModel>, states: ServiceState[], timeoutMs = 30_000): Promise<ClusterModel> {
  const lagging = (m: ClusterModel) =>
    states.flatMap((s) => {
      const svc = m.services.find((x) => x.name === s.name);
      const seen = m.tasks.filter((t) => t.serviceId === svc?.id && t.state === 'running').map((t) => t.id).sort();
      const want = Object.keys(s.running).sort();
      return seen.join() === want.join() ? [] : [`${s.name}: the model runs ${seen.map((t) => t.slice(0, 6)).join(',') || 'none'}, the cluster ${want.map((t) => t.slice(0, 6)).join(',') || 'none'}`];
    });
  return waitFor(`the app's model to show ${states.map((s) => s.name).join(', ')} as the cluster runs them`, snapshot, (m) => lagging(m).length === 0, { timeoutMs, everyMs: 200, show: (m) => lagging(m).join('; ') });
}
