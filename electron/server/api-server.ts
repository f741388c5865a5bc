// The contract over HTTP and WebSocket on loopback, for browser mode and tests:
// POST /api/<method> with a JSON body and `Authorization: Bearer <token>`;
// GET /events upgraded to a WebSocket (token in the `token` query parameter, since browsers
// cannot set headers there) carrying every engine event as JSON.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Dispatch } from '../shared/dispatch';
import type { ErrorCode, WireError } from '../shared/errors';
import type { AppEvent } from '../shared/events';
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
  close(): Promise<void>;
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
  // A page from another origin that resolves its own name to 127.0.0.1 (DNS rebinding) still
  // sends its own Host header: accept only ours.
  const hostAllowed = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const pageHeaders = () => ({
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });

  const server = http.createServer(async (req, res) => {
    if (!hostAllowed(req.headers.host)) return fail(res, 403, { code: 'unauthorized', message: 'wrong Host header' });
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      if (!tokenMatches(opts.token, bearer(req.headers.authorization))) {
        return fail(res, 401, { code: 'unauthorized', message: 'missing or wrong token', hint: 'Use the token that `npm run serve` printed (Authorization: Bearer <token>).' });
      }
      if (req.method !== 'POST') return fail(res, 405, { code: 'invalid-input', message: 'use POST' });
      let input: unknown;
      try {
        const text = await readBody(req);
        input = text.trim() ? JSON.parse(text) : {};
      } catch (err) {
        return fail(res, 400, { code: 'invalid-input', message: `the body is not JSON: ${(err as Error).message}`, hint: 'Send a JSON object as the body.' });
      }
      const method = decodeURIComponent(url.slice('/api/'.length).split('?')[0]);
      const envelope = await opts.dispatch(method, input);
      return sendJson(res, envelope.ok ? 200 : (HTTP_STATUS[envelope.error.code] ?? 502), envelope);
    }
    if (req.method !== 'GET' || !opts.staticDir) return fail(res, 404, { code: 'not-found', message: 'not found' });
    return serveStatic(opts.staticDir, url, res, pageHeaders());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/events' || !hostAllowed(req.headers.host) || !tokenMatches(opts.token, url.searchParams.get('token'))) {
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
