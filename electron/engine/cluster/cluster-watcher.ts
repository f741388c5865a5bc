// Keeps the cluster model current the way Kubernetes informers do: list once, then watch. One
// full read at start; then each host's `docker events` names the object that changed, and only
// that object is read again (a container, a service and its tasks, a node, a network). A stream
// that (re)opens re-reads what it covers, and a slow jittered timer re-reads each host and each
// swarm as a safety net. Every change leaves as a numbered delta (cluster:changed).
import type { EventSink } from '../../shared/events';
import type { ClusterModel } from '../../shared/model';
import type { EventMessage } from '../docker/engine-api';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { impliedContainerState, impliedTaskState, touched } from './adapters/event-adapter';
import { ClusterCache } from './cluster-cache';
import { containerKey, readContainer, readHostInfo, readHostState, readNetwork, readNode, readServices, readSwarm, readTasks } from './cluster-reads';
import { EventStreams } from './event-streams';
import { ConfirmPacer } from './confirm-pacer';
import { ReadQueue } from './read-queue';

/** Each host and each swarm is read again in full every RESYNC_MS, give or take half of JITTER_MS. */
const RESYNC_MS = 30_000;
const JITTER_MS = 20_000;
const TICK_MS = 1_000;
/** How long the first read waits for hosts still connecting. */
const FIRST_READ_WAIT_MS = 5_000;
const READS_AT_ONCE = 16;
// A container event comes from the node; the manager hears of the task's new state a moment
// later, and no event says when. Until it shows, the service's tasks are read again after the
// confirm pauses (confirm-pacer.ts). On the lab the manager's own API shows a killed task stopped
// after ~190 ms (p95 ~250), so the first half second is read nearly back to back: the sparser
// 50, 150, 400 ms… schedule showed it up to ~150 ms after the manager knew. One service's tasks
// are a cheap read, and one re-read serves every task of the service that waits.
const STOPPED = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove']);

export class ClusterWatcher {
  readonly cache: ClusterCache;
  private readonly streams: EventStreams;
  private readonly reads: ReadQueue;
  private readonly emitChanged: (delta: ReturnType<ClusterCache['drain']>) => void;
  private loadedOnce = false;
  private readonly loaded: Promise<void>;
  private markLoaded!: () => void;
  private resyncing: Promise<void> | null = null;
  private resyncAgain = false;
  /** Swarm operations under way: targeted reads wait, and one full read follows. */
  private busy = 0;
  private readonly due = new Map<string, number>();
  private ticker: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  private needsDerive = false;
  private stopped = false;
  /** When to read a container or a service's tasks again, until they show what an event implied. */
  private readonly confirms = new ConfirmPacer();
  /** Per container key, what its latest event implies; an object per event, so a read can tell it is still the latest. */
  private readonly containerExpects = new Map<string, { implied: ReturnType<typeof impliedContainerState> }>();
  /** Task id → the state its container's last event implies, until the manager shows it. */
  private readonly expected = new Map<string, { state: 'running' | 'stopped'; swarmId: string; serviceId: string }>();

  constructor(
    private readonly hosts: HostService,
    emit: EventSink,
  ) {
    this.cache = new ClusterCache({ records: () => hosts.records(), status: (id) => hosts.sessionById(id).status });
    this.emitChanged = (delta) => delta && emit('cluster:changed', delta);
    this.reads = new ReadQueue(
      READS_AT_ONCE,
      () => this.scheduleFlush(),
      (key, err, retrying) => !this.stopped && console.warn(`[cluster] read ${key} failed: ${(err as Error)?.message ?? err}${retrying ? '; trying again' : '; the periodic re-read will mend it'}`),
    );
    this.streams = new EventStreams({
      opened: (session) => this.streamOpened(session),
      event: (session, e) => this.onEvent(session, e),
      ended: () => this.poke(),
    });
    this.loaded = new Promise((resolve) => (this.markLoaded = resolve));
  }

  start(): void {
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
    // The first read waits for the hosts that are connecting (a few seconds at most), so the
    // first model is whole rather than a list of hosts still connecting.
    this.connectingSettled()
      .then(() => this.resync())
      .catch(() => {})
      .finally(() => {
        this.loadedOnce = true;
        this.markLoaded();
      });
  }

  private async connectingSettled(): Promise<void> {
    const deadline = performance.now() + FIRST_READ_WAIT_MS;
    const connecting = () => this.hosts.records().some((r) => this.hosts.sessionById(r.id).status === 'connecting');
    while (!this.stopped && connecting() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * The model as held now; null before the first read has finished. What changed since the
   * last delta is sent first, so the model handed out is exactly the one at its seq: the next
   * delta's patches start from it.
   */
  current(): ClusterModel | null {
    if (!this.loadedOnce) return null;
    this.flush();
    return this.cache.model();
  }

  /** The model as held (see current()), once the first read has finished. */
  async model(): Promise<ClusterModel> {
    await this.loaded;
    this.flush();
    return this.cache.model();
  }

  /** Reads the whole cluster again, diffs it into the caches, and returns the model. */
  async snapshot(): Promise<ClusterModel> {
    await this.resync();
    this.flush();
    return this.cache.model();
  }

  /**
   * Runs a cluster-changing operation without reads in between: a swarm init or join emits a
   * burst of events, and reading the engines meanwhile only competes with the operation for
   * their locks. One full read follows when the operation ends.
   */
  async during<T>(operation: () => Promise<T>): Promise<T> {
    this.busy += 1;
    this.reads.pause();
    try {
      return await operation();
    } finally {
      this.busy -= 1;
      this.reads.resume(this.busy === 0);
      if (this.busy === 0) this.resync().catch(() => {});
    }
  }

  /** A host's connection changed (or the inventory did): streams follow, views are worked out again. */
  poke(): void {
    if (this.stopped) return;
    this.streams.keepOnly(new Set(this.hosts.connectedSessions().map((s) => s.host.id)));
    // Before the first read, that read opens the streams and reads every host itself.
    if (this.loadedOnce) void this.streams.ensure(this.hosts.connectedSessions());
    this.needsDerive = true;
    this.scheduleFlush();
  }

  // ---- managers ---------------------------------------------------------------------------

  /**
   * Connected manager hosts of a swarm, best first: from node state (reachable managers, the
   * leader first), then any host whose engine says it manages that swarm.
   */
  managerSessions(swarmId: string): HostSession[] {
    const connected = new Map(this.hosts.connectedSessions().map((s) => [s.host.id, s]));
    const fromNodes = this.cache.stores.nodes
      .keysIn('swarm', swarmId)
      .map((k) => this.cache.stores.nodes.get(k)!)
      .filter((n) => n.role === 'manager' && n.reachability === 'reachable' && n.hostId && connected.has(n.hostId))
      .sort((a, b) => Number(b.leader) - Number(a.leader))
      .map((n) => n.hostId!);
    const fromInfo = this.cache.managersBySwarm().get(swarmId) ?? [];
    return [...new Set([...fromNodes, ...fromInfo])].map((id) => connected.get(id)!).filter(Boolean);
  }

  /** A manager of the given swarm (default: the first swarm), from the cache; undefined when none is known. */
  manager(swarmId?: string): HostSession | undefined {
    const id = swarmId ?? this.cache.model().swarm?.id;
    return id ? this.managerSessions(id)[0] : undefined;
  }

  private async withManager(swarmId: string, read: (m: HostSession) => Promise<void>): Promise<void> {
    for (const m of this.managerSessions(swarmId)) {
      try {
        await read(m);
        return;
      } catch {
        // that manager is going away: try the next
      }
    }
    // No manager answered: a full read of the swarm finds out what is left.
    this.reads.request(`sw:${swarmId}`, () => this.resyncSwarm(swarmId));
  }

  // ---- what consumers confirm before they act ----------------------------------------------

  /** Reads these services (names or ids) and their tasks afresh; unknown ones make their swarms be read whole. */
  async confirmServices(refs: string[]): Promise<void> {
    await this.loaded;
    const bySwarm = new Map<string, string[]>();
    let unknown = false;
    for (const ref of refs) {
      const s = [...this.cache.stores.services.values()].find((x) => x.id === ref || x.name === ref);
      if (!s) unknown = true;
      else bySwarm.set(s.swarmId, [...(bySwarm.get(s.swarmId) ?? []), s.id]);
    }
    if (unknown) await Promise.all(this.cache.model().swarms.map((s) => this.resyncSwarm(s.id)));
    else await Promise.all([...bySwarm].map(([swarmId, ids]) => this.withManager(swarmId, (m) => readServices(this.cache, swarmId, m, ids))));
    this.flush();
  }

  /** Reads every swarm's networks, services and tasks afresh (before refusing or allowing a change by name). */
  async confirmSwarms(): Promise<void> {
    await this.loaded;
    await Promise.all(this.cache.model().swarms.map((s) => this.resyncSwarm(s.id)));
    this.flush();
  }

  /** Reads tasks whose id starts with this afresh (a console about to open in one). */
  async confirmTask(idPrefix: string): Promise<void> {
    await this.loaded;
    await Promise.all(this.cache.model().swarms.map((s) => this.withManager(s.id, (m) => readTasks(this.cache, s.id, m, [idPrefix]))));
    this.flush();
  }

  // ---- full reads -------------------------------------------------------------------------

  private resync(): Promise<void> {
    if (this.resyncing) {
      this.resyncAgain = true;
      return this.resyncing;
    }
    this.resyncing = (async () => {
      try {
        const sessions = this.hosts.connectedSessions();
        // Streams first, so nothing that happens during the read goes unseen.
        await this.streams.ensure(sessions, { quiet: true });
        await Promise.all(sessions.map((s) => readHostState(this.cache, s).catch(() => {})));
        this.cache.derive();
        await Promise.all([...this.cache.managersBySwarm().keys()].map((id) => this.resyncSwarm(id)));
        this.cache.derive();
        this.flush();
      } finally {
        this.resyncing = null;
        if (this.resyncAgain) {
          this.resyncAgain = false;
          this.resync().catch(() => {});
        }
      }
    })();
    return this.resyncing;
  }

  private async resyncSwarm(swarmId: string): Promise<void> {
    this.due.set(`sw:${swarmId}`, nextDue());
    for (const m of this.managerSessions(swarmId)) {
      try {
        await readSwarm(this.cache, swarmId, m);
        this.needsDerive = true;
        return;
      } catch {
        // try the next manager
      }
    }
    this.cache.markUnreadable(swarmId);
    this.needsDerive = true;
  }

  /** A host's stream (re)opened: what it covers is read again (its containers; its swarm when it manages one). */
  private streamOpened(session: HostSession): void {
    const id = session.host.id;
    this.reads.request(`h:${id}`, async () => {
      await readHostState(this.cache, session);
      this.due.set(`h:${id}`, nextDue());
      this.cache.derive();
      const swarm = this.cache.infos.get(id)?.info.Swarm;
      const swarmId = swarm?.ControlAvailable ? swarm.Cluster?.ID : undefined;
      // Several managers reopening at once make one read of their swarm.
      if (swarmId) this.reads.request(`sw:${swarmId}`, () => this.resyncSwarm(swarmId));
      this.needsDerive = true;
    });
  }

  /** Every second: hosts and swarms whose time has come are read again; streams are reopened. */
  private tick(): void {
    if (this.stopped || !this.loadedOnce || this.busy) return;
    const now = performance.now();
    const sessions = this.hosts.connectedSessions();
    void this.streams.ensure(sessions);
    for (const s of sessions) {
      const key = `h:${s.host.id}`;
      const due = this.due.get(key);
      if (due === undefined) this.due.set(key, nextDue());
      else if (now >= due || !this.cache.infos.has(s.host.id)) {
        this.due.set(key, nextDue());
        this.reads.request(key, async () => {
          await readHostState(this.cache, s);
          this.needsDerive = true;
        });
      }
    }
    for (const swarmId of this.cache.managersBySwarm().keys()) {
      const key = `sw:${swarmId}`;
      const due = this.due.get(key);
      if (due === undefined && this.cache.isReadable(swarmId)) this.due.set(key, nextDue());
      else if (due === undefined || now >= due) {
        this.due.set(key, nextDue());
        this.reads.request(key, () => this.resyncSwarm(swarmId));
      }
    }
  }

  // ---- events -----------------------------------------------------------------------------

  private onEvent(session: HostSession, e: EventMessage): void {
    const t = touched(e);
    if (!t || this.stopped) return;
    const hostId = session.host.id;
    const managed = this.cache.infos.get(hostId)?.info.Swarm;
    const swarmOfSender = managed?.ControlAvailable ? managed.Cluster?.ID : undefined;
    if (t.kind !== 'container' && !swarmOfSender) {
      // Swarm news from a host not known as a manager: it just created or joined a swarm.
      this.hostChanged(session);
      return;
    }
    switch (t.kind) {
      case 'container': {
        this.containerEvent(session, t.id, impliedContainerState(t.action));
        if (!t.serviceId) return;
        const swarmId = this.cache.stores.services.get(t.serviceId)?.swarmId ?? this.cache.stores.hosts.get(hostId)?.swarmId;
        if (!swarmId) return;
        const state = impliedTaskState(t.action);
        if (state && t.taskId) {
          this.expected.set(t.taskId, { state, swarmId, serviceId: t.serviceId });
          this.confirms.restart(serviceConfirmKey(t.serviceId));
        }
        this.readService(swarmId, t.serviceId);
        return;
      }
      case 'service':
        if (swarmOfSender) this.readService(swarmOfSender, t.id);
        return;
      case 'node': {
        if (!swarmOfSender) return;
        const swarmId = swarmOfSender;
        this.reads.request(`n:${swarmId}:${t.id}`, async () => {
          await this.withManager(swarmId, (m) => readNode(this.cache, swarmId, m, t.id));
          // A node's role or membership changed: its host's own view of the swarm did too.
          const known = this.cache.stores.nodes.get(t.id)?.hostId;
          const hostIds = known ? [known] : this.hosts.connectedSessions().filter((s) => !this.cache.stores.hosts.get(s.host.id)?.swarmId).map((s) => s.host.id);
          await Promise.all(hostIds.map((id) => readHostInfo(this.cache, this.hosts.sessionById(id)).catch(() => {})));
          this.needsDerive = true;
        });
        return;
      }
      case 'network':
        if (swarmOfSender) this.reads.request(`net:${swarmOfSender}:${t.id}`, () => this.withManager(swarmOfSender, (m) => readNetwork(this.cache, swarmOfSender, m, t.id)));
        return;
      case 'daemon':
        this.hostChanged(session);
        return;
    }
  }

  /** Reads a host again; when it manages a swarm the model has not read yet, that swarm too. */
  private hostChanged(session: HostSession): void {
    const id = session.host.id;
    this.reads.request(`h:${id}`, async () => {
      await readHostState(this.cache, session);
      this.cache.derive();
      const swarm = this.cache.infos.get(id)?.info.Swarm;
      if (swarm?.ControlAvailable && swarm.Cluster?.ID && !this.cache.isReadable(swarm.Cluster.ID)) await this.resyncSwarm(swarm.Cluster.ID);
      this.needsDerive = true;
    });
  }

  private readService(swarmId: string, serviceId: string): void {
    this.reads.request(`s:${swarmId}:${serviceId}`, async () => {
      await this.withManager(swarmId, (m) => readServices(this.cache, swarmId, m, [serviceId]));
      this.checkExpected(serviceId);
    });
  }

  /**
   * A container's event, into the model. dockerd stops a container, announces `die`, then
   * releases its network and mounts, and only then updates the list reads come from (moby's
   * exit handler: SetStopped, the event, Cleanup, CheckpointTo); on an overlay that takes up to
   * ~200 ms here. The event is the newer truth: the held container is shown stopped at once, and
   * the container is read (again after the confirm pauses) until its listing agrees; a listing
   * that still contradicts the event is not written. The last try is written whatever it says.
   */
  private containerEvent(session: HostSession, id: string, implied: ReturnType<typeof impliedContainerState>): void {
    const key = containerKey(session.host.id, id);
    const held = this.cache.stores.containers.get(key);
    if (implied === 'stopped' && held?.state === 'running' && this.cache.stores.containers.put(key, () => ({ ...held, state: 'exited' }), performance.now())) this.scheduleFlush();
    this.containerExpects.set(key, { implied });
    this.confirms.restart(key);
    this.confirmContainer(session, id);
  }

  private confirmContainer(session: HostSession, id: string): void {
    const key = containerKey(session.host.id, id);
    this.reads.request(`c:${key}`, async () => {
      const expect = this.containerExpects.get(key);
      const implied = expect?.implied;
      const last = !implied || this.confirms.exhausted(key);
      const agrees = (state: string | undefined) => (implied === 'gone' ? state === undefined : implied === 'running' ? state === 'running' : state !== 'running');
      const written = await readContainer(this.cache, session, id, last ? undefined : agrees);
      // Only the latest event's expectation is followed: a start soon followed by a death must
      // not keep reading for "running" (the newer event restarted the pauses and reads itself).
      if (this.containerExpects.get(key) !== expect) return;
      if (written || last || !this.confirms.again(key, () => this.confirmContainer(session, id))) {
        this.containerExpects.delete(key);
        this.confirms.end(key);
      }
    });
  }

  /** Tasks whose manager-side state still trails what their container did: their service is read again after the next pause. */
  private checkExpected(serviceId: string): void {
    let swarmId: string | undefined;
    for (const [taskId, x] of this.expected) {
      if (x.serviceId !== serviceId) continue;
      const task = this.cache.stores.tasks.get(taskId);
      const shown = x.state === 'running' ? task?.state === 'running' : !task || STOPPED.has(task.state);
      if (shown) this.expected.delete(taskId);
      else swarmId = x.swarmId;
    }
    const key = serviceConfirmKey(serviceId);
    if (swarmId === undefined) return this.confirms.end(key);
    const waiting = swarmId;
    if (this.confirms.again(key, () => this.readService(waiting, serviceId))) return;
    // The pauses are used up: the periodic re-read mends what is still behind.
    for (const [taskId, x] of this.expected) if (x.serviceId === serviceId) this.expected.delete(taskId);
  }

  // ---- out --------------------------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.flushScheduled || this.stopped) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Sends what changed since the last delta (after working out derived state if needed). */
  private flush(): void {
    if (this.stopped) return;
    if (this.needsDerive) {
      this.needsDerive = false;
      this.cache.derive();
    }
    this.emitChanged(this.cache.drain());
  }

  stop(): void {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.streams.stop();
    this.reads.clear();
    this.confirms.stop();
  }
}

/** A service's confirm pauses, apart from containers' (keyed by host and container id). */
const serviceConfirmKey = (serviceId: string) => `service:${serviceId}`;

function nextDue(): number {
  return performance.now() + RESYNC_MS + (Math.random() - 0.5) * JITTER_MS;
}
