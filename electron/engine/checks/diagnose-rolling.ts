// The service is changing under the check: a rolling update (or rollback) replaces tasks one
// by one, so some addresses stop answering for a few seconds and others appear. Failures that
// belong to tasks being replaced, starting or shutting down are said to be that, never a network
// fault; and while either side is mid-update the check says so even when every pair answers.
import type { ClusterModel, ServiceUpdateView, TaskView, Verdict } from '../../shared/model';

const MID_UPDATE = new Set<ServiceUpdateView['state']>(['updating', 'paused', 'rollback_started', 'rollback_paused']);
const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');

export interface RollingContext {
  /** Source or target services whose update (or rollback) is under way or paused. */
  services: { name: string; role: 'source' | 'target'; update: ServiceUpdateView }[];
  /** Target addresses whose task is being replaced, starting, shutting down or gone. */
  changingIps: string[];
  /** Source tasks (by name, as the check names them) in the same situation. */
  changingSources: string[];
}

/** A task that is not running steadily on the current spec: on its way in or out. */
function changing(t: TaskView | undefined, midUpdate: boolean): boolean {
  if (!t) return true;
  return t.state !== 'running' || t.desiredState !== 'running' || (midUpdate && t.upToDate === false);
}

/**
 * From the model the check was planned on and one read after its probes: who is mid-update and
 * which of the probed tasks were changing by then.
 */
export function rollingContext(before: ClusterModel, after: ClusterModel, from: string, to: string, probed: { sources: { id: string; name: string }[]; targets: { id: string; ip: string }[] }): RollingContext {
  const services: RollingContext['services'] = [];
  const mid = new Set<string>();
  for (const [name, role] of [[from, 'source'], [to, 'target']] as const) {
    const s = after.services.find((x) => x.name === name) ?? before.services.find((x) => x.name === name);
    const u = s?.update;
    if (s && u && MID_UPDATE.has(u.state)) {
      mid.add(s.id);
      if (!services.some((x) => x.name === name)) services.push({ name, role, update: u });
    }
  }
  const task = (id: string) => after.tasks.find((t) => t.id === id);
  const isChanging = (id: string) => {
    const t = task(id);
    return changing(t, t ? mid.has(t.serviceId) : false);
  };
  return {
    services,
    changingIps: probed.targets.filter((t) => isChanging(t.id)).map((t) => t.ip),
    changingSources: probed.sources.filter((t) => isChanging(t.id)).map((t) => t.name),
  };
}

export const targetIpsOf = (m: ClusterModel, taskIds: string[], networkId: string | undefined) =>
  taskIds.flatMap((id) => {
    const a = m.tasks.find((t) => t.id === id)?.addresses.find((x) => x.networkId === networkId);
    return a ? [{ id, ip: bare(a.address) }] : [];
  });

const STATE_WORDS: Record<ServiceUpdateView['state'], string> = {
  updating: 'is rolling',
  paused: 'has a paused update',
  completed: 'finished its update',
  rollback_started: 'is rolling back',
  rollback_paused: 'has a paused rollback',
  rollback_completed: 'finished rolling back',
};

/** The rolling finding, when there is something to say. `failing`: failed pairs to changing tasks. */
export function rollingVerdict(r: RollingContext, to: string, failing: { sourceTask: string; target: string; targetIp: string }[], skippedSources: string[]): Verdict | undefined {
  if (!r.services.length && !failing.length && !skippedSources.length) return undefined;
  const head = r.services.map((s) => `${s.name} ${STATE_WORDS[s.update.state]}, ${s.update.updated} of ${s.update.total} tasks updated`).join('; ');
  const tail = failing.length
    ? `the failing addresses are tasks being replaced`
    : skippedSources.length
      ? `the source tasks that could not probe are being replaced`
      : 'every pair answered, but that may change in seconds';
  const title = head ? `${head}; ${tail}` : `${failing.length} address(es) of ${to} belong to tasks that are starting or shutting down`;
  const paused = r.services.find((s) => s.update.state === 'paused' || s.update.state === 'rollback_paused');
  return {
    level: 'warning',
    code: 'rolling',
    service: r.services[0]?.name ?? to,
    title,
    evidence: [
      ...r.services.map((s) => `${s.name} (${s.role}): update ${s.update.state}${s.update.message ? ` (“${s.update.message}”)` : ''}${s.update.startedAt ? `, started ${s.update.startedAt}` : ''}`),
      ...failing.slice(0, 4).map((p) => `${p.sourceTask} → ${p.target} ${p.targetIp}: no answer, and that task is being replaced, starting or shutting down`),
      ...skippedSources.map((s) => `${s}: being replaced, so it could not probe`),
    ],
    next: paused
      ? `The update of ${paused.name} is paused (a task failed to start or update): look at its task history on the Services page, then Resume it or Roll it back (docker service rollback ${paused.name}).`
      : `Wait for the update to finish (the Services page shows its progress) and check again; to undo it, Roll back (docker service rollback ${r.services[0]?.name ?? to}).`,
  };
}
