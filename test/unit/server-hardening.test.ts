// The browser-mode server against bad requests and foreign pages: a malformed escape gets a 400
// and the server lives on; a WebSocket from another origin is refused; a one-time login code
// works once, within a minute, and yields a session that the API accepts.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer, type ApiServer } from '../../electron/server/api-server';
import { LoginCodes } from '../../electron/server/login-codes';

const TOKEN = 'hardening-token-0123456789';
let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ token: TOKEN, dispatch: async (method) => ({ ok: true, result: { method } }), subscribe: () => () => {} });
});
afterAll(() => server.close());

function request(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('one bad request', () => {
  it('POST /api/%E0 gets a 400 that says why, and the server keeps serving', async () => {
    const res = await request('/api/%E0', { headers: auth, body: '{}' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('percent-encoding') });
    expect((await request('/api/app:info', { headers: auth, body: '{}' })).status).toBe(200);
  });

  it('a bad escape on a page path gets a 400 too', async () => {
    expect((await request('/%E0%A4%A', { method: 'GET' })).status).toBe(400);
    expect((await request('/api/app:info', { headers: auth, body: '{}' })).status).toBe(200);
  });
});

describe('WebSocket origin', () => {
  const connect = (headers: Record<string, string>, token = TOKEN) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${token}`, { headers });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });

  it('refuses a page from another origin, even with the token', async () => {
    expect(await connect({ Origin: 'https://evil.example' })).toBe(403);
    expect(await connect({ Origin: 'null' })).toBe(403);
    expect(await connect({ Origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
  });

  it('accepts its own page, and a client that is not a browser (no Origin)', async () => {
    expect(await connect({ Origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await connect({ Origin: `http://localhost:${server.port}` })).toBe(101);
    expect(await connect({})).toBe(101);
  });
});

describe('one-time login codes', () => {
  it('a code is exchanged once for a session token the API accepts', async () => {
    const code = server.loginCode();
    const first = await request('/session', { body: JSON.stringify({ code }) });
    expect(first.status).toBe(200);
    const session = JSON.parse(first.body).result.token as string;
    expect(session).not.toBe(TOKEN);
    expect((await request('/api/app:info', { headers: { Authorization: `Bearer ${session}` }, body: '{}' })).status).toBe(200);
    expect((await request('/session', { body: JSON.stringify({ code }) })).status).toBe(401);
    expect((await request('/session', { body: '{nope' })).status).toBe(401);
    expect((await request('/session', { method: 'GET' })).status).toBe(405);
  });

  it('a code expires after a minute', () => {
    let now = 1_000_000;
    const codes = new LoginCodes(() => now);
    const code = codes.issue();
    now += 61_000;
    expect(codes.exchange(code)).toBeNull();
    const fresh = codes.issue();
    now += 59_000;
    expect(codes.exchange(fresh)).toEqual(expect.any(String));
  });
});
