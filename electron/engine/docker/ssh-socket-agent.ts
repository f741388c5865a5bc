// An http.Agent whose every socket is a `direct-streamlocal` channel on one persistent SSH
// connection, straight to the host's Docker socket: no process is spawned per call, and
// HTTP keep-alive reuses channels.
import http from 'node:http';
import { inspect } from 'node:util';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';

type SocketCallback = (err: Error | null, socket?: Duplex) => void;

/** http's client treats its socket as a net.Socket; a channel needs these to be harmless no-ops. */
function asSocket(channel: ClientChannel): Duplex {
  const socketLike = channel as ClientChannel & Record<string, unknown>;
  const noop = function (this: unknown) {
    return this;
  };
  for (const name of ['setNoDelay', 'setKeepAlive', 'setTimeout', 'ref', 'unref']) {
    if (typeof socketLike[name] !== 'function') socketLike[name] = noop;
  }
  return channel;
}

export class SshSocketAgent extends http.Agent {
  constructor(
    private readonly ssh: Client,
    private readonly socketPath: string,
  ) {
    super({ keepAlive: true, maxSockets: 8 });
  }

  // Node's Agent accepts a createConnection that answers through the callback.
  override createConnection(_options: unknown, callback: SocketCallback): undefined {
    this.ssh.openssh_forwardOutStreamLocal(this.socketPath, (err, channel) => {
      if (err) callback(err);
      else callback(null, asSocket(channel));
    });
    return undefined;
  }

  // docker-modem inspects its options (which hold the agent) on every request: keep that cheap.
  [inspect.custom](): string {
    return `SshSocketAgent(${this.socketPath})`;
  }
}
