// An SSH host in this process, for unit tests of the connection layer without root or a lab:
// ssh2's own Server, behind a TCP listener we control, answering `direct-streamlocal` channels
// (and `docker system dial-stdio` sessions) with a tiny HTTP responder that speaks just enough
// of the Docker API (_ping, version, containers, events). The test can hang a call, drop every
// connection mid-call, refuse SSH while the port stays open, cap sessions as sshd's MaxSessions
// does, stop "dockerd", and end the events streams.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { asSocket } from '../../electron/engine/docker/channel-socket';

const { Server, utils } = ssh2;

export interface KeyPair {
  private: string;
  public: string;
  /** The public key blob, as a host presents it. */
  blob: Buffer;
}

export function makeKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): KeyPair {
  // ssh2's generator drops a leading zero byte of the key (about one ed25519 key in 128), and
  // its own parser then calls the key malformed: such a draw is discarded and another made.
  for (let draw = 0; draw < 20; draw++) {
    const pair = type === 'ecdsa' ? utils.generateKeyPairSync('ecdsa', { bits: 256 }) : utils.generateKeyPairSync('ed25519');
    const pub = utils.parseKey(pair.public);
    const priv = utils.parseKey(pair.private);
    if (pub instanceof Error || priv instanceof Error) continue;
    return { private: pair.private, public: pair.public, blob: (Array.isArray(pub) ? pub[0] : pub).getPublicSSH() };
  }
  throw new Error(`could not generate a usable ${type} key`);
}

export interface FakeHostOptions {
  hostKey?: KeyPair;
  /** The one public key allowed to log in. */
  clientKey: KeyPair;
  /** Refuse direct-streamlocal channels, as `AllowStreamLocalForwarding no` does. */
  refuseStreamlocal?: boolean;
  /** Session channels open at once, as sshd's MaxSessions (no cap when absent). */
  maxSessions?: number;
}

type Mode = 'serve' | 'drop-ssh';

export class FakeSshHost {
  port = 0;
  /** Every TCP connection accepted, with when it came (performance.now()). */
  readonly connections: number[] = [];
  /** HTTP requests received, as "METHOD /path". */
  readonly requests: string[] = [];
  /** Session channels refused because maxSessions were open. */
  sessionRefusals = 0;
  sessionsOpen = 0;
  mostSessionsOpen = 0;
  /** Is "dockerd" answering? When false, every request gets a 500. */
  dockerUp = true;
  /** Paths whose requests are held unanswered (to drop a connection mid-call). */
  readonly hang = new Set<string>();
  private mode: Mode = 'serve';
  private stopped = false;
  private readonly sockets = new Set<net.Socket>();
  private readonly eventStreams = new Set<http.ServerResponse>();
  private readonly held: http.ServerResponse[] = [];
  private readonly listener: net.Server;
  private readonly ssh: InstanceType<typeof Server>;
  private readonly http: http.Server;
  readonly hostKey: KeyPair;

  constructor(private readonly opts: FakeHostOptions) {
    this.hostKey = opts.hostKey ?? makeKey();
    this.http = http.createServer((req, res) => this.answer(req, res));
    this.ssh = new Server({ hostKeys: [this.hostKey.private] }, (conn) => this.serveConnection(conn));
    this.listener = net.createServer((socket) => {
      this.connections.push(performance.now());
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      if (this.mode === 'drop-ssh' || this.stopped) return void socket.destroy();
      this.ssh.injectSocket(socket);
    });
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.listener.address() as net.AddressInfo).port;
    return this;
  }

  /** Cuts every TCP connection at once, as a host that vanishes does. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** The port stays open but every new connection is closed at once (sshd gone, host up). */
  refuseSsh(refuse: boolean): void {
    this.mode = refuse ? 'drop-ssh' : 'serve';
  }

  /** Ends every open `GET /events` stream, as dockerd does when it stops. */
  endEventStreams(): void {
    for (const res of this.eventStreams) res.end();
    this.eventStreams.clear();
  }

  /** Sends one Docker event on every open events stream. */
  emitEvent(event: Record<string, unknown>): void {
    for (const res of this.eventStreams) res.write(`${JSON.stringify(event)}\n`);
  }

  get openEventStreams(): number {
    return this.eventStreams.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dropConnections();
    for (const res of this.held) res.destroy();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private serveConnection(conn: Connection): void {
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.data.equals(this.opts.clientKey.blob)) return ctx.accept();
      ctx.reject(['publickey']);
    });
    conn.on('ready', () => {
      conn.on('openssh.streamlocal', (accept, reject) => {
        if (this.opts.refuseStreamlocal) return reject();
        this.toHttp(accept());
      });
      conn.on('session', (accept, reject) => {
        const max = this.opts.maxSessions;
        if (max !== undefined && this.sessionsOpen >= max) {
          this.sessionRefusals += 1;
          return reject();
        }
        const session = accept();
        this.sessionsOpen += 1;
        this.mostSessionsOpen = Math.max(this.mostSessionsOpen, this.sessionsOpen);
        let counted = true;
        const release = () => {
          if (counted) this.sessionsOpen -= 1;
          counted = false;
        };
        session.on('close', release);
        session.on('exec', (acceptExec, rejectExec, info) => {
          if (!/docker( --host '[^']+')? system dial-stdio$/.test(info.command)) return rejectExec();
          const channel = acceptExec();
          channel.on('close', release);
          this.toHttp(channel);
        });
      });
    });
    // OpenSSH words a refused channel "open failed" (the client tells a MaxSessions refusal by
    // it); ssh2's server sends no description at all, so this one is given OpenSSH's.
    const proto = (conn as unknown as { _protocol: { channelOpenFail: (r: number, reason: number, desc?: string) => void } })._protocol;
    const fail = proto.channelOpenFail.bind(proto);
    proto.channelOpenFail = (remote, reason, desc) => fail(remote, reason, desc || 'open failed');
  }

  private toHttp(channel: ServerChannel | Duplex): void {
    this.http.emit('connection', asSocket(channel as Duplex));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://docker').pathname.replace(/^\/v[\d.]+/, '');
    this.requests.push(`${req.method} ${path}`);
    req.resume();
    if (this.hang.has(path)) {
      this.held.push(res);
      return;
    }
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!this.dockerUp) return json(500, { message: 'Cannot connect to the Docker daemon (this fake stopped it)' });
    if (path === '/_ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('OK');
    }
    if (path === '/version') return json(200, { Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' });
    if (path === '/containers/json') return json(200, []);
    if (path === '/events') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      this.eventStreams.add(res);
      res.on('close', () => this.eventStreams.delete(res));
      return;
    }
    json(404, { message: `page not found: ${path}` });
  }
}
