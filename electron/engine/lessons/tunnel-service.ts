// The tunnel lesson's measurements: an overlay's VXLAN device on every node, read in the
// overlay's own namespace by the helper (lesson-helper.ts) over each node's SSH connection. Once
// (VNI, UDP port, outer addresses, counters) or as a watch whose samples stream as events, one
// per node per second, until stopped or until the helpers' own time limit.
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { EventSink } from '../../shared/events';
import type { TunnelNode, TunnelReading } from '../../shared/lessons';
import type { ClusterModel, CliCommand, NetworkView } from '../../shared/model';
import { pickHelperImage } from '../checks/probe-runner';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { pickManager } from '../swarm/managers';
import { engineApi } from '../docker/engine-api';
import { helperCommand, onNodeCommand, removeHelpers, runHelper, streamHelper, type StreamingHelper } from './lesson-helper';
import { TickParser, netnsKey, parseTunnelFacts, tunnelArgv } from './tunnel-script';

type TunnelMethods = Pick<Handlers, 'lessons:tunnel' | 'lessons:tunnelWatch' | 'lessons:tunnelWatchStop'>;

interface Watch {
  helpers: StreamingHelper[];
}

export class TunnelService {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly hosts: HostService,
    private readonly model: (fresh?: boolean) => Promise<ClusterModel>,
    private readonly emit: EventSink,
  ) {}

  private async network(ref: string): Promise<{ model: ClusterModel; network: NetworkView }> {
    const find = (m: ClusterModel) => m.networks.find((n) => n.name === ref || n.id === ref);
    let model = await this.model();
    let network = find(model);
    if (!network) network = find((model = await this.model(true)));
    if (!network || network.driver !== 'overlay') throw new ApiError('not-found', `no overlay network ${ref}`, { field: 'network', hint: 'Create it first (the lesson’s first step), or pick one from the Networks page.' });
    return { model, network };
  }

  /** The swarm's nodes among the connected hosts: where a helper can run. */
  private members(model: ClusterModel): { session: HostSession; node?: string }[] {
    const inSwarm = new Map(model.nodes.filter((n) => n.hostId).map((n) => [n.hostId!, n.hostname]));
    return this.hosts
      .connectedSessions()
      .filter((s) => inSwarm.has(s.host.id))
      .map((session) => ({ session, node: inSwarm.get(session.host.id) }));
  }

  /** Docker's own view, for nodes without iproute2: VNI, data path port, peers. */
  private async dockerView(networkId: string): Promise<{ vni?: number; port: number }> {
    const { session } = await pickManager(this.hosts);
    const [n, swarm] = await Promise.all([session.run((d) => engineApi.network(d, networkId)), session.run((d) => engineApi.swarm(d))]);
    const vni = Number(String(n.Options?.['com.docker.network.driver.overlay.vxlanid_list'] ?? '').split(',')[0]);
    return { vni: Number.isFinite(vni) && vni > 0 ? vni : undefined, port: Number(swarm.DataPathPort) || 4789 };
  }

  private async readNode(session: HostSession, node: string | undefined, network: NetworkView, ipsec: boolean, docker: () => Promise<{ vni?: number; port: number }>): Promise<TunnelNode> {
    const base: TunnelNode = { hostId: session.host.id, host: session.host.name, node, present: false, source: 'kernel', devices: [], peers: [] };
    try {
      const image = await pickHelperImage(session);
      const facts = parseTunnelFacts(await runHelper(session, image, tunnelArgv('facts', [network.id], { ipsec })), network.id);
      if (facts.error) return { ...base, helperImage: image, error: facts.error };
      const out: TunnelNode = { ...base, helperImage: image, present: facts.present, devices: facts.devices, peers: facts.peers, vni: facts.vni, udpPort: facts.udpPort, ipsec: facts.ipsec };
      if (facts.present && (!facts.tools.ip || !facts.tools.bridge)) {
        // No iproute2 on the node: Docker's values, and its gossip peers as outer destinations.
        const view = await docker();
        const local = await session.run((d) => engineApi.network(d, network.id, true)).catch(() => null);
        const self = local?.Peers?.find((p) => p.Name === node);
        out.source = 'docker';
        out.vni ??= view.vni;
        out.udpPort ??= view.port;
        if (!facts.tools.bridge) out.peers = (local?.Peers ?? []).filter((p) => p !== self).map((p) => ({ dst: String(p.IP), src: self?.IP, macs: 0 }));
      }
      return out;
    } catch (err) {
      return { ...base, error: err instanceof ApiError ? `${err.message}${err.hint ? `. ${err.hint}` : ''}` : String(err) };
    }
  }

  async read(ref: string, ipsec: boolean): Promise<TunnelReading> {
    const { model, network } = await this.network(ref);
    let docker: Promise<{ vni?: number; port: number }> | undefined;
    const dockerOnce = () => (docker ??= this.dockerView(network.id));
    const members = this.members(model);
    const nodes = await Promise.all(members.map(({ session, node }) => this.readNode(session, node, network, ipsec, dockerOnce)));
    const dockerVni = (await dockerOnce().catch(() => undefined))?.vni;
    const commands: CliCommand[] = [];
    for (const n of nodes.filter((x) => x.present)) {
      const session = members.find((m) => m.session.host.id === n.hostId)!.session;
      commands.push(helperCommand(session, n.helperImage ?? 'busybox', network.id));
      // What the helper reads, typed on the node itself (as root, with iproute2).
      const ns = `/var/run/docker/netns/1-${netnsKey(network.id)}`;
      commands.push(onNodeCommand(session, `nsenter --net=${ns} ip -s -d link show type vxlan`));
      commands.push(onNodeCommand(session, `nsenter --net=${ns} bridge fdb show dev vxlan0`));
      if (ipsec) commands.push(onNodeCommand(session, 'ip -s xfrm state; ip xfrm policy; cat /proc/net/xfrm_stat'));
    }
    return { network: { id: network.id, name: network.name, encrypted: network.encrypted, dockerVni }, nodes, commands, readAt: new Date().toISOString() };
  }

  async watch(ref: string, seconds: number, ipsec: boolean): Promise<{ watchId: string; hosts: { hostId: string; host: string }[] }> {
    const { model, network } = await this.network(ref);
    const watchId = randomUUID();
    const watch: Watch = { helpers: [] };
    this.watches.set(watchId, watch);
    const started: { hostId: string; host: string }[] = [];
    await Promise.all(
      this.members(model).map(async ({ session }) => {
        const image = await pickHelperImage(session).catch(() => null);
        if (!image) return;
        const parser = new TickParser();
        let seq = 0;
        const helper = await streamHelper(session, image, tunnelArgv('watch', [network.id], { seconds, ipsec }), (line) => {
          const tick = parser.push(line);
          if (!tick || !this.watches.has(watchId)) return;
          const devices = tick.devices.get(netnsKey(network.id)) ?? [];
          this.emit('lessons:tunnelSample', { watchId, networkId: network.id, hostId: session.host.id, hostName: session.host.name, seq: ++seq, uptime: tick.uptime, devices, ipsec: tick.ipsec });
        }).catch(() => null);
        if (!helper) return;
        watch.helpers.push(helper);
        started.push({ hostId: session.host.id, host: session.host.name });
      }),
    );
    if (!this.watches.has(watchId)) await Promise.all(watch.helpers.map((h) => h.stop()));
    else void Promise.all(watch.helpers.map((h) => h.done)).then(() => this.watches.delete(watchId));
    if (!started.length) throw new ApiError('not-found', 'no node could start the tunnel helper', { hint: 'Each node needs an image with sh and nsenter (busybox, alpine or nicolaka/netshoot) and must allow --pid host with SYS_ADMIN.' });
    return { watchId, hosts: started };
  }

  async stop(watchId: string): Promise<boolean> {
    const watch = this.watches.get(watchId);
    this.watches.delete(watchId);
    if (watch) await Promise.all(watch.helpers.map((h) => h.stop()));
    return Boolean(watch);
  }

  /** Stops every watch and removes every helper on every connected node (what cleanup calls). */
  async stopAll(): Promise<string[]> {
    await Promise.all([...this.watches.keys()].map((id) => this.stop(id)));
    const removed = await Promise.all(this.hosts.connectedSessions().map((s) => removeHelpers(s).then((names) => names.map((n) => `${s.host.name}: helper ${n}`), () => [])));
    return removed.flat();
  }

  dispose(): void {
    for (const w of this.watches.values()) for (const h of w.helpers) void h.stop();
    this.watches.clear();
  }

  readonly handlers: TunnelMethods = {
    'lessons:tunnel': ({ network, ipsec }) => this.read(network, ipsec),
    'lessons:tunnelWatch': ({ network, seconds, ipsec }) => this.watch(network, seconds, ipsec),
    'lessons:tunnelWatchStop': async ({ watchId }) => ({ stopped: await this.stop(watchId) }),
  };
}
