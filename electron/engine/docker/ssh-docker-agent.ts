// An http.Agent whose every socket is a channel on one persistent SSH connection. dockerode
// runs over it with protocol 'http'; HTTP keep-alive reuses channels between calls.
import http from 'node:http';
import { inspect } from 'node:util';
import type { Duplex } from 'node:stream';
import type { ChannelLimiter } from './channel-limiter';
import { isOpenFailed, type ChannelError, type ChannelOpener } from './channel-openers';
import { asSocket } from './channel-socket';

type SocketCallback = (err: Error | null, socket?: Duplex) => void;

const MAX_OPEN_ATTEMPTS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SshDockerAgent extends http.Agent {
  private destroyed = false;
  /** Channels the server actually opened and that are still open. */
  openChannels = 0;

  /**
   * @param sessions true when each channel is an SSH session (dial-stdio): a refusal then means
   *   the server's MaxSessions was reached, so the call waits for a slot instead of failing.
   */
  constructor(
    private readonly open: ChannelOpener,
    readonly limiter: ChannelLimiter,
    private readonly label: string,
    private readonly sessions: boolean,
  ) {
    // Node's own maxSockets is not enforced when sockets arrive asynchronously: the limiter is.
    super({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
  }

  override createConnection(_options: unknown, callback: SocketCallback): undefined {
    this.openLimited().then(
      (channel) => callback(null, channel),
      (err: Error) => callback(err),
    );
    return undefined;
  }

  private async openLimited(): Promise<Duplex> {
    for (let attempt = 1; ; attempt++) {
      const release = await this.limiter.acquire();
      if (this.destroyed) {
        release();
        throw new Error(`the connection to ${this.label} is closed`);
      }
      try {
        const channel = await this.open();
        this.openChannels += 1;
        // Opens already under way when the cap was lowered can succeed: the server allows at
        // least this many, so the cap never stays below what is really open.
        this.limiter.allowAtLeast(this.openChannels);
        channel.once('close', () => {
          this.openChannels -= 1;
          release();
        });
        return asSocket(channel);
      } catch (err) {
        release();
        if (!this.sessions || !isOpenFailed(err as ChannelError) || attempt >= MAX_OPEN_ATTEMPTS) throw err;
        // sshd refused one session too many: what is open now is its limit. It frees a slot a
        // moment after a close reaches us, so the retry waits a little.
        this.limiter.learnLimit(this.openChannels);
        await sleep(Math.min(20 * attempt, 200));
      }
    }
  }

  /** An idle channel goes back to the server when calls are queued for a channel slot. */
  // Node reads the answer as whether it kept the socket (its type declaration says void).
  override keepSocketAlive(socket: Duplex): boolean {
    if (this.limiter.waiting > 0) return false;
    const kept: unknown = super.keepSocketAlive(socket);
    return kept !== false;
  }

  override destroy(): void {
    this.destroyed = true;
    super.destroy();
  }

  // docker-modem inspects its options (which hold the agent) on every request: keep that cheap.
  [inspect.custom](): string {
    return `SshDockerAgent(${this.label})`;
  }
}
