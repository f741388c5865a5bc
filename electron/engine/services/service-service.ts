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
import { managerFor } from '../swarm/managers';
import { engineApi, type Service } from '../docker/engine-api';
import { engineWrites, type ServiceSpec } from '../docker/engine-writes';

type ServiceMethods = Pick<Handlers, 'services:create' | 'services:scale' | 'services:update' | 'services:remove' | 'services:tasks' | 'services:attachNetwork' | 'services:detachNetwork'>;
/** A service's spec as read, with the parts every change here touches present. */
type EditableSpec = ServiceSpec & { TaskTemplate: NonNullable<ServiceSpec['TaskTemplate']> & { ContainerSpec: NonNullable<NonNullable<ServiceSpec['TaskTemplate']>['ContainerSpec']> } };

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
  async managerOf(service: string): Promise<HostSession> {
    return managerFor(this.hosts, this.cluster, await this.swarmOf(service));
  }

  /** Reads a service's spec, lets `change` edit it, and writes it back at the version read. */
  private async updateSpec(session: HostSession, service: string, change: (spec: EditableSpec, before: ServiceSpec) => void): Promise<{ id: string; name: string; before: ServiceSpec }> {
    const current = await session.run((d) => engineApi.service(d, service));
    const before = current.Spec ?? {};
    const spec: EditableSpec = { ...structuredClone(before), TaskTemplate: { ...structuredClone(before.TaskTemplate ?? {}), ContainerSpec: structuredClone(before.TaskTemplate?.ContainerSpec ?? {}) } };
    change(spec, before);
    const id = current.ID ?? service;
    await session.run((d) => engineWrites.serviceUpdate(d, id, current.Version?.Index ?? 0, spec));
    return { id, name: before.Name ?? service, before };
  }

  /** A service as its manager has it now (by name or id). */
  private async read(session: HostSession, service: string): Promise<{ id: string; name: string; current: Service }> {
    const current = await session.run((d) => engineApi.service(d, service));
    return { id: current.ID ?? service, name: current.Spec?.Name ?? service, current };
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
      const created = await session.run((d) =>
        engineWrites.serviceCreate(d, {
          Name: input.name,
          TaskTemplate: {
            ContainerSpec: { Image: input.image, Env: input.env, Args: input.command },
            Networks: networks.map((n) => ({ Target: n.id })),
            Placement: { Constraints: input.constraints },
          },
          Mode: input.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: input.replicas } },
          EndpointSpec: { Mode: input.endpointMode, Ports: input.ports.map((p) => ({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published })) },
        }),
      );
      const args: CliArg[] = ['service', 'create', '--detach', '--no-resolve-image', '--name', input.name];
      if (input.mode === 'global') args.push('--mode', 'global');
      else args.push('--replicas', String(input.replicas));
      for (const n of networks) args.push('--network', n.name);
      if (input.endpointMode === 'dnsrr') args.push('--endpoint-mode', 'dnsrr');
      for (const p of input.ports) args.push('--publish', p.published ? `published=${p.published},target=${p.target},protocol=${p.protocol}` : `target=${p.target},protocol=${p.protocol}`);
      for (const e of input.env) args.push('--env', e);
      for (const c of input.constraints) args.push('--constraint', c);
      args.push(input.image, ...(input.command ?? []));
      return { id: created.ID ?? '', message: `Created service ${input.name}`, commands: [dockerCommand(session.host, args)] };
    },

    'services:scale': async ({ service, replicas }) =>
      this.managerOf(service).then(async (session) => {
        const current = await this.updateSpec(session, service, (spec) => {
          if (!spec.Mode?.Replicated) throw new ApiError('conflict', `${service} is a global service: it runs one task per node and cannot be scaled`, { field: 'replicas' });
          spec.Mode.Replicated.Replicas = replicas;
        });
        const name = current.name;
        return { message: `${name}: ${current.before.Mode?.Replicated?.Replicas ?? 0} → ${replicas} replicas`, commands: [dockerCommand(session.host, ['service', 'scale', '--detach', `${name}=${replicas}`])] };
      }),

    'services:update': async ({ service, image, env, command, endpointMode }) =>
      this.managerOf(service).then(async (session) => {
        const args: CliArg[] = ['service', 'update', '--detach'];
        const current = await this.updateSpec(session, service, (spec, before) => {
          const c = spec.TaskTemplate.ContainerSpec;
          if (image) {
            c.Image = image;
            args.push('--no-resolve-image', '--image', image);
          }
          if (env) {
            const had = new Map((before.TaskTemplate?.ContainerSpec?.Env ?? []).map((e) => [e.split('=')[0], e]));
            const after = new Map(env.map((e) => [e.split('=')[0], e]));
            for (const [k, e] of after) if (had.get(k) !== e) args.push('--env-add', e);
            for (const k of had.keys()) if (!after.has(k)) args.push('--env-rm', k);
            c.Env = env;
          }
          if (command) {
            c.Args = command;
            args.push('--args', command.map((a) => (/^[\w./:=@-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '));
          }
          if (endpointMode) {
            // dnsrr cannot keep ports published through the routing mesh: refuse before changing anything.
            if (endpointMode === 'dnsrr' && (spec.EndpointSpec?.Ports ?? []).some((p) => p.PublishedPort)) {
              throw new ApiError('invalid-input', 'endpointMode: dnsrr cannot be used while ports are published through the routing mesh', { field: 'endpointMode', hint: 'Remove the published ports first, or keep vip.' });
            }
            spec.EndpointSpec = { ...(spec.EndpointSpec ?? {}), Mode: endpointMode };
            args.push('--endpoint-mode', endpointMode);
          }
          spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + (image || env || command || endpointMode ? 0 : 1);
        });
        args.push(current.name);
        return { message: `Updating ${current.name}: its tasks roll to the new spec`, commands: [dockerCommand(session.host, args)] };
      }),

    'services:remove': async ({ service }) =>
      this.managerOf(service).then(async (session) => {
        const { id, name } = await this.read(session, service);
        await session.run((d) => engineWrites.serviceRemove(d, id));
        return { message: `Removed service ${name}`, commands: [dockerCommand(session.host, ['service', 'rm', name])] };
      }),

    'services:tasks': async ({ service }) => {
      const session = await this.managerOf(service);
      const { id } = await this.read(session, service);
      // This service's tasks read now: right after a change the model may trail by a moment.
      await this.cluster.confirmServices([id]);
      const model = await this.cluster.model();
      const tasks = (model.tasks.filter((t) => t.serviceId === id) as ServiceTask[]).map((t) => ({ ...t, nodeName: model.nodes.find((n) => n.id === t.nodeId)?.hostname }));
      return tasks.sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
    },

    'services:attachNetwork': async ({ service, network, preview }) => {
      const net = await this.networkId(network, await this.swarmOf(service));
      if (preview) return this.preview(service, ['--network-add', net.name], `Attach ${service} to ${net.name}? Its tasks are replaced, one at a time, by tasks on ${net.name} too.`);
      return this.managerOf(service).then(async (session) => {
        let already = false;
        const current = await this.updateSpec(session, service, (spec) => {
          const list = (spec.TaskTemplate.Networks ??= []);
          already = list.some((n) => n.Target === net.id);
          if (!already) list.push({ Target: net.id });
        });
        const name = current.name;
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
          const list = spec.TaskTemplate.Networks ?? [];
          present = list.some((n) => n.Target === net.id);
          spec.TaskTemplate.Networks = list.filter((n) => n.Target !== net.id);
        });
        const name = current.name;
        if (!present) return { message: `${name} is not on ${net.name}: nothing to do`, commands: [] };
        return { message: `Detaching ${name} from ${net.name}: its tasks roll to leave it`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', '--network-rm', net.name, name])] };
      });
    },
  };
}
