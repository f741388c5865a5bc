// One `docker events` stream per connected host, split into events. A stream that opens tells
// the watcher (what it may have missed is read again); one that ends makes the session check its
// host at once, and is opened again once the host is connected.
import type { Readable } from 'node:stream';
import type { EventMessage } from '../docker/engine-api';
import { engineApi } from '../docker/engine-api';
import type { HostSession } from '../hosts/host-session';
import { parseEvent } from './adapters/event-adapter';

const EVENT_TYPES = ['container', 'service', 'node', 'network', 'daemon'];
/** How long ensure() waits for streams to open. */
const OPEN_WAIT_MS = 5_000;

export interface StreamHandlers {
  /** The stream of this host is open: anything before now may have been missed. */
  opened(session: HostSession): void;
  event(session: HostSession, event: EventMessage): void;
  ended(session: HostSession): void;
}

export class EventStreams {
  private readonly streams = new Map<string, { session: HostSession; stream: Readable | null }>();
  private stopped = false;

  constructor(private readonly on: StreamHandlers) {}

  /**
   * Opens a stream for each of these sessions that has none (or whose stream ended); resolves
   * once those have opened or failed. Quiet: the caller reads those hosts itself right after.
   */
  ensure(sessions: HostSession[], { quiet = false } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const opening: Promise<void>[] = [];
    for (const session of sessions) {
      const id = session.host.id;
      const current = this.streams.get(id);
      if (current && current.session === session && (current.stream === null || !current.stream.destroyed)) continue;
      current?.stream?.destroy();
      this.streams.set(id, { session, stream: null });
      const open = session
        .run((d) => engineApi.events(d, { type: EVENT_TYPES }))
        .then((stream) => {
          if (this.stopped || this.streams.get(id)?.session !== session) {
            stream.destroy();
            return;
          }
          this.streams.set(id, { session, stream });
          let rest = '';
          stream.on('data', (chunk: Buffer) => {
            const lines = (rest + chunk.toString('utf8')).split('\n');
            rest = lines.pop() ?? '';
            for (const line of lines) {
              const e = parseEvent(line);
              if (e) this.on.event(session, e);
            }
          });
          let over = false;
          const ended = () => {
            if (over) return;
            over = true;
            if (this.streams.get(id)?.stream === stream) this.streams.delete(id);
            // A stream ends when dockerd stops or the link drops: find out which at once.
            session.checkSoon();
            if (!this.stopped) this.on.ended(session);
          };
          stream.on('end', ended);
          stream.on('close', ended);
          stream.on('error', ended);
          if (!quiet) this.on.opened(session);
        })
        .catch(() => {
          if (this.streams.get(id)?.session === session) this.streams.delete(id);
        });
      opening.push(open);
    }
    // A stream that neither opens nor fails must not hold up the reads waiting for it.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, OPEN_WAIT_MS)));
    return Promise.race([Promise.all(opening).then(() => {}), late]).finally(() => clearTimeout(timer));
  }

  /** Closes the streams of hosts no longer connected or no longer in the inventory. */
  keepOnly(hostIds: Set<string>): void {
    for (const [id, { stream }] of this.streams) {
      if (hostIds.has(id)) continue;
      this.streams.delete(id);
      stream?.destroy();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const { stream } of this.streams.values()) stream?.destroy();
    this.streams.clear();
  }
}
