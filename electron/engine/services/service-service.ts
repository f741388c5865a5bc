// Services: create, scale, update, remove, tasks, and attaching to / detaching from networks.
// Each change is one service update through a manager; each result carries the CLI it equals
// (with --detach and --no-resolve-image, since the API neither waits nor asks a registry).
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { ClusterModel, ServiceTask } from '../../shared/model';
import type { ClusterReader } from '../cluster/cluster-reader';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand, type CliArg } from '../swarm/cli-equivalent';
import { managerFor, promised } from '../swarm/managers';

type ServiceMethods = Pick<Handlers, 'services:create' | 'services:scale' | 'services:update' | 'services:remove' | 'services:tasks' | 'services:attachNetwork' | 'services:detachNetwork'>;
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ServiceService {
  constructor(
    private readonly hosts: HostService,
    private readonly cluster: ClusterReader,
  ) {}

  /** A network by name or id, in the given swarm when there are several (read afresh when the model lacks it). */
  private async networkId(ref: string, swarmId?: string): Promise<{ id: string; name: string }> {
    const find = (m: ClusterModel) => m.networks.find((x) => (!swarmId || x.swarmId === swarmId) && (x.name === ref || x.id === ref || x.id.startsWith(ref)));
    let n = find(await this.cluster.model());
    if (!n) {
      await this.cluster.confirmSwarms();
      n = find(await this.cluster.model());
    }
    if (!n) throw new ApiError('not-found', `no overlay network ${ref}`, { field: 'networks', hint: 'Create it first on the Networks page.' });
    return { id: n.id, name: n.name };
  }

  /** The swarm a service (name or id) is in, as the model has it (the first swarm when unknown). */
  private async swarmOf(service: string): Promise<string | undefined> {
    const m = await this.cluster.model();
    return m.services.find((s) => s.id === service || s.name === service)?.swarmId;
  }

  /** A manager of the swarm the service is in. */
  private async managerOf(service: string): Promise<HostSession> {
    return managerFor(this.hosts, this.cluster, await this.swarmOf(service));
  }

  /** Reads a service's spec, lets `change` edit it, and writes it back at the version read. */
  private async updateSpec(session: HostSession, service: string, change: (spec: Any, current: Any) => void): Promise<Any> {
    const current: Any = await session.run((d) => promised(d.getService(service)).inspect());
    const spec = structuredClone(current.Spec) as Any;
    change(spec, current);
    await session.run((d) => promised(d.getService(current.ID)).update({ _query: { version: current.Version.Index }, _body: spec }));
    return current;
  }

  private async preview(service: string, flags: string[], message: string) {
    const session = await this.managerOf(service);
    return { message, commands: [dockerCommand(session.host, ['service', 'update', '--detach', ...flags, service])] };
  }

  readonly handlers: ServiceMethods = {
    'services:create': async (input) => {
      const swarmId = input.swarm ?? (await this.cluster.model()).swarm?.id;
      const networks = await Promise.all(input.networks.map((n) => this.networkId(n, swarmId)));
      const session = await managerFor(this.hosts, this.cluster, input.swarm);
      const created = (await session.run((d) =>
        d.createService({
          Name: input.name,
          TaskTemplate: {
            ContainerSpec: { Image: input.image, Env: input.env, Args: input.command },
            Networks: networks.map((n) => ({ Target: n.id })),
            Placement: { Constraints: input.constraints },
          },
          Mode: input.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: input.replicas } },
          EndpointSpec: { Mode: input.endpointMode, Ports: input.ports.map((p) => ({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published })) },
        } as never),
      )) as unknown as { id?: string; ID?: string };
      const args: CliArg[] = ['service', 'create', '--detach', '--no-resolve-image', '--name', input.name];
      if (input.mode === 'global') args.push('--mode', 'global');
      else args.push('--replicas', String(input.replicas));
      for (const n of networks) args.push('--network', n.name);
      if (input.endpointMode === 'dnsrr') args.push('--endpoint-mode', 'dnsrr');
      for (const p of input.ports) args.push('--publish', p.published ? `published=${p.published},target=${p.target},protocol=${p.protocol}` : `target=${p.target},protocol=${p.protocol}`);
      for (const e of input.env) args.push('--env', e);
      for (const c of input.constraints) args.push('--constraint', c);
      args.push(input.image, ...(input.command ?? []));
      return { id: created.id ?? created.ID ?? '', message: `Created service ${input.name}`, commands: [dockerCommand(session.host, args)] };
    },

    'services:scale': async ({ service, replicas }) =>
      this.managerOf(service).then(async (session) => {
        const current = await this.updateSpec(session, service, (spec) => {
          if (!spec.Mode?.Replicated) throw new ApiError('conflict', `${service} is a global service: it runs one task per node and cannot be scaled`, { field: 'replicas' });
          spec.Mode.Replicated.Replicas = replicas;
        });
        const name = current.Spec.Name;
        return { message: `${name}: ${current.Spec.Mode.Replicated.Replicas} → ${replicas} replicas`, commands: [dockerCommand(session.host, ['service', 'scale', '--detach', `${name}=${replicas}`])] };
      }),

    'services:update': async ({ service, image, env, command, endpointMode }) =>
      this.managerOf(service).then(async (session) => {
        const args: CliArg[] = ['service', 'update', '--detach'];
        const current = await this.updateSpec(session, service, (spec, cur) => {
          const c = spec.TaskTemplate.ContainerSpec;
          if (image) {
            c.Image = image;
            args.push('--no-resolve-image', '--image', image);
          }
          if (env) {
            const before = new Map(((cur.Spec.TaskTemplate.ContainerSpec.Env ?? []) as string[]).map((e) => [e.split('=')[0], e]));
            const after = new Map(env.map((e) => [e.split('=')[0], e]));
            for (const [k, e] of after) if (before.get(k) !== e) args.push('--env-add', e);
            for (const k of before.keys()) if (!after.has(k)) args.push('--env-rm', k);
            c.Env = env;
          }
          if (command) {
            c.Args = command;
            args.push('--args', command.map((a) => (/^[\w./:=@-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '));
          }
          if (endpointMode) {
            // dnsrr cannot keep ports published through the routing mesh: refuse before changing anything.
            if (endpointMode === 'dnsrr' && ((spec.EndpointSpec?.Ports ?? []) as Any[]).some((p) => p.PublishedPort)) {
              throw new ApiError('invalid-input', 'endpointMode: dnsrr cannot be used while ports are published through the routing mesh', { field: 'endpointMode', hint: 'Remove the published ports first, or keep vip.' });
            }
            spec.EndpointSpec = { ...(spec.EndpointSpec ?? {}), Mode: endpointMode };
            args.push('--endpoint-mode', endpointMode);
          }
          spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + (image || env || command || endpointMode ? 0 : 1);
        });
        args.push(current.Spec.Name);
        return { message: `Updating ${current.Spec.Name}: its tasks roll to the new spec`, commands: [dockerCommand(session.host, args)] };
      }),

    'services:remove': async ({ service }) =>
      this.managerOf(service).then(async (session) => {
        const current: Any = await session.run((d) => promised(d.getService(service)).inspect());
        await session.run((d) => promised(d.getService(current.ID)).remove());
        return { message: `Removed service ${current.Spec.Name}`, commands: [dockerCommand(session.host, ['service', 'rm', current.Spec.Name])] };
      }),

    'services:tasks': async ({ service }) => {
      const session = await this.managerOf(service);
      const current: Any = await session.run((d) => promised(d.getService(service)).inspect());
      // This service's tasks read now: right after a change the model may trail by a moment.
      await this.cluster.confirmServices([current.ID]);
      const model = await this.cluster.model();
      const tasks = (model.tasks.filter((t) => t.serviceId === current.ID) as ServiceTask[]).map((t) => ({ ...t, nodeName: model.nodes.find((n) => n.id === t.nodeId)?.hostname }));
      return tasks.sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
    },

    'services:attachNetwork': async ({ service, network, preview }) => {
      const net = await this.networkId(network, await this.swarmOf(service));
      if (preview) return this.preview(service, ['--network-add', net.name], `Attach ${service} to ${net.name}? Its tasks are replaced, one at a time, by tasks on ${net.name} too.`);
      return this.managerOf(service).then(async (session) => {
        let already = false;
        const current = await this.updateSpec(session, service, (spec) => {
          const list = (spec.TaskTemplate.Networks ??= []) as Any[];
          already = list.some((n) => n.Target === net.id);
          if (!already) list.push({ Target: net.id });
        });
        const name = current.Spec.Name;
        if (already) return { message: `${name} is already on ${net.name}: nothing to do`, commands: [] };
        return { message: `Attaching ${name} to ${net.name}: its tasks roll to join it`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', '--network-add', net.name, name])] };
      });
    },

    'services:detachNetwork': async ({ service, network, preview }) => {
      const net = await this.networkId(network, await this.swarmOf(service));
      if (preview) return this.preview(service, ['--network-rm', net.name], `Detach ${service} from ${net.name}? Its tasks are replaced, one at a time, by tasks without it.`);
      return this.managerOf(service).then(async (session) => {
        let present = true;
        const current = await this.updateSpec(session, service, (spec) => {
          const list = (spec.TaskTemplate.Networks ?? []) as Any[];
          present = list.some((n) => n.Target === net.id);
          spec.TaskTemplate.Networks = list.filter((n) => n.Target !== net.id);
        });
        const name = current.Spec.Name;
        if (!present) return { message: `${name} is not on ${net.name}: nothing to do`, commands: [] };
        return { message: `Detaching ${name} from ${net.name}: its tasks roll to leave it`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', '--network-rm', net.name, name])] };
      });
    },
  };
}
