// What a deploy would do, worked out from the converted file and the swarm as read, without
// changing anything: which networks, secrets and configs are created, which services are created,
// updated (and in which fields) or left alone, and which a prune removes. External objects that
// do not exist stop the deploy here, before anything is created.
import { ApiError } from '../../shared/errors';
import type { StackPlanItem } from '../../shared/stacks';
import type { Config, Network, Secret, Service } from '../docker/engine-api';
import type { NetworkCreateRequest, SecretSpec } from '../docker/engine-writes';
import { IMAGE_LABEL, STACK_LABEL, type ConvertedStack, type StackServiceSpec } from './compose-convert';
import { serviceSpecChanges } from './spec-compare';
import type { SwarmState } from './stack-state';

export interface ServiceStep {
  name: string;
  /** The spec to send: as the CLI would, with the current image and ForceUpdate kept when unchanged. */
  spec: StackServiceSpec;
  current?: Service;
  action: 'create' | 'update' | 'unchanged';
  changes: string[];
}

export interface StackPlan {
  items: StackPlanItem[];
  networks: { name: string; create: Omit<NetworkCreateRequest, 'Name'> }[];
  /** A config's spec has no Driver. */
  secrets: { name: string; spec: SecretSpec; currentId?: string; currentVersion?: number }[];
  configs: { name: string; spec: SecretSpec; currentId?: string; currentVersion?: number }[];
  services: ServiceStep[];
  prune: Service[];
}

const labelsEqual = (a: Record<string, string> = {}, b: Record<string, string> = {}) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

export function planStack(stack: string, converted: ConvertedStack, state: SwarmState, opts: { prune: boolean }): StackPlan {
  const items: StackPlanItem[] = [];
  const missing: string[] = [];

  // Externals must exist (and networks be swarm-scoped), as the CLI checks before creating.
  const networkByName = new Map<string | undefined, Network>();
  for (const n of state.networks) networkByName.set(n.Name, n);
  for (const n of converted.networks.filter((x) => x.external)) {
    // host, bridge and none exist on every node as local networks: nothing to look up.
    if (['host', 'bridge', 'none', 'default'].includes(n.name) || n.name.startsWith('container:')) continue;
    const found = networkByName.get(n.name);
    if (!found) missing.push(`network "${n.name}" is declared as external, but could not be found: create a swarm-scoped (overlay) network ${n.name} before the stack is deployed`);
    else if (found.Scope !== 'swarm') missing.push(`network "${n.name}" is declared as external, but it is not in the right scope: "${found.Scope}" instead of "swarm"`);
    else items.push({ kind: 'network', name: n.name, action: 'external' });
  }
  const byName = (list: (Secret | Config)[]) => new Map(list.map((o) => [o.Spec?.Name as string, o]));
  const secretByName = byName(state.secrets);
  const configByName = byName(state.configs);
  for (const [kind, objs, have] of [['secret', converted.secrets, secretByName], ['config', converted.configs, configByName]] as const) {
    for (const o of objs.filter((x) => x.external)) {
      if (!have.has(o.name)) missing.push(`${kind} "${o.name}" is declared as external, but could not be found: create it first (docker ${kind} create ${o.name} FILE)`);
      else items.push({ kind, name: o.name, action: 'external' });
    }
  }
  if (missing.length) {
    throw new ApiError('not-found', missing.join('; '), { field: 'compose', hint: 'Create the external objects first (Networks page, or Secrets & Configs), or drop external: true so the stack creates its own.' });
  }

  // Networks: those of the stack that exist already are kept as they are (the CLI never updates them).
  const stackNetworks = new Set(state.networks.filter((n) => n.Labels?.[STACK_LABEL] === stack).map((n) => n.Name as string));
  const networks: StackPlan['networks'] = [];
  for (const n of converted.networks.filter((x) => !x.external)) {
    if (stackNetworks.has(n.name)) {
      items.push({ kind: 'network', name: n.name, action: 'unchanged' });
    } else {
      if (networkByName.has(n.name)) throw new ApiError('conflict', `a network named ${n.name} exists already and is not part of stack ${stack}`, { field: 'compose', hint: 'Remove or rename that network, or name another one in the file.' });
      networks.push({ name: n.name, create: n.create ?? {} });
      items.push({ kind: 'network', name: n.name, action: 'create' });
    }
  }

  // Secrets and configs: created, or updated in place as the CLI does (only labels may change;
  // the daemon refuses new data for an existing one).
  const objectSteps = (kind: 'secret' | 'config', objs: ConvertedStack['secrets'], have: Map<string, Secret | Config>) =>
    objs
      .filter((o) => !o.external)
      .map((o) => {
        const cur = have.get(o.name);
        items.push({ kind, name: o.name, action: !cur ? 'create' : labelsEqual(cur.Spec?.Labels, o.spec!.Labels) ? 'unchanged' : 'update' });
        return { name: o.name, spec: o.spec!, currentId: cur?.ID as string | undefined, currentVersion: cur?.Version?.Index as number | undefined };
      });
  const secrets = objectSteps('secret', converted.secrets, secretByName);
  const configs = objectSteps('config', converted.configs, configByName);

  // Services.
  const existing = new Map(state.services.filter((s) => s.Spec?.Labels?.[STACK_LABEL] === stack).map((s) => [s.Spec?.Name as string, s]));
  const idOf = (map: Map<string, Secret | Config>, name: string | undefined) => map.get(name as string)?.ID ?? `(new ${name})`;
  const services: ServiceStep[] = converted.services.map((svc) => {
    const spec = structuredClone(svc.spec);
    const c = spec.TaskTemplate.ContainerSpec;
    for (const r of c.Secrets ?? []) r.SecretID = idOf(secretByName, r.SecretName);
    for (const r of c.Configs ?? []) r.ConfigID = idOf(configByName, r.ConfigName);
    const current = existing.get(svc.name);
    if (!current) {
      items.push({ kind: 'service', name: svc.name, action: 'create' });
      return { name: svc.name, spec, action: 'create', changes: [] };
    }
    // As the CLI: an unchanged image keeps what the daemon recorded (a digest, say), and the
    // stack never forces a redeploy.
    const currentSpec = current.Spec ?? {};
    if (svc.spec.Labels[IMAGE_LABEL] === currentSpec.Labels?.[IMAGE_LABEL]) c.Image = currentSpec.TaskTemplate?.ContainerSpec?.Image;
    spec.TaskTemplate.ForceUpdate = currentSpec.TaskTemplate?.ForceUpdate ?? 0;
    // Compared with network ids where the daemon stores ids.
    const comparable = structuredClone(spec);
    for (const n of comparable.TaskTemplate.Networks ?? []) n.Target = networkByName.get(n.Target)?.Id ?? `(new ${n.Target})`;
    const changes = serviceSpecChanges(comparable, currentSpec);
    items.push({ kind: 'service', name: svc.name, action: changes.length ? 'update' : 'unchanged', ...(changes.length ? { changes } : {}) });
    return { name: svc.name, spec, current, action: changes.length ? 'update' : 'unchanged', changes };
  });

  const wanted = new Set<string | undefined>(converted.services.map((s) => s.name));
  const prune = opts.prune ? [...existing.values()].filter((s) => !wanted.has(s.Spec?.Name)) : [];
  for (const s of prune) items.push({ kind: 'service', name: s.Spec?.Name as string, action: 'remove' });
  for (const v of converted.volumes) if (v.external) items.push({ kind: 'volume', name: v.name, action: 'external' });
  return { items, networks, secrets, configs, services, prune };
}
