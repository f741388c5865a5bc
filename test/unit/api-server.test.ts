import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApiServer, type ApiServer } from '../../electron/server/api-server';
import type { AppEvent } from '../../electron/shared/events';
import { tempDir } from '../support/temp-dir';

const TOKEN = 'unit-test-token-0123456789';
let server: ApiServer;
let cleanup: () => Promise<void>;
const listeners = new Set<(e: AppEvent) => void>();
const dispatched: unknown[][] = [];

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  await mkdir(path.join(t.dir, 'assets'));
  await writeFile(path.join(t.dir, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(path.join(t.dir, 'secret.txt'), 'outside');
  server = await startApiServer({
    token: TOKEN,
    staticDir: path.join(t.dir, 'assets', '..'),
    dispatch: async (method, input) => {
      dispatched.push([method, input]);
      return { ok: true, result: { method } };
    },
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
  });
});
afterAll(async () => {
  await server.close();
  await cleanup();
});

function request(pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser-mode server', () => {
  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers 401 without the token or with a wrong one, and runs nothing', async () => {
    const before = dispatched.length;
    expect((await request('/api/hosts:list')).status).toBe(401);
    expect((await request('/api/hosts:list', { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await request('/api/hosts:list', { headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    expect(dispatched.length).toBe(before);
  });

  it('dispatches with the right token and sends no CORS headers', async () => {
    const res = await request('/api/hosts:list', { headers: { Authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, result: { method: 'hosts:list' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('says what is wrong with a body that is not JSON', async () => {
    const res = await request('/api/hosts:add', { headers: { Authorization: `Bearer ${TOKEN}` }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'invalid-input' });
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await request('/api/hosts:list', { headers: { Authorization: `Bearer ${TOKEN}`, Host: 'evil.example:80' } });
    expect(res.status).toBe(403);
  });

  it('serves the UI with a strict Content-Security-Policy and nothing outside its folder', async () => {
    const page = await request('/', { method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await request('/../../etc/passwd', { method: 'GET' })).status).toBe(404);
    expect((await request('/%2e%2e/%2e%2e/etc/passwd', { method: 'GET' })).status).toBe(404);
  });

  it('streams events over a WebSocket only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=wrong`);
    const refusal = await new Promise<string>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      refused.on('error', (e) => resolve(e.message));
    });
    expect(refusal).toContain('401');

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${TOKEN}`);
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<AppEvent>((resolve) => ws.on('message', (d) => resolve(JSON.parse(String(d)))));
    for (const l of listeners) l({ name: 'hosts:changed', payload: { hosts: [] } });
    expect(await got).toEqual({ name: 'hosts:changed', payload: { hosts: [] } });
    ws.close();
  });
});
