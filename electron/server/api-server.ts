// The contract over HTTP and WebSocket on loopback, for browser mode and tests:
// POST /api/<method> with a JSON body and `Authorization: Bearer <token>`;
// GET /events upgraded to a WebSocket (token in the `token` query parameter, since browsers
// cannot set headers there) carrying every engine event as JSON;
// POST /session with `{"code": …}` exchanges a one-time login code for a session token.
// Every request is handled inside a guard: a malformed path, escape or header gets a 4xx, never
// a crash (one bad request once killed the server and the passwords it held in memory).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../shared/dispatch';
import type { ErrorCode, WireError } from '../shared/errors';
import type { AppEvent } from '../shared/events';
import { LoginCodes } from './login-codes';
import { serveStatic } from './static-files';
import { bearer, tokenMatches } from './token';

export interface ApiServerOptions {
  dispatch: Dispatch;
  /** Registers a listener for engine events; returns the unsubscribe function. */
  subscribe: (listener: (event: AppEvent) => void) => () => void;
  token: string;
  port?: number;
  staticDir?: string;
}

export interface ApiServer {
  url: string;
  port: number;
  /** A one-time login code (one use, one minute) to open the page with: `url#code=…`. */
  loginCode(): string;
  close(): Promise<void>;
}

class BadRequest extends Error {}

/** decodeURIComponent that says what is wrong instead of throwing a URIError out of the handler. */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequest('the path is not valid percent-encoding (e.g. a lone %E0)');
  }
}

const MAX_BODY = 1024 * 1024;
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  'invalid-input': 400,
  unauthorized: 401,
  'unknown-method': 404,
  'not-found': 404,
  conflict: 409,
  internal: 500,
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(JSON.stringify(body));
}

function fail(res: http.ServerResponse, status: number, error: WireError): void {
  sendJson(res, status, { ok: false, error });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  let port = 0;
  const logins = new LoginCodes();
  // A page from another origin that resolves its own name to 127.0.0.1 (DNS rebinding) still
  // sends its own Host header: accept only ours.
  const hostAllowed = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  // A browser always sends Origin on a WebSocket; only our own page may open one. Clients that
  // are not browsers send none (and still need the token).
  const originAllowed = (origin: string | undefined) => origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  const authorized = (token: string | null | undefined) => tokenMatches(opts.token, token) || logins.isSession(token);
  const pageHeaders = () => ({
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host)) return fail(res, 403, { code: 'unauthorized', message: 'wrong Host header' });
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    const decoded = decodePath(pathname);
    if (pathname === '/session') return exchange(req, res);
    if (url.startsWith('/api/')) {
      if (!authorized(bearer(req.headers.authorization))) {
        return fail(res, 401, { code: 'unauthorized', message: 'missing or wrong token', hint: 'Use the token that `npm run serve` printed (Authorization: Bearer <token>).' });
      }
      if (req.method !== 'POST') return fail(res, 405, { code: 'invalid-input', message: 'use POST' });
      const method = decoded.slice('/api/'.length);
      let input: unknown;
      try {
        const text = await readBody(req);
        input = text.trim() ? JSON.parse(text) : {};
      } catch (err) {
        return fail(res, 400, { code: 'invalid-input', message: `the body is not JSON: ${(err as Error).message}`, hint: 'Send a JSON object as the body.' });
      }
      const envelope = await opts.dispatch(method, input);
      return sendJson(res, envelope.ok ? 200 : (HTTP_STATUS[envelope.error.code] ?? 502), envelope);
    }
    if (req.method !== 'GET' || !opts.staticDir) return fail(res, 404, { code: 'not-found', message: 'not found' });
    return serveStatic(opts.staticDir, url, res, pageHeaders());
  }

  /** POST /session {"code"}: a one-time login code for a session token. */
  async function exchange(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') return fail(res, 405, { code: 'invalid-input', message: 'use POST' });
    let code: unknown;
    try {
      code = (JSON.parse(await readBody(req)) as { code?: unknown })?.code;
    } catch {
      code = undefined;
    }
    const session = typeof code === 'string' ? logins.exchange(code) : null;
    if (!session) return fail(res, 401, { code: 'unauthorized', message: 'this login link is used or expired', hint: 'Open the link `npm run serve` printed with the token, or restart it for a new link.' });
    return sendJson(res, 200, { ok: true, result: { token: session } });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const bad = err instanceof BadRequest;
      if (!bad) console.error(`[server] ${req.method} request failed: ${(err as Error).message}`);
      if (res.headersSent) return void res.destroy();
      fail(res, bad ? 400 : 500, { code: bad ? 'invalid-input' : 'internal', message: bad ? err.message : 'the server could not handle this request' });
    });
  });
  // CONNECT (a proxy tunnel) is not ours to serve: Node would drop the socket without a word.
  server.on('connect', (_req, socket) => {
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  // Requests Node's parser refuses (a bad method, header or request line) get a 400 and the
  // connection closes; nothing reaches the handler.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!originAllowed(req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    if (url.pathname !== '/events' || !hostAllowed(req.headers.host) || !authorized(url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const unsubscribe = opts.subscribe((event) => ws.send(JSON.stringify(event)));
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        port,
        loginCode: () => logins.issue(),
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.terminate();
            wss.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
