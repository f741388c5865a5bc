// Swarm operations: init, join (several hosts in parallel, after a port preflight), leave,
// token rotation, and node role/availability/labels/removal. Each result carries the docker
// CLI commands it equals. Join tokens are fetched from a manager and used, never returned,
// logged or put in a command.
import { isIP } from 'node:net';
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { EventSink } from '../../shared/events';
import type { CliCommand, JoinResult, OperationResult, PortCheck } from '../../shared/model';
import type { HostRecord } from '../hosts/host-record';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand, type CliArg } from './cli-equivalent';
import { hostAddresses } from './host-addresses';
import type { ClusterReader } from '../cluster/cluster-reader';
import { managerFor, type Info } from './managers';
import { engineApi } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';

type SwarmMethods = Pick<Handlers, 'hosts:addresses' | 'swarm:init' | 'swarm:join' | 'swarm:leave' | 'swarm:rotateTokens' | 'nodes:update' | 'nodes:remove'>;

const PREFLIGHT_TIMEOUT_MS = 5_000;

export class SwarmService {
  constructor(
    private readonly hosts: HostService,
    private readonly emit: EventSink,
    /** Runs a change so the cluster model pauses during it and catches up right after. */
    private readonly changing: <T>(operation: () => Promise<T>) => Promise<T>,
    private readonly cluster: Pick<ClusterReader, 'model' | 'manager'>,
  ) {}

  private info(session: HostSession): Promise<Info> {
    return session.run((d) => engineApi.info(d));
  }

  /** One read-modify-write of a node's spec, as `docker node update` does it. */
  private async updateNode(session: HostSession, nodeId: string, { role, availability, addLabels, removeLabels }: Omit<Parameters<Handlers['nodes:update']>[0], 'nodeId'>): Promise<OperationResult> {
    const node = await session.run((d) => engineApi.node(d, nodeId));
    const spec = { ...node.Spec, Labels: { ...(node.Spec?.Labels ?? {}) } };
    const args: CliArg[] = ['node', 'update'];
    if (role) {
      spec.Role = role;
      args.push('--role', role);
    }
    if (availability) {
      spec.Availability = availability;
      args.push('--availability', availability);
    }
    for (const [k, v] of Object.entries(addLabels ?? {})) {
      spec.Labels[k] = v;
      args.push('--label-add', `${k}=${v}`);
    }
    for (const k of removeLabels ?? []) {
      delete spec.Labels[k];
      args.push('--label-rm', k);
    }
    await session.run((d) => engineWrites.nodeUpdate(d, nodeId, node.Version?.Index ?? 0, spec));
    const name = node.Description?.Hostname ?? nodeId;
    const what = [role && `role ${role}`, availability && `availability ${availability}`, addLabels && `labels ${Object.keys(addLabels).join(', ')} set`, removeLabels && `labels ${removeLabels.join(', ')} removed`].filter(Boolean).join(', ');
    return { message: `${name}: ${what || 'nothing changed'}`, commands: [dockerCommand(session.host, [...args, nodeId])] };
  }

  /** A manager of the swarm this node is in (the first swarm when the model does not know the node). */
  private async managerOfNode(nodeId?: string): Promise<HostSession> {
    const swarmId = nodeId ? (await this.cluster.model()).nodes.find((n) => n.id === nodeId)?.swarmId : undefined;
    return managerFor(this.hosts, this.cluster, swarmId);
  }

  private progress(operation: string, hostId: string, phase: 'preflight' | 'working' | 'done' | 'failed', message: string): void {
    this.emit('operation:progress', { operation, hostId, phase, message });
  }

  /**
   * The address we reach the host at is the best advertise address: other hosts most likely
   * reach it there too. A direct connection to an IP literal says it without asking the host.
   */
  private async reachedAt(session: HostSession): Promise<string | undefined> {
    const host = session.host;
    if (host.kind === 'ssh' && !host.proxyJump && isIP(host.address)) return host.address;
    return (await hostAddresses(host, await session.connection())).find((a) => a.recommended)?.address;
  }

  private async preflight(session: HostSession, managerAddr: string): Promise<PortCheck[]> {
    const link = await session.connection();
    const tcp = async (port: number, purpose: string): Promise<PortCheck> => ({ port, protocol: 'tcp', purpose, ...(await link.tcpCheck(managerAddr, port, PREFLIGHT_TIMEOUT_MS)) });
    const checks = await Promise.all([tcp(2377, 'swarm management'), tcp(7946, 'node gossip')]);
    const untested = 'UDP cannot be tested from here; make sure the firewall lets it through';
    checks.push({ port: 7946, protocol: 'udp', purpose: 'node gossip', result: 'untested', detail: untested });
    checks.push({ port: 4789, protocol: 'udp', purpose: 'overlay data (VXLAN)', result: 'untested', detail: untested });
    return checks;
  }

  private async joinOne(join: { id: string; role: 'worker' | 'manager'; advertiseAddr?: string }, manager: { host: HostRecord; info: Info; nodeIds: Set<string>; tokens: { Worker: string; Manager: string }; addrs: string[] }): Promise<JoinResult> {
    const session = this.hosts.sessionById(join.id);
    const host = session.host;
    const base = { id: host.id, name: host.name, preflight: [] as PortCheck[], commands: [] as CliCommand[] };
    const fail = (message: string, hint?: string): JoinResult => {
      this.progress('swarm:join', host.id, 'failed', message);
      return { ...base, outcome: 'failed', message, hint };
    };
    try {
      this.progress('swarm:join', host.id, 'preflight', `checking that ${host.name} reaches the manager`);
      // What the host says about itself and whether it reaches the manager: asked together.
      const managerIp = manager.addrs[0].replace(/:\d+$/, '');
      const [info, preflight] = await Promise.all([this.info(session), this.preflight(session, managerIp)]);
      const swarm = info.Swarm ?? {};
      if (swarm.LocalNodeState === 'active') {
        // Only managers report the cluster id; a worker is ours if the manager lists its node.
        if (manager.nodeIds.has(swarm.NodeID ?? '')) {
          const message = `${host.name} is already in this swarm as a ${swarm.ControlAvailable ? 'manager' : 'worker'}: nothing to do`;
          this.progress('swarm:join', host.id, 'done', message);
          return { ...base, outcome: 'already-member', message, hint: swarm.ControlAvailable || join.role === 'worker' ? undefined : 'To make it a manager, promote its node.' };
        }
        return fail(`${host.name} is already in another swarm (as node ${swarm.NodeID})`, `Make it leave that swarm first (Leave swarm, or: ${dockerCommand(host, ['swarm', 'leave']).text}), then join again.`);
      }
      base.preflight = preflight;
      const blocked = base.preflight.filter((c) => c.protocol === 'tcp' && (c.result === 'refused' || c.result === 'timeout'));
      if (blocked.length > 0) {
        const what = blocked.map((c) => `${managerIp}:${c.port}/tcp (${c.purpose}): ${c.detail}`).join('; ');
        return fail(`${host.name} cannot reach the manager at ${what}`, `Open TCP ${blocked.map((c) => c.port).join(' and ')} on ${manager.host.name} (and any firewall between), and check that ${managerIp} is an address ${host.name} can reach; otherwise re-create the swarm with another advertise address.`);
      }
      const advertiseAddr = join.advertiseAddr ?? (await this.reachedAt(session));
      this.progress('swarm:join', host.id, 'working', `joining as ${join.role}`);
      await session.run((d) =>
        d.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: advertiseAddr, RemoteAddrs: manager.addrs, JoinToken: join.role === 'manager' ? manager.tokens.Manager : manager.tokens.Worker }),
      );
      const token: CliArg = { output: { host: manager.host, args: ['swarm', 'join-token', '-q', join.role] } };
      base.commands = [dockerCommand(host, ['swarm', 'join', '--token', token, ...(advertiseAddr ? ['--advertise-addr', advertiseAddr] : []), manager.addrs[0]])];
      const message = `${host.name} joined the swarm as a ${join.role}`;
      this.progress('swarm:join', host.id, 'done', message);
      return { ...base, outcome: 'joined', message };
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
      return fail(e.message, e.hint);
    }
  }

  readonly handlers: SwarmMethods = this.wrapChanges({
    'hosts:addresses': async ({ id }) => {
      const session = this.hosts.sessionById(id);
      return hostAddresses(session.host, await session.connection());
    },

    'swarm:init': async ({ id, advertiseAddr, dataPathAddr, dataPathPort, defaultAddrPool, subnetSize }) => {
      const session = this.hosts.sessionById(id);
      const info = await this.info(session);
      if (info.Swarm?.LocalNodeState === 'active') {
        throw new ApiError('conflict', `${session.name} is already in a swarm (cluster ${info.Swarm.Cluster?.ID ?? '?'})`, { hint: 'Join other hosts to it, or make this host leave it first.' });
      }
      await session.run((d) =>
        d.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: advertiseAddr, DataPathAddr: dataPathAddr, ...(dataPathPort ? { DataPathPort: dataPathPort } : {}), DefaultAddrPool: defaultAddrPool, SubnetSize: subnetSize }),
      );
      const args: CliArg[] = ['swarm', 'init', '--advertise-addr', advertiseAddr];
      if (dataPathAddr) args.push('--data-path-addr', dataPathAddr);
      if (dataPathPort) args.push('--data-path-port', String(dataPathPort));
      for (const pool of defaultAddrPool ?? []) args.push('--default-addr-pool', pool);
      if (subnetSize) args.push('--default-addr-pool-mask-length', String(subnetSize));
      return { message: `Created a swarm with ${session.name} as its first manager, advertising ${advertiseAddr}`, commands: [dockerCommand(session.host, args)] };
    },

    'swarm:join': async ({ managerId, joins }) => {
      const managerSession = this.hosts.sessionById(managerId);
      const info = await this.info(managerSession);
      if (!info.Swarm?.ControlAvailable) {
        throw new ApiError('conflict', `${managerSession.name} is not a swarm manager`, { hint: 'Pick a manager host, or create a swarm first.' });
      }
      // Tokens stay in this function: they go to the joining engines and nowhere else.
      const [swarm, nodes] = await managerSession.run((d) => Promise.all([engineApi.swarm(d), engineApi.nodes(d)]));
      const addrs = (info.Swarm.RemoteManagers ?? []).map((m) => String(m.Addr));
      const nodeIds = new Set(nodes.map((n) => n.ID ?? ''));
      const tokens = { Worker: swarm.JoinTokens?.Worker ?? '', Manager: swarm.JoinTokens?.Manager ?? '' };
      const manager = { host: managerSession.host, info, nodeIds, tokens, addrs: addrs.length ? addrs : [`${info.Swarm.NodeAddr}:2377`] };
      const results = await Promise.all(joins.map((j) => this.joinOne(j, manager)));
      return { results };
    },

    'swarm:leave': async ({ id, force }) => {
      const session = this.hosts.sessionById(id);
      const info = await this.info(session);
      if (info.Swarm?.LocalNodeState !== 'active') return { message: `${session.name} is not in a swarm: nothing to do`, commands: [] };
      if (info.Swarm.ControlAvailable && !force) {
        const last = (info.Swarm.Managers ?? 1) <= 1;
        throw new ApiError('conflict', last ? `${session.name} is the swarm's last manager: if it leaves, the swarm and all its services are gone` : `${session.name} is a manager: leaving weakens the swarm's quorum`, {
          hint: last ? 'Promote another node first, or confirm to leave anyway.' : 'Demote it first, or confirm to leave anyway.',
        });
      }
      const manager = Boolean(info.Swarm.ControlAvailable);
      await session.run((d) => d.swarmLeave({ force: manager ? true : force }));
      return { message: `${session.name} left the swarm`, commands: [dockerCommand(session.host, ['swarm', 'leave', ...(manager || force ? ['--force'] : [])])] };
    },

    'swarm:rotateTokens': async ({ worker, manager }) => {
      const session = await this.managerOfNode();
      const swarm = await session.run((d) => engineApi.swarm(d));
      await session.run((d) => engineWrites.swarmUpdate(d, swarm.Version?.Index ?? 0, swarm.Spec ?? {}, { worker, manager }));
      const commands = [...(worker ? ['worker'] : []), ...(manager ? ['manager'] : [])].map((role) => dockerCommand(session.host, ['swarm', 'join-token', '--rotate', '-q', role]));
      return { message: `Rotated the ${[worker && 'worker', manager && 'manager'].filter(Boolean).join(' and ')} join token${worker && manager ? 's' : ''}; the old ones no longer work`, commands };
    },

    'nodes:update': async ({ nodeId, role, availability, addLabels, removeLabels }) => {
      const session = await this.managerOfNode(nodeId);
      // A node whose status is changing (a manager just back, say) gets a new version between the
      // read and the write, and swarm refuses the write as "update out of sequence": read it
      // again and re-apply the same change, as optimistic-concurrency clients do on a conflict.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.updateNode(session, nodeId, { role, availability, addLabels, removeLabels });
        } catch (err) {
          if (attempt >= 3 || !/update out of sequence/i.test((err as Error).message)) throw err;
        }
      }
    },

    'nodes:remove': async ({ nodeId, force }) => {
      const session = await this.managerOfNode(nodeId);
      const node = await session.run((d) => engineApi.node(d, nodeId));
      if (node.Status?.State !== 'down' && !force) {
        throw new ApiError('conflict', `${node.Description?.Hostname ?? nodeId} is still up`, { hint: 'Make that host leave the swarm first (then remove its node), or confirm to remove it by force.' });
      }
      await session.run((d) => engineWrites.nodeRemove(d, nodeId, force));
      return { message: `Removed node ${node.Description?.Hostname ?? nodeId} from the swarm`, commands: [dockerCommand(session.host, ['node', 'rm', ...(force ? ['--force'] : []), nodeId])] };
    },
  });

  /** Every method but the read-only one changes the cluster. */
  private wrapChanges(m: SwarmMethods): SwarmMethods {
    return {
      'hosts:addresses': m['hosts:addresses'],
      'swarm:init': (input) => this.changing(() => m['swarm:init'](input)),
      'swarm:join': (input) => this.changing(() => m['swarm:join'](input)),
      'swarm:leave': (input) => this.changing(() => m['swarm:leave'](input)),
      'swarm:rotateTokens': (input) => this.changing(() => m['swarm:rotateTokens'](input)),
      'nodes:update': (input) => this.changing(() => m['nodes:update'](input)),
      'nodes:remove': (input) => this.changing(() => m['nodes:remove'](input)),
    };
  }
}
