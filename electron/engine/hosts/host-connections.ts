// All hosts' sessions, keyed by host id, created on demand.
import path from 'node:path';
import type { EventSink } from '../../shared/events';
import { KnownHosts } from '../ssh/known-hosts';
import type { HostRecord } from './host-record';
import { HostSession } from './host-session';

export class HostConnections {
  private readonly sessions = new Map<string, HostSession>();
  readonly knownHosts: KnownHosts;

  constructor(
    configDir: string,
    private readonly emit: EventSink,
  ) {
    this.knownHosts = new KnownHosts(path.join(configDir, 'known_hosts'));
  }

  session(host: HostRecord): HostSession {
    let session = this.sessions.get(host.id);
    if (!session) {
      session = new HostSession(host, this.knownHosts, (status, detail) => this.emit('hosts:status', { id: host.id, status, detail }));
      this.sessions.set(host.id, session);
    }
    return session;
  }

  peek(id: string): HostSession | undefined {
    return this.sessions.get(id);
  }

  close(id: string): void {
    this.sessions.get(id)?.close();
    this.sessions.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }
}
