// Keeps one model of the whole cluster current: a snapshot, then `docker events` from every
// connected host (each event triggers a fresh read, coalesced), a re-read whenever a host's
// connection changes, and a slow periodic read as a safety net (node heartbeats, missed events).
import type { Readable } from 'node:stream';
import type { EventSink } from '../../shared/events';
import type { ClusterModel } from '../../shared/model';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { readCluster } from './cluster-snapshot';

const COALESCE_MS = 50;
const SAFETY_READ_MS = 5_000;
const EVENT_TYPES: ('container' | 'service' | 'node' | 'network' | 'daemon')[] = ['container', 'service', 'node', 'network', 'daemon'];

export class ClusterWatcher {
  private model: ClusterModel | null = null;
  private lastSent = '';
  private pokeTimer: NodeJS.Timeout | null = null;
  private safetyTimer: NodeJS.Timeout | null = null;
  private reading: Promise<ClusterModel> | null = null;
  private again = false;
  private readonly streams = new Map<string, { session: HostSession; stream: Readable }>();
  private stopped = false;
  /** Swarm operations under way: reads wait until they end (they would only slow them down). */
  private busy = 0;

  constructor(
    private readonly hosts: HostService,
    private readonly emit: EventSink,
  ) {}

  start(): void {
    this.safetyTimer = setInterval(() => this.poke(), SAFETY_READ_MS);
    this.safetyTimer.unref();
    this.poke();
  }

  /** The current model, read afresh. */
  snapshot(): Promise<ClusterModel> {
    return this.read();
  }

  /**
   * Runs a cluster-changing operation without reads in between: a swarm init or join emits a
   * burst of events, and reading the engines meanwhile only competes with the operation for
   * their locks. One read follows when the operation ends.
   */
  async during<T>(operation: () => Promise<T>): Promise<T> {
    this.busy += 1;
    try {
      return await operation();
    } finally {
      this.busy -= 1;
      this.poke();
    }
  }

  /** Something changed somewhere: read again soon (several pokes make one read). */
  poke(): void {
    if (this.stopped || this.pokeTimer || this.busy > 0) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = null;
      // An operation that began since the poke reads once it ends (see during()).
      if (this.busy === 0) this.read().catch(() => {});
    }, COALESCE_MS);
    this.pokeTimer.unref();
  }

  private read(): Promise<ClusterModel> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        this.watchEvents();
        const model = await readCluster(this.hosts);
        this.model = model;
        const { updatedAt: _ignored, ...content } = model;
        const text = JSON.stringify(content);
        if (text !== this.lastSent) {
          this.lastSent = text;
          this.emit('cluster:changed', { model });
        }
        return model;
      } finally {
        this.reading = null;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      }
    })();
    return this.reading;
  }

  /** One events stream per connected host; a stream that ends is reopened on the next read. */
  private watchEvents(): void {
    for (const session of this.hosts.connectedSessions()) {
      const id = session.host.id;
      const current = this.streams.get(id);
      if (current && current.session === session && !current.stream.destroyed) continue;
      this.streams.set(id, { session, stream: null as unknown as Readable });
      session
        .run((d) => d.getEvents({ filters: { type: EVENT_TYPES } }))
        .then((raw) => {
          const stream = raw as unknown as Readable;
          if (this.stopped) return stream.destroy();
          this.streams.set(id, { session, stream });
          stream.on('data', () => this.poke());
          const ended = () => {
            if (this.streams.get(id)?.stream === stream) this.streams.delete(id);
            // A stream ends when dockerd stops or the link drops: find out which at once.
            session.checkSoon();
            this.poke();
          };
          stream.on('end', ended);
          stream.on('close', ended);
          stream.on('error', ended);
        })
        .catch(() => this.streams.delete(id));
    }
  }

  current(): ClusterModel | null {
    return this.model;
  }

  stop(): void {
    this.stopped = true;
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    if (this.safetyTimer) clearInterval(this.safetyTimer);
    for (const { stream } of this.streams.values()) stream?.destroy();
    this.streams.clear();
  }
}
