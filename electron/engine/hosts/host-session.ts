// One host's live connection and what the UI knows of it. The session connects on first use,
// reports its status, reconnects after a drop with capped backoff, watches the Docker socket,
// and turns every failure of a call into an ApiError that says what happened.
import type Docker from 'dockerode';
import { ApiError } from '../../shared/errors';
import type { ConnectionTest, HostStatus, PendingHostKey, TestStep, Transport } from '../../shared/model';
import { HostKeyError } from '../ssh/host-key-error';
import type { KnownHosts } from '../ssh/known-hosts';
import { dial, pingWithin, type LiveLink } from './dialers';
import type { HostRecord } from './host-record';
import type { HostSecrets } from './host-secrets';

export interface SessionDeps {
  knownHosts: KnownHosts;
  secrets: HostSecrets;
  /** Called whenever status, detail, transport or the pending host key change. */
  onChange: (session: HostSession) => void;
}

const STATUS_OF: Partial<Record<ApiError['code'], HostStatus>> = {
  'auth-failed': 'auth-failed',
  'host-key-unknown': 'host-key-unknown',
  'host-key-changed': 'host-key-changed',
  'host-key-other-type': 'host-key-other-type',
  'host-key-revoked': 'host-key-revoked',
  unreachable: 'unreachable',
  'docker-unavailable': 'docker-unavailable',
};
/** After these, trying again cannot help until the user acts. */
const NEEDS_USER: HostStatus[] = ['auth-failed', 'host-key-unknown', 'host-key-changed', 'host-key-other-type', 'host-key-revoked'];

const HEALTH_EVERY_MS = 5_000;
const UNHEALTHY_EVERY_MS = 1_000;
/**
 * While a dropped host is retried, a TCP connect is given 2.5 s: the SYN and its first resend
 * (at 1 s) fit, so a link back within that is picked up by the resend. Once TCP connects the
 * host is back, and the SSH login and Docker ping get the normal time: a dockerd catching up (a
 * manager rejoining raft) can answer slowly, and abandoning it there only starts over.
 */
const RECONNECT_TCP_TIMEOUT_MS = 2_500;
/** Fast retries for a minute after a drop (so a host back within it is connected within ~2 s), then slower. */
const FAST_RETRY_WINDOW_MS = 60_000;
const SLOW_RETRY_MS = 10_000;

export class HostSession {
  status: HostStatus = 'idle';
  detail: string | undefined;
  hint: string | undefined;
  transport: Transport | undefined;
  hostKey: PendingHostKey | undefined;
  private pendingKeyBlob: Buffer | undefined;
  private live: LiveLink | null = null;
  private connecting: Promise<LiveLink> | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private troubleSince = 0;
  private attempt = 0;
  /**
   * Rejecters of the calls in flight. A response that was under way when the link died can
   * leave docker-modem waiting forever, so the session fails those calls itself.
   */
  private readonly inFlight = new Set<(err: ApiError) => void>();

  constructor(
    public host: HostRecord,
    private readonly deps: SessionDeps,
  ) {}

  get name(): string {
    return this.host.name;
  }

  get channelsOpen(): number {
    return this.live?.channelsOpen() ?? 0;
  }

  /** The most channels this connection opens at once (learnt from the server when it refuses). */
  get channelCap(): number | undefined {
    return this.live?.limiter?.cap;
  }

  /** The live link, opened on first use and shared by every later call. */
  connection(): Promise<LiveLink> {
    if (this.closed) return Promise.reject(new ApiError('not-found', `host ${this.name} was removed`));
    if (this.live) return Promise.resolve(this.live);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Runs a Docker call on this host; failures come back as ApiErrors that name the host. */
  async run<T>(call: (docker: Docker) => Promise<T>): Promise<T> {
    const link = await this.connection();
    return new Promise<T>((resolve, reject) => {
      this.inFlight.add(reject);
      call(link.docker).then(resolve, (err: unknown) => reject(this.explain(err, link))).finally(() => this.inFlight.delete(reject));
    });
  }

  private failInFlight(err: ApiError): void {
    for (const reject of this.inFlight) reject(err);
    this.inFlight.clear();
  }

  private explain(err: unknown, link: LiveLink): ApiError {
    if (err instanceof ApiError) return err;
    const e = err as Error & { statusCode?: number; json?: { message?: string } | string; code?: string };
    if (typeof e.statusCode === 'number') {
      const said = typeof e.json === 'object' && e.json?.message ? e.json.message : e.message;
      const code = e.statusCode === 404 ? 'not-found' : e.statusCode === 409 ? 'conflict' : 'docker-error';
      return new ApiError(code, `Docker on ${this.name}: ${said}`);
    }
    if (this.live !== link) {
      return new ApiError('unreachable', `lost the connection to ${this.name} during the call (${e.message})`, { hint: 'The host or the network went away; Archipelago reconnects by itself. Try again in a moment.' });
    }
    return new ApiError('docker-unavailable', `Docker on ${this.name} did not complete the call: ${e.message}`, { hint: 'Check that dockerd is running on the host.' });
  }

  /** Each hop's password or passphrase, if saved for the endpoint as it is now. */
  private async secrets(): Promise<{ secret?: string; jumpSecret?: string }> {
    const host = this.host;
    if (host.kind !== 'ssh') return {};
    return { secret: await this.deps.secrets.get(host, 'host'), jumpSecret: host.proxyJump ? await this.deps.secrets.get(host, 'jump') : undefined };
  }

  private async open(connectTimeoutMs?: number): Promise<LiveLink> {
    this.set('connecting');
    try {
      const link = await dial(this.host, { knownHosts: this.deps.knownHosts, ...(await this.secrets()), connectTimeoutMs });
      if (this.closed) {
        link.close();
        throw new ApiError('not-found', `host ${this.name} was removed`);
      }
      this.live = link;
      this.attempt = 0;
      this.troubleSince = 0;
      this.hostKey = undefined;
      this.pendingKeyBlob = undefined;
      link.onDrop(() => this.dropped(link));
      this.set('connected', undefined, undefined, link.transport);
      this.scheduleHealth(HEALTH_EVERY_MS);
      return link;
    } catch (err) {
      this.failed(err);
      throw err;
    }
  }

  private failed(err: unknown): void {
    if (err instanceof HostKeyError) {
      this.hostKey = err.key;
      this.pendingKeyBlob = err.blob;
    }
    const apiErr = err instanceof ApiError ? err : new ApiError('unreachable', String((err as Error).message ?? err));
    const status = STATUS_OF[apiErr.code] ?? 'unreachable';
    this.set(status, apiErr.message, apiErr.hint);
    if (!NEEDS_USER.includes(status)) this.scheduleReconnect();
  }

  private dropped(link: LiveLink): void {
    if (this.live !== link) return;
    this.live = null;
    this.stopHealth();
    this.failInFlight(new ApiError('unreachable', `lost the connection to ${this.name} during the call`, { hint: 'The host or the network went away; Archipelago reconnects by itself. Try again in a moment.' }));
    if (this.closed) return;
    this.set('unreachable', `the connection to ${this.name} was lost`, 'Archipelago keeps trying to reconnect.');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    if (!this.troubleSince) this.troubleSince = Date.now();
    const fast = Date.now() - this.troubleSince < FAST_RETRY_WINDOW_MS;
    const delay = fast ? Math.min(250 * 2 ** this.attempt, 1_000) : SLOW_RETRY_MS;
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed || this.live || this.connecting) return;
      this.connecting = this.open(RECONNECT_TCP_TIMEOUT_MS).finally(() => {
        this.connecting = null;
      });
      this.connecting.catch(() => {}); // failed() already scheduled the next try
    }, delay);
    this.retryTimer.unref();
  }

  /** Watches the Docker socket while SSH is up: a restarting dockerd shows as docker-unavailable. */
  private scheduleHealth(ms: number): void {
    this.stopHealth();
    this.healthTimer = setTimeout(() => void this.checkHealth(), ms);
    this.healthTimer.unref();
  }

  /** Something suggests Docker went away (its event stream ended): check now, not at the next tick. */
  checkSoon(): void {
    if (this.live && !this.closed && this.healthTimer) this.scheduleHealth(0);
  }

  private stopHealth(): void {
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.healthTimer = null;
  }

  private async checkHealth(): Promise<void> {
    const link = this.live;
    if (!link || this.closed) return;
    try {
      await pingWithin(link.docker, 4_000);
      if (this.live !== link) return;
      // A host-key warning found by a fresh dial stays until the user answers it: the live link
      // still uses the old key, but the next connection would not be trusted.
      if (this.status !== 'connected' && !(this.hostKey && NEEDS_USER.includes(this.status))) this.set('connected', undefined, undefined, link.transport);
      this.scheduleHealth(HEALTH_EVERY_MS);
    } catch (err) {
      if (this.live !== link) return;
      this.set('docker-unavailable', `${this.name} is connected, but Docker does not answer: ${(err as Error).message}`, 'Check that dockerd is running on the host; Archipelago keeps checking.');
      this.scheduleHealth(UNHEALTHY_EVERY_MS);
    }
  }

  /** A fresh connection made step by step (TCP, SSH, auth, Docker), apart from the live one. */
  async test(): Promise<ConnectionTest> {
    const steps: TestStep[] = [];
    try {
      const link = await dial(this.host, { knownHosts: this.deps.knownHosts, ...(await this.secrets()), onStep: (s) => steps.push(s) });
      link.close();
      // A good test is reason enough to (re)connect the live session too.
      if (!this.live) this.connection().catch(() => {});
      return { ok: true, steps, transport: link.transport };
    } catch (err) {
      if (err instanceof HostKeyError || (err instanceof ApiError && NEEDS_USER.includes(STATUS_OF[err.code]!))) this.failed(err);
      const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
      return { ok: false, steps, error: { code: e.code, message: e.message, hint: e.hint } };
    }
  }

  /**
   * Trusts the key the host presented, if it is the one the user saw, then connects. A key of
   * another type than the recorded one also needs `retiredFingerprint`: the user's word that the
   * old key (named by its fingerprint) was retired, as OpenSSH would have them check.
   */
  async trust(fingerprint: string, retiredFingerprint?: string): Promise<LiveLink> {
    const key = this.hostKey;
    if (!key || !this.pendingKeyBlob || (key.verdict !== 'unknown' && key.verdict !== 'other-type')) {
      throw new ApiError('conflict', `${this.name} has no new host key waiting to be trusted`, { hint: 'Test the connection first; a changed or revoked key cannot be trusted from here.' });
    }
    if (key.fingerprint !== fingerprint) {
      throw new ApiError('conflict', `${this.name} presented ${key.fingerprint}, not ${fingerprint}`, { hint: 'The key changed since you looked: test the connection again and compare the new fingerprint.' });
    }
    const replacing = key.verdict === 'other-type';
    if (replacing && !key.knownKeys?.some((k) => k.fingerprint === retiredFingerprint)) {
      throw new ApiError('conflict', `${this.name} already has a known ${key.knownKeys?.map((k) => `${k.type} key ${k.fingerprint}`).join(', ')}: trusting a key of another type needs the confirmation that this old key was retired`, {
        field: 'retiredFingerprint',
        hint: 'Ask the host’s administrator. Only if they confirm the new fingerprint and that the old key was retired, confirm both.',
      });
    }
    await this.deps.knownHosts.trust(key.address, key.port, this.pendingKeyBlob, { replace: replacing });
    this.hostKey = undefined;
    this.pendingKeyBlob = undefined;
    if (this.live) this.set('connected', undefined, undefined, this.live.transport);
    return this.connection();
  }

  /** Drops the live link so the next call connects with the host's current settings. */
  reset(host: HostRecord): void {
    this.host = host;
    this.failInFlight(new ApiError('conflict', `${this.name} is reconnecting with new settings`, { hint: 'Try again in a moment.' }));
    this.dropLink();
    this.hostKey = undefined;
    this.pendingKeyBlob = undefined;
    this.attempt = 0;
    this.troubleSince = 0;
    this.set('idle');
  }

  private dropLink(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopHealth();
    const link = this.live;
    this.live = null;
    link?.close();
  }

  close(): void {
    this.closed = true;
    this.failInFlight(new ApiError('not-found', `host ${this.name} was removed`));
    this.dropLink();
  }

  private set(status: HostStatus, detail?: string, hint?: string, transport?: Transport): void {
    if (this.closed) return;
    this.status = status;
    this.detail = detail;
    this.hint = hint;
    if (transport) this.transport = transport;
    this.deps.onChange(this);
  }
}
