// The cluster model held as caches per kind (informer-style): each host's engine info and
// containers, and per swarm its nodes, networks, services and tasks. Reads write objects into
// the stores; derive() works out what depends on several kinds at once (which swarm each host
// is in, which host each node runs on, stale nodes, the managers); drain() hands over what
// changed as one delta. The model itself is built only when asked, and kept until a change.
import { deriveRollout } from '../../shared/rollout';
import type { ClusterDelta, ClusterKind, ClusterMeta, ClusterPatches, ClusterRemoves, ClusterUpserts } from '../../shared/cluster-delta';
import type { ClusterHostView, ClusterModel, ContainerView, HostStatus, NetworkView, ServiceView, SwarmNodeView, SwarmView, TaskView } from '../../shared/model';
import type { Node, SystemInfo } from '../docker/engine-api';
import { hostView } from './adapters/host-adapter';
import { nodeView, type NodePlace } from './adapters/node-adapter';
import { KindStore } from './kind-store';

/** What the cache needs to know of the inventory: its hosts in order, and each one's status. */
export interface HostsSource {
  records(): { id: string; name: string }[];
  status(hostId: string): HostStatus;
}

type Stores = {
  swarms: KindStore<SwarmView>;
  hosts: KindStore<ClusterHostView>;
  nodes: KindStore<SwarmNodeView>;
  networks: KindStore<NetworkView>;
  services: KindStore<ServiceView>;
  tasks: KindStore<TaskView>;
  containers: KindStore<ContainerView>;
};

export class ClusterCache {
  readonly stores: Stores = {
    swarms: new KindStore<SwarmView>(),
    hosts: new KindStore<ClusterHostView>(),
    nodes: new KindStore<SwarmNodeView>({ swarm: (n) => n.swarmId }),
    networks: new KindStore<NetworkView>({ swarm: (n) => n.swarmId }),
    services: new KindStore<ServiceView>({ swarm: (s) => s.swarmId }),
    tasks: new KindStore<TaskView>({ swarm: (t) => t.swarmId, service: (t) => t.serviceId, node: (t) => t.nodeId }),
    containers: new KindStore<ContainerView>({ host: (c) => c.hostId }),
  };
  /** Each connected host's engine info as last read. */
  readonly infos = new Map<string, { info: SystemInfo; readAt: number }>();
  /** The engine's node objects, so their place can be worked out again when hosts change. */
  private readonly rawNodes = new Map<string, { node: Node; swarmId: string }>();
  /** Swarms read through one of their managers (and when each was created). */
  private readonly readable = new Map<string, string>();
  private meta: ClusterMeta = { swarm: null, noReachableManager: null, updatedAt: new Date().toISOString() };
  private metaChanged: Partial<ClusterMeta> = {};
  private built: ClusterModel | null = null;
  seq = 0;

  constructor(private readonly source: HostsSource) {}

  // ---- writes from reads --------------------------------------------------------------------

  putInfo(hostId: string, info: SystemInfo, readAt: number): void {
    const held = this.infos.get(hostId);
    if (held && held.readAt > readAt) return;
    this.infos.set(hostId, { info, readAt });
  }

  /** A swarm was read through one of its managers. */
  markReadable(swarmId: string, createdAt: string): void {
    this.readable.set(swarmId, createdAt);
  }

  /** No manager of this swarm answers: it leaves the model with everything in it. */
  markUnreadable(swarmId: string): void {
    this.readable.delete(swarmId);
  }

  isReadable(swarmId: string): boolean {
    return this.readable.has(swarmId);
  }

  /** When a swarm read so far was created (undefined before its first read). */
  createdAt(swarmId: string): string | undefined {
    return this.readable.get(swarmId);
  }

  putNode(node: Node, swarmId: string, readAt: number): boolean {
    const id = node.ID ?? '';
    const changed = this.stores.nodes.put(id, () => nodeView(node, swarmId, this.placeOf(node)), readAt, node.Version?.Index);
    const held = this.rawNodes.get(id);
    if (!held || (node.Version?.Index ?? 0) >= (held.node.Version?.Index ?? 0)) this.rawNodes.set(id, { node, swarmId });
    return changed;
  }

  removeNode(id: string, readAt: number): boolean {
    const gone = this.stores.nodes.remove(id, readAt);
    if (gone) this.rawNodes.delete(id);
    return gone;
  }

  // ---- derived state ------------------------------------------------------------------------

  /** Connected hosts that are managers, grouped by the swarm they manage, in inventory order. */
  managersBySwarm(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.source.records()) {
      if (this.source.status(r.id) !== 'connected') continue;
      const swarm = this.infos.get(r.id)?.info.Swarm;
      const id = swarm?.ControlAvailable ? swarm.Cluster?.ID : undefined;
      if (id) out.set(id, [...(out.get(id) ?? []), r.id]);
    }
    return out;
  }

  /** The swarm a connected host is a node of, as far as the hosts' own info and the nodes read tell. */
  private swarmOfHost(hostId: string, managers: Map<string, string[]>): string | undefined {
    const swarm = this.infos.get(hostId)?.info.Swarm;
    if (!swarm || swarm.LocalNodeState !== 'active') return undefined;
    if (swarm.ControlAvailable && swarm.Cluster?.ID) return swarm.Cluster.ID;
    const byNode = swarm.NodeID ? this.stores.nodes.get(swarm.NodeID)?.swarmId : undefined;
    if (byNode) return byNode;
    // A worker not listed yet (it joined a moment ago): its managers say which swarm it is in.
    const managerNodes = new Set((swarm.RemoteManagers ?? []).map((m) => m.NodeID));
    for (const [id, hostIds] of managers) if (hostIds.some((h) => managerNodes.has(this.infos.get(h)?.info.Swarm?.NodeID))) return id;
    return undefined;
  }

  private hostOfNode(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of this.source.records()) {
      if (this.source.status(r.id) !== 'connected') continue;
      const nodeId = this.infos.get(r.id)?.info.Swarm?.NodeID;
      if (nodeId) out.set(nodeId, r.id);
    }
    return out;
  }

  /** Where a node runs: an inventory host, or (when it is down and that host is elsewhere now) a stale leftover. */
  private placeOf(node: Node, hostOfNode = this.hostOfNode()): NodePlace {
    const id = node.ID ?? '';
    const hostId = hostOfNode.get(id);
    if (hostId) return { hostId };
    if (node.Status?.State !== 'down') return {};
    const hostname = node.Description?.Hostname;
    for (const r of this.source.records()) {
      const info = this.infos.get(r.id)?.info;
      if (this.source.status(r.id) === 'connected' && info && info.Name === hostname && info.Swarm?.NodeID !== id) return { stale: true, formerHostId: r.id };
    }
    return {};
  }

  /**
   * Works out everything that depends on several kinds: the swarms in the model, each host's
   * view, each node's place, and the model-wide fields. Objects of a swarm no longer readable,
   * and containers of hosts no longer connected, leave the model.
   */
  derive(): void {
    const records = this.source.records();
    const inInventory = new Set(records.map((r) => r.id));
    for (const id of [...this.infos.keys()]) if (!inInventory.has(id) || this.source.status(id) !== 'connected') this.infos.delete(id);
    const managers = this.managersBySwarm();
    for (const id of [...this.readable.keys()]) if (!managers.has(id)) this.readable.delete(id);

    // Swarms, in inventory order of their first manager.
    const names = new Map(records.map((r) => [r.id, r.name]));
    const swarmViews: SwarmView[] = [];
    for (const [id, hostIds] of managers) {
      const createdAt = this.readable.get(id);
      if (createdAt === undefined) continue;
      swarmViews.push({ id, createdAt, managerHostIds: hostIds, name: names.get(hostIds[0]) ?? id.slice(0, 12) });
    }
    const live = new Set(swarmViews.map((s) => s.id));
    for (const s of swarmViews) this.stores.swarms.put(s.id, () => s, performance.now());
    for (const key of [...this.stores.swarms.keys()]) if (!live.has(key)) this.dropSwarm(key);

    // Hosts.
    for (const r of records) {
      const connected = this.source.status(r.id) === 'connected';
      const info = connected ? this.infos.get(r.id)?.info : undefined;
      const swarmId = connected ? this.swarmOfHost(r.id, managers) : undefined;
      this.stores.hosts.put(r.id, () => hostView({ id: r.id, name: r.name, status: this.source.status(r.id) }, info, swarmId && live.has(swarmId) ? swarmId : undefined), performance.now());
      if (!connected) for (const key of this.stores.containers.keysIn('host', r.id)) this.stores.containers.drop(key);
    }
    for (const key of [...this.stores.hosts.keys()]) {
      if (inInventory.has(key)) continue;
      this.stores.hosts.drop(key);
      for (const c of this.stores.containers.keysIn('host', key)) this.stores.containers.drop(c);
    }

    // Nodes: which host each runs on, and which are stale.
    const hostOfNode = this.hostOfNode();
    for (const [id, { node, swarmId }] of this.rawNodes) {
      if (!live.has(swarmId)) continue;
      this.stores.nodes.restate(id, () => nodeView(node, swarmId, this.placeOf(node, hostOfNode)));
    }

    // Hosts in a swarm none of whose managers answers.
    const stranded = records.filter((r) => this.source.status(r.id) === 'connected' && this.infos.get(r.id)?.info.Swarm?.LocalNodeState === 'active' && !live.has(this.swarmOfHost(r.id, managers) ?? ''));
    const noReachableManager = stranded.length
      ? { hostIds: stranded.map((r) => r.id), managerAddrs: [...new Set(stranded.flatMap((r) => (this.infos.get(r.id)?.info.Swarm?.RemoteManagers ?? []).map((m) => String(m.Addr))))] }
      : null;
    this.setMeta({ swarm: swarmViews[0] ?? null, noReachableManager });
  }

  private dropSwarm(swarmId: string): void {
    this.stores.swarms.drop(swarmId);
    this.readable.delete(swarmId);
    for (const kind of ['nodes', 'networks', 'services', 'tasks'] as const) {
      for (const key of this.stores[kind].keysIn('swarm', swarmId)) this.stores[kind].drop(key);
    }
    for (const [id, n] of this.rawNodes) if (n.swarmId === swarmId) this.rawNodes.delete(id);
  }

  private setMeta(next: Pick<ClusterMeta, 'swarm' | 'noReachableManager'>): void {
    for (const k of ['swarm', 'noReachableManager'] as const) {
      if (JSON.stringify(next[k]) === JSON.stringify(this.meta[k])) continue;
      this.meta = { ...this.meta, [k]: next[k] };
      this.metaChanged = { ...this.metaChanged, [k]: next[k] };
    }
  }

  // ---- out ----------------------------------------------------------------------------------

  /** What changed since the last delta, as the next one (seq taken), or null when nothing did. */
  drain(): ClusterDelta | null {
    const upserts: ClusterUpserts = {};
    const patches: ClusterPatches = {};
    const removes: ClusterRemoves = {};
    let changed = Object.keys(this.metaChanged).length > 0;
    for (const kind of Object.keys(this.stores) as ClusterKind[]) {
      const d = this.stores[kind].drain();
      if (!d) continue;
      changed = true;
      if (d.upserts.length) (upserts as Record<ClusterKind, unknown[]>)[kind] = d.upserts;
      if (d.patches.length) (patches as Record<ClusterKind, unknown[]>)[kind] = d.patches;
      if (d.removes.length) removes[kind] = d.removes;
    }
    if (!changed) return null;
    this.built = null;
    this.seq += 1;
    this.meta = { ...this.meta, updatedAt: new Date().toISOString() };
    const meta = { ...this.metaChanged, updatedAt: this.meta.updatedAt };
    this.metaChanged = {};
    return { seq: this.seq, ...(Object.keys(upserts).length ? { upserts } : {}), ...(Object.keys(patches).length ? { patches } : {}), ...(Object.keys(removes).length ? { removes } : {}), meta };
  }

  /** The whole model as of the last delta drained. */
  model(): ClusterModel {
    if (this.built) return this.built;
    const s = this.stores;
    const { swarm, noReachableManager, updatedAt } = this.meta;
    this.built = {
      swarm,
      ...(noReachableManager ? { noReachableManager } : {}),
      swarms: [...s.swarms.values()],
      hosts: [...s.hosts.values()],
      nodes: [...s.nodes.values()],
      networks: [...s.networks.values()],
      ...deriveRollout([...s.services.values()], [...s.tasks.values()]),
      containers: [...s.containers.values()],
      updatedAt,
      seq: this.seq,
    };
    return this.built;
  }
}
