// Stacks: list every stack on the swarm (whoever deployed it), check and deploy compose files
// (preview, update in place, prune), follow a deploy until it converges, remove, and export
// stacks or single services back to compose files. Each answer carries its CLI equivalent.
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { ComposeCheck, StackDeployResult, StackView } from '../../shared/stacks';
import { engineApi, type Service } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand } from '../swarm/cli-equivalent';
import { pickManager } from '../swarm/managers';
import { STACK_LABEL } from './compose-convert';
import { exportCompose } from './compose-export';
import { loadStack, type ComposeSource } from './compose-load';
import { applyStackPlan } from './stack-apply';
import { planStack } from './stack-plan';
import { readSwarmState, stackOf } from './stack-state';
import { desiredTasks, serviceStatus } from './stack-status';

type StackMethods = Pick<Handlers, 'stacks:list' | 'stacks:check' | 'stacks:deploy' | 'stacks:status' | 'stacks:remove' | 'stacks:export' | 'services:export'>;

/** The compose file shown in CLI equivalents (the app never writes one). */
export const COMPOSE_FILE_NAME = 'docker-stack.yml';

/** A bad file, as one error: its first problems with line:col, and the hint of the first. */
export function composeError(check: ComposeCheck): ApiError {
  const first = check.problems[0];
  const lines = check.problems.slice(0, 3).map((p) => `line ${p.line}:${p.col}: ${p.message}`);
  const more = check.problems.length > 3 ? ` (and ${check.problems.length - 3} more)` : '';
  return new ApiError('invalid-input', `${lines.join('; ')}${more}`, { field: 'compose', hint: first?.hint ?? 'Fix the compose file where it says, then deploy again.' });
}

export class StackService {
  constructor(
    private readonly hosts: HostService,
    private readonly changing: <T>(operation: () => Promise<T>) => Promise<T>,
  ) {}

  private deployCommand(session: HostSession, name: string, opts: { prune: boolean; env: boolean }) {
    // The CLI reads ${VAR} values from its environment: the .env text goes there first.
    const cmd = dockerCommand(session.host, ['stack', 'deploy', ...(opts.prune ? ['--prune'] : []), '--resolve-image', 'never', '-c', COMPOSE_FILE_NAME, name]);
    return opts.env ? { host: cmd.host, text: `env $(grep -v '^#' .env | xargs) ${cmd.text}` } : cmd;
  }

  private async stackServices(session: HostSession, name: string): Promise<Service[]> {
    return session.run((d) => engineApi.services(d, { label: [`${STACK_LABEL}=${name}`] }));
  }

  readonly handlers: StackMethods = {
    'stacks:list': async () => {
      const { session } = await pickManager(this.hosts);
      const state = await readSwarmState(session);
      const tasks = await session.run((d) => engineApi.tasks(d));
      const stacks = new Map<string, StackView>();
      const entry = (name: string) => {
        if (!stacks.has(name)) stacks.set(name, { name, services: [], networks: [], secrets: [], configs: [] });
        return stacks.get(name)!;
      };
      for (const s of state.services) {
        const stack = stackOf(s.Spec?.Labels);
        if (!s.Spec || !stack) continue;
        const own = tasks.filter((t) => t.ServiceID === s.ID);
        const name = s.Spec.Name as string;
        entry(stack).services.push({
          id: s.ID as string,
          name,
          shortName: name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name,
          image: String(s.Spec.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, ''),
          mode: s.Spec.Mode?.Global ? 'global' : 'replicated',
          desired: desiredTasks(s, own),
          running: own.filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running').length,
        });
      }
      for (const n of state.networks) if (stackOf(n.Labels)) entry(stackOf(n.Labels)!).networks.push({ id: n.Id as string, name: n.Name as string });
      for (const o of state.secrets) if (stackOf(o.Spec?.Labels)) entry(stackOf(o.Spec?.Labels)!).secrets.push({ id: o.ID as string, name: o.Spec?.Name as string });
      for (const o of state.configs) if (stackOf(o.Spec?.Labels)) entry(stackOf(o.Spec?.Labels)!).configs.push({ id: o.ID as string, name: o.Spec?.Name as string });
      for (const s of stacks.values()) s.services.sort((a, b) => a.name.localeCompare(b.name));
      return { stacks: [...stacks.values()].sort((a, b) => a.name.localeCompare(b.name)), commands: [dockerCommand(session.host, ['stack', 'ls'])] };
    },

    'stacks:check': async ({ name, compose, env, files }) => loadStack(name ?? 'stack', { compose, env, files }).check,

    'stacks:deploy': async ({ name, compose, env, files, preview, prune }) => {
      const source: ComposeSource = { compose, env, files };
      const loaded = loadStack(name, source);
      if (!loaded.converted) throw composeError(loaded.check);
      const converted = loaded.converted;
      const run = async (): Promise<StackDeployResult> => {
        const { session } = await pickManager(this.hosts);
        const state = await readSwarmState(session, name);
        const plan = planStack(name, converted, state, { prune });
        const command = this.deployCommand(session, name, { prune, env: Boolean(env?.trim()) });
        const base = { stack: name, plan: plan.items, warnings: loaded.check.warnings, variables: loaded.check.variables, commands: [command] };
        const counts = (action: string) => plan.items.filter((i) => i.action === action).length;
        const summary = (done: boolean) => `${counts('create')} ${done ? 'created' : 'to create'}, ${counts('update')} ${done ? 'updated' : 'to update'}, ${counts('unchanged')} unchanged, ${counts('remove')} ${done ? 'removed' : 'to remove'}`;
        if (preview) return { ...base, preview: true, message: `Deploying ${name} would change the swarm: ${summary(false)}.` };
        await applyStackPlan(session, plan);
        return { ...base, preview: false, message: `Deployed stack ${name}: ${summary(true)}.` };
      };
      return preview ? run() : this.changing(run);
    },

    'stacks:status': async ({ name }) => {
      const { session } = await pickManager(this.hosts);
      const services = await this.stackServices(session, name);
      if (!services.length) throw new ApiError('not-found', `no stack ${name} on the swarm`, { hint: 'Deploy it first, or refresh the list.' });
      const tasks = await session.run((d) => engineApi.tasks(d, { service: services.map((s) => s.ID as string) }));
      const statuses = services.map((s) => serviceStatus(s, tasks, name)).sort((a, b) => a.name.localeCompare(b.name));
      return { stack: name, converged: statuses.every((s) => s.state === 'converged'), services: statuses, commands: [dockerCommand(session.host, ['stack', 'services', name]), dockerCommand(session.host, ['stack', 'ps', '--no-trunc', name])] };
    },

    'stacks:remove': async ({ name }) =>
      this.changing(async () => {
        const { session } = await pickManager(this.hosts);
        const state = await readSwarmState(session, name);
        const services = state.services.filter((s) => stackOf(s.Spec?.Labels) === name);
        const networks = state.networks.filter((n) => stackOf(n.Labels) === name);
        const secrets = state.secrets.filter((o) => stackOf(o.Spec?.Labels) === name);
        const configs = state.configs.filter((o) => stackOf(o.Spec?.Labels) === name);
        if (!services.length && !networks.length && !secrets.length && !configs.length) throw new ApiError('not-found', `no stack ${name} on the swarm`, { hint: 'Refresh the list.' });
        await Promise.all(services.map((s) => session.run((d) => engineWrites.serviceRemove(d, s.ID as string))));
        await Promise.all(secrets.map((o) => session.run((d) => engineWrites.secretRemove(d, o.ID as string))));
        await Promise.all(configs.map((o) => session.run((d) => engineWrites.configRemove(d, o.ID as string))));
        // A network is removable only once the tasks on it have stopped (the CLI tries once and
        // leaves it behind): wait for them, a bounded time.
        const left = await removeNetworksWhenFree(session, networks.map((n) => n.Id as string));
        // Each node drops its own copy of a removed overlay a moment later; a node that leaves
        // the swarm before that keeps a stale copy whose subnet blocks new networks there. So
        // the removal ends when no connected host lists them any more.
        const lingering = await waitForLocalCopiesGone(this.hosts.connectedSessions(), networks.map((n) => n.Id as string).filter((id) => !left.includes(id)));
        const note =
          (left.length ? ` Networks still in use after 60 s, left for now: ${left.join(', ')}.` : '') +
          (lingering.length ? ` Some hosts still list removed networks after 30 s: ${lingering.join(', ')}.` : '');
        return {
          message: `Removed stack ${name}: ${services.length} services, ${networks.length - left.length} networks, ${secrets.length} secrets, ${configs.length} configs.${note}`,
          commands: [dockerCommand(session.host, ['stack', 'rm', name])],
        };
      }),

    'stacks:export': async ({ name }) => {
      const { session } = await pickManager(this.hosts);
      const state = await readSwarmState(session, name);
      const services = state.services.filter((s) => stackOf(s.Spec?.Labels) === name);
      if (!services.length) throw new ApiError('not-found', `no stack ${name} on the swarm`, { hint: 'Refresh the list.' });
      return {
        compose: exportCompose({ stack: name, services, networks: state.networks }),
        fileName: `${name}.yml`,
        // The CLI has no export: what it reads is the services' specs.
        commands: [dockerCommand(session.host, ['service', 'inspect', ...services.map((s) => s.Spec?.Name as string).sort()])],
      };
    },

    'services:export': async ({ service }) => {
      const { session } = await pickManager(this.hosts);
      const current = await session.run((d) => engineApi.service(d, service));
      const networks = await session.run((d) => engineApi.networks(d, { scope: ['swarm'] }));
      const stack = stackOf(current.Spec?.Labels) ?? null;
      return {
        compose: exportCompose({ stack, services: [current], networks }),
        fileName: `${current.Spec?.Name}.yml`,
        commands: [dockerCommand(session.host, ['service', 'inspect', current.Spec?.Name as string])],
      };
    },
  };
}

async function removeNetworksWhenFree(session: HostSession, ids: string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = [...ids];
  while (left.length) {
    const results = await Promise.all(left.map((id) => session.run((d) => engineWrites.networkRemove(d, id)).then(() => null, (err: ApiError) => (err.code === 'not-found' ? null : id))));
    left = results.filter((x): x is string => x !== null);
    if (!left.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const names = await Promise.all(left.map((id) => session.run((d) => engineApi.network(d, id)).then((n) => n.Name as string, () => id)));
  return names;
}

async function waitForLocalCopiesGone(sessions: HostSession[], ids: string[], timeoutMs = 30_000): Promise<string[]> {
  if (!ids.length) return [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(
      sessions.map(async (s) => {
        const list = await s.run((d) => engineApi.networks(d)).catch(() => []);
        return list.filter((n) => ids.includes(n.Id as string)).map((n) => `${n.Name} on ${s.host.name}`);
      }),
    );
    const still = seen.flat();
    if (!still.length || Date.now() > deadline) return still;
    await new Promise((r) => setTimeout(r, 300));
  }
}
