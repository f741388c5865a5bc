// The hosts:* methods of the contract.
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Handlers } from '../../shared/contract';
import type { EventSink } from '../../shared/events';
import type { HostView, ProbeResult, SecretState } from '../../shared/model';
import { probeEngine } from '../docker/probe';
import { dockerContextCandidates } from '../import/docker-context-import';
import { BuiltinResolver } from '../import/ssh-config-fallback';
import { pickResolver, sshConfigCandidates } from '../import/ssh-config-import';
import type { SecretStore } from '../secrets/secret-store';
import type { KnownHosts } from '../ssh/known-hosts';
import { jumpEndpoint, type Hop, type HostRecord } from './host-record';
import { editedRecord, newSshRecord, type SecretChange } from './host-records';
import { HostSecrets, hopNeedsSecret } from './host-secrets';
import { HostSession } from './host-session';
import { hostView } from './host-views';
import type { HostInventory } from './inventory';
import { randomUUID } from 'node:crypto';

type HostMethods = Omit<Pick<Handlers, Extract<keyof Handlers, `hosts:${string}`>>, 'hosts:addresses'>;

export interface HostHandlerDeps {
  inventory: HostInventory;
  knownHosts: KnownHosts;
  secrets: SecretStore;
  emit: EventSink;
  sshConfigPath: string;
  dockerConfigDir: string;
}

export class HostService {
  private readonly sessions = new Map<string, HostSession>();
  private readonly probes = new Map<string, ProbeResult>();
  /** Which hosts have a secret in the store (the store itself may be slow to ask). */
  private readonly withSecret = new Set<string>();
  private readonly statusListeners: (() => void)[] = [];
  private readonly secrets: HostSecrets;

  constructor(private readonly deps: HostHandlerDeps) {
    this.secrets = new HostSecrets(deps.secrets);
  }

  /** Learns which hosts have secrets (for their current endpoints), then starts connecting to every host. */
  async start(connect: boolean): Promise<void> {
    for (const h of this.deps.inventory.list()) {
      if (h.kind !== 'ssh') continue;
      for (const hop of ['host', 'jump'] as const) if (hopNeedsSecret(h, hop) && (await this.secrets.get(h, hop)) !== undefined) this.withSecret.add(HostSecrets.slot(h.id, hop));
    }
    if (connect) for (const h of this.deps.inventory.list()) this.session(h).connection().catch(() => {});
  }

  session(host: HostRecord): HostSession {
    let s = this.sessions.get(host.id);
    if (!s) {
      s = new HostSession(host, {
        knownHosts: this.deps.knownHosts,
        secrets: this.secrets,
        onChange: (changed) => {
          this.deps.emit('hosts:status', { host: this.view(changed.host) });
          for (const l of this.statusListeners) l();
        },
      });
      this.sessions.set(host.id, s);
    }
    return s;
  }

  /** Called after any host's connection status changes, or the inventory does (the cluster model listens). */
  onStatusChange(listener: () => void): void {
    this.statusListeners.push(listener);
  }

  /** Sessions of hosts that are connected right now. */
  connectedSessions(): HostSession[] {
    return this.deps.inventory
      .list()
      .map((h) => this.sessions.get(h.id))
      .filter((s): s is HostSession => s?.status === 'connected');
  }

  /** The inventory's hosts (records, no secrets). */
  records(): HostRecord[] {
    return this.deps.inventory.list();
  }

  /** The session of a host in the inventory (for other engine modules and tests). */
  sessionById(id: string): HostSession {
    return this.session(this.deps.inventory.get(id));
  }

  private secretState(host: HostRecord, hop: Hop): SecretState {
    if (!hopNeedsSecret(host, hop)) return 'none';
    if (!this.withSecret.has(HostSecrets.slot(host.id, hop))) return 'missing';
    return this.deps.secrets.kind === 'os-keychain' ? 'saved' : 'memory';
  }

  view(host: HostRecord): HostView {
    return hostView(host, this.sessions.get(host.id), this.probes.get(host.id), this.secretState(host, 'host'), this.secretState(host, 'jump'));
  }

  private announce(): void {
    this.deps.emit('hosts:changed', { hosts: this.deps.inventory.list().map((h) => this.view(h)) });
    // The inventory itself changed (a host added, renamed, removed): the cluster model follows.
    for (const l of this.statusListeners) l();
  }

  /** Applies a secret change for one hop of a host, bound to the record's current endpoint. */
  private async storeSecret(host: HostRecord, hop: Hop, change: SecretChange): Promise<void> {
    if (change === undefined || host.kind !== 'ssh') return;
    const slot = HostSecrets.slot(host.id, hop);
    if (change === null) {
      await this.secrets.delete(host.id, hop);
      this.withSecret.delete(slot);
    } else {
      await this.secrets.set(host, hop, change);
      this.withSecret.add(slot);
    }
  }

  private async forgetSecrets(host: HostRecord): Promise<void> {
    await this.storeSecret(host, 'host', null);
    await this.storeSecret(host, 'jump', null);
  }

  private added(record: HostRecord): HostView {
    this.announce();
    this.session(record).connection().catch(() => {});
    return this.view(record);
  }

  close(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  readonly handlers: HostMethods = {
    'hosts:list': async () => this.deps.inventory.list().map((h) => this.view(h)),

    'hosts:add': async (input) => {
      const { record, secret, jumpSecret } = newSshRecord(input);
      await this.storeSecret(record, 'host', secret);
      await this.storeSecret(record, 'jump', jumpSecret);
      try {
        await this.deps.inventory.add(record);
      } catch (err) {
        await this.forgetSecrets(record);
        throw err;
      }
      return this.added(record);
    },

    'hosts:addLocal': async (input) => {
      const record: HostRecord = { id: randomUUID(), kind: 'local', name: input.name, socketPath: input.socketPath };
      await this.deps.inventory.add(record);
      return this.added(record);
    },

    'hosts:update': async (patch) => {
      const before = this.deps.inventory.get(patch.id);
      const { record, secret, jumpSecret } = editedRecord(before, patch);
      await this.deps.inventory.replace(record);
      await this.storeSecret(record, 'host', secret);
      await this.storeSecret(record, 'jump', jumpSecret);
      const session = this.session(record);
      session.reset(record);
      this.probes.delete(record.id);
      session.connection().catch(() => {});
      this.announce();
      return this.view(record);
    },

    'hosts:remove': async ({ id }) => {
      const host = this.deps.inventory.get(id);
      await this.deps.inventory.remove(id);
      await this.forgetSecrets(host);
      this.sessions.get(id)?.close();
      this.sessions.delete(id);
      this.probes.delete(id);
      this.announce();
      return { removed: true };
    },

    'hosts:probe': async ({ id }) => {
      const session = this.session(this.deps.inventory.get(id));
      const result = await session.run((docker) => probeEngine(docker, session.transport ?? 'ssh-streamlocal'));
      this.probes.set(id, result);
      this.deps.emit('hosts:status', { host: this.view(session.host) });
      return result;
    },

    'hosts:test': async ({ id }) => this.session(this.deps.inventory.get(id)).test(),

    'hosts:trust': async ({ id, fingerprint, retiredFingerprint }) => {
      const session = this.session(this.deps.inventory.get(id));
      const key = session.hostKey;
      await session.trust(fingerprint, retiredFingerprint);
      // Other hosts waiting on the very same key (same endpoint, e.g. imported twice) go on too.
      for (const other of this.sessions.values()) {
        const k = other.hostKey;
        if (other !== session && k && key && k.verdict === key.verdict && k.address === key.address && k.port === key.port && k.fingerprint === fingerprint) {
          other.reset(other.host);
          other.connection().catch(() => {});
        }
      }
      return this.view(session.host);
    },

    'hosts:forgetHostKey': async ({ id }) => {
      const host = this.deps.inventory.get(id);
      if (host.kind !== 'ssh') return { removed: 0 };
      let removed = await this.deps.knownHosts.forget(host.address, host.port);
      const jump = jumpEndpoint(host);
      if (jump) removed += await this.deps.knownHosts.forget(jump.address, jump.port);
      const session = this.session(host);
      session.reset(host);
      session.connection().catch(() => {});
      return { removed };
    },

    'hosts:importCandidates': async () => {
      const sshConfig = await sshConfigCandidates(this.deps.sshConfigPath);
      // Contexts' ssh:// hosts go through the same reader of ~/.ssh/config as its own import.
      const resolver = existsSync(this.deps.sshConfigPath) ? await pickResolver(this.deps.sshConfigPath, new BuiltinResolver(this.deps.sshConfigPath), {}).catch(() => null) : null;
      const dockerContexts = await dockerContextCandidates(this.deps.dockerConfigDir, resolver);
      // Point out entries the inventory has already, and ones that repeat an earlier entry.
      const endpoint = (kind: string, i: { address?: unknown; port?: unknown; socketPath?: unknown }) => (kind === 'ssh' ? `${i.address}:${i.port}` : `unix:${i.socketPath}`);
      const seen = new Map<string, string>();
      for (const h of this.deps.inventory.list()) seen.set(endpoint(h.kind, h), h.name);
      const fromInventory = new Set(seen.keys());
      for (const c of [...sshConfig.candidates, ...dockerContexts.candidates]) {
        const key = endpoint(c.add.kind, c.add.input);
        const same = seen.get(key);
        if (same && fromInventory.has(key)) c.duplicateOf = same;
        else if (same) c.note = [c.note, `same host as ${same} above`].filter(Boolean).join('; ');
        else seen.set(key, c.label);
      }
      return { sshConfig, dockerContexts };
    },
  };
}

export const defaultPaths = {
  sshConfig: path.join(os.homedir(), '.ssh', 'config'),
  knownHosts: path.join(os.homedir(), '.ssh', 'known_hosts'),
  dockerConfig: process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'),
};
