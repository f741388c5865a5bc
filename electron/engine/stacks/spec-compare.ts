// Is a service's spec as stored by the daemon the one a compose file asks for? The daemon fills
// in defaults the CLI never sent (update and restart policies, the stop grace period, vip…) and
// drops zero values, so both sides are brought to one canonical form first: zero values and
// empty objects removed, defaults made explicit. Then the differences are listed as dotted paths.
import type { ServiceSpec } from '../docker/engine-writes';

const UPDATE_DEFAULTS = { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' };

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** Removes zero values and empty containers, deepest first (as the daemon's own conversion does). */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const pruned = pruneEmpty(v);
      if (!isEmpty(pruned)) out[k] = pruned;
    }
    return out;
  }
  return value;
}

/** A ServiceSpec with the daemon's defaults made explicit and zero values gone. */
export function canonicalServiceSpec(spec: ServiceSpec): ServiceSpec {
  const s = structuredClone(spec);
  const task = (s.TaskTemplate ??= {});
  const c = (task.ContainerSpec ??= {});
  c.Isolation ??= 'default';
  if (c.Isolation === '') c.Isolation = 'default';
  c.StopGracePeriod ??= 10e9;
  task.Runtime ||= 'container';
  task.RestartPolicy = { Condition: 'any', Delay: 5e9, MaxAttempts: 0, ...(task.RestartPolicy ?? {}) };
  if (task.RestartPolicy.Condition === '') task.RestartPolicy.Condition = 'any';
  for (const key of ['UpdateConfig', 'RollbackConfig'] as const) {
    const u = { ...UPDATE_DEFAULTS, ...(s[key] ?? {}) };
    if (!u.FailureAction) u.FailureAction = 'pause';
    if (!u.Order) u.Order = 'stop-first';
    if (!u.Monitor) u.Monitor = 5e9;
    s[key] = u;
  }
  if (s.Mode?.Replicated) s.Mode.Replicated.Replicas ??= 1;
  const ep = (s.EndpointSpec ??= {});
  ep.Mode ||= 'vip';
  ep.Ports = (ep.Ports ?? []).map((p) => ({ ...p, Protocol: p.Protocol || 'tcp', PublishMode: p.PublishMode || 'ingress' }));
  for (const n of task.Networks ?? []) n.Aliases = [...(n.Aliases ?? [])];
  return pruneEmpty(s) as ServiceSpec;
}

/** Dotted paths where two values differ (at most `limit`). */
export function diffPaths(a: unknown, b: unknown, prefix = '', limit = 20, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(prefix || '.');
    else a.forEach((x, i) => diffPaths(x, b[i], `${prefix}[${i}]`, limit, out));
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, limit, out);
    return out;
  }
  if (a !== b) out.push(prefix || '.');
  return out;
}

/** The fields a deploy would change, compared after both sides are made canonical. */
export function serviceSpecChanges(desired: ServiceSpec, current: ServiceSpec): string[] {
  return diffPaths(canonicalServiceSpec(desired), canonicalServiceSpec(current));
}
