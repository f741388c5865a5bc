// Overlay networks: create (checked against the subnets that exist, before any change), inspect
// per host, remove (refused while services use it).
import type { Handlers } from '../../shared/contract';
import { cidrsOverlap } from '../../shared/cidr';
import { ApiError } from '../../shared/errors';
import type { ClusterModel, NetworkDetail } from '../../shared/model';
import type { ClusterReader } from '../cluster/cluster-reader';
import type { HostService } from '../hosts/host-handlers';
import { dockerCommand, type CliArg } from '../swarm/cli-equivalent';
import { managerFor } from '../swarm/managers';
import { engineApi } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';
import { networkView } from '../cluster/adapters/network-adapter';

type NetworkMethods = Pick<Handlers, 'networks:create' | 'networks:inspect' | 'networks:remove'>;

export class NetworkService {
  constructor(
    private readonly hosts: HostService,
    private readonly cluster: ClusterReader,
  ) {}

  readonly handlers: NetworkMethods = {
    'networks:create': async (input) => {
      // Checked against the cluster model already held: no remote call before the create.
      let model = await this.cluster.model();
      const swarmId = input.swarm ?? model.swarm?.id;
      const named = (m: ClusterModel) => m.networks.find((n) => n.swarmId === swarmId && n.name === input.name);
      // A network removed a moment ago may still be in the model held (its event not read yet):
      // before refusing, the swarm's networks are read afresh.
      if (named(model)) {
        await this.cluster.confirmSwarms();
        model = await this.cluster.model();
      }
      const inSwarm = model.networks.filter((n) => n.swarmId === swarmId);
      const sameName = named(model);
      if (sameName) throw new ApiError('conflict', `a network named ${input.name} exists already`, { field: 'name', hint: 'Pick another name.' });
      if (input.subnet) {
        const clash = inSwarm.find((n) => n.subnets.some((s) => cidrsOverlap(s.subnet, input.subnet!)));
        if (clash) {
          const theirs = clash.subnets.find((s) => cidrsOverlap(s.subnet, input.subnet!))!.subnet;
          throw new ApiError('invalid-input', `subnet: ${input.subnet} overlaps ${theirs} of network ${clash.name}`, { field: 'subnet', hint: 'Pick a subnet that overlaps no other network, or leave it empty to let Docker choose.' });
        }
      }
      const session = await managerFor(this.hosts, this.cluster, input.swarm);
      const options: Record<string, string> = {};
      if (input.encrypted) options.encrypted = '';
      if (input.mtu) options['com.docker.network.driver.mtu'] = String(input.mtu);
      const created = await session.run((d) =>
        engineWrites.networkCreate(d, {
          Name: input.name,
          Driver: 'overlay',
          Attachable: input.attachable,
          Internal: input.internal,
          Options: options,
          Labels: input.labels,
          CheckDuplicate: true,
          IPAM: input.subnet ? { Driver: 'default', Config: [{ Subnet: input.subnet, Gateway: input.gateway, IPRange: input.ipRange }] } : undefined,
        }),
      );
      const args: CliArg[] = ['network', 'create', '--driver', 'overlay'];
      if (input.attachable) args.push('--attachable');
      if (input.internal) args.push('--internal');
      if (input.encrypted) args.push('--opt', 'encrypted');
      if (input.subnet) args.push('--subnet', input.subnet);
      if (input.gateway) args.push('--gateway', input.gateway);
      if (input.ipRange) args.push('--ip-range', input.ipRange);
      if (input.mtu) args.push('--opt', `com.docker.network.driver.mtu=${input.mtu}`);
      for (const [k, v] of Object.entries(input.labels ?? {})) args.push('--label', `${k}=${v}`);
      args.push(input.name);
      const note = input.encrypted ? ' Encrypted (IPsec): whether traffic really flows across hosts is for the checks to tell.' : '';
      return { id: created.Id ?? '', message: `Created overlay network ${input.name}.${note}`, commands: [dockerCommand(session.host, args)] };
    },

    'networks:inspect': async ({ network }) => {
      const model = await this.cluster.model();
      const known = model.networks.find((x) => x.name === network || x.id === network);
      const session = await managerFor(this.hosts, this.cluster, known?.swarmId);
      const n = await session.run((d) => engineApi.network(d, known?.id ?? network, true));
      const netId = n.Id ?? '';
      const view = model.networks.find((x) => x.id === netId);
      const swarmId = view?.swarmId ?? known?.swarmId ?? model.swarm?.id ?? '';
      const members = new Set(model.hosts.filter((h) => h.swarmId === swarmId).map((h) => h.hostId));
      const hosts = await Promise.all(
        this.hosts.connectedSessions().filter((s) => members.size === 0 || members.has(s.host.id)).map(async (s) => {
          const local = await s.run((d) => engineApi.network(d, netId)).catch(() => null);
          return {
            hostId: s.host.id,
            name: s.host.name,
            instantiated: Boolean(local),
            peers: (local?.Peers ?? []).map((p) => ({ name: p.Name, ip: p.IP })),
            containers: Object.values(local?.Containers ?? {}).map((c) => ({ name: c.Name ?? '', ip: String(c.IPv4Address ?? '').replace(/\/\d+$/, '') })),
          };
        }),
      );
      const services = Object.entries(n.Services ?? {}).map(([name, svc]) => ({
        name,
        vip: svc.VIP || undefined,
        tasks: (svc.Tasks ?? []).map((t) => ({ name: t.Name, ip: t.EndpointIP, hostIp: t.Info?.['Host IP'] })),
      }));
      const detail: NetworkDetail = { network: view ?? networkView(n, swarmId), hosts, services };
      return detail;
    },

    'networks:remove': async ({ network }) => {
      // Read afresh: a service attached a moment ago must still keep its network.
      await this.cluster.confirmSwarms();
      const model = await this.cluster.model();
      const target = model.networks.find((n) => n.name === network || n.id === network || n.id.startsWith(network));
      if (!target) throw new ApiError('not-found', `no overlay network ${network}`, { hint: 'Refresh the network list.' });
      const users = model.services.filter((s) => s.swarmId === target.swarmId && s.networkIds.includes(target.id)).map((s) => s.name);
      if (users.length) {
        throw new ApiError('conflict', `network ${target.name} is used by service${users.length > 1 ? 's' : ''} ${users.join(', ')}`, { hint: 'Detach those services from it (drag them off it on the map), or remove them, then remove the network.' });
      }
      const session = await managerFor(this.hosts, this.cluster, target.swarmId);
      await session.run((d) => engineWrites.networkRemove(d, target.id));
      return { message: `Removed network ${target.name}`, commands: [dockerCommand(session.host, ['network', 'rm', target.name])] };
    },
  };
}
