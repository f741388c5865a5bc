// Generated bad requests at the HTTP level, written raw to the socket so nothing client-side
// cleans them up: malformed paths and percent-escapes, odd and invalid methods, broken header
// names and values, hostile Host/Authorization/Origin/Upgrade headers. The server must answer
// every one with an HTTP status (4xx for the bad ones) and keep serving: one bad request once
// killed it, and the passwords it held in memory with it.
import fc from 'fast-check';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../electron/server/api-server';
import { createDispatch } from '../../electron/shared/dispatch';
import { METHODS, type Handlers } from '../../electron/shared/contract';

const TOKEN = 'fuzz-requests-token-0123456789';
let server: ApiServer;
beforeAll(async () => {
  const handlers = Object.fromEntries(METHODS.map((m) => [m, async () => ({ ok: true })])) as unknown as Handlers;
  server = await startApiServer({ token: TOKEN, dispatch: createDispatch(handlers), subscribe: () => () => {} });
});
afterAll(() => server.close());

/** Writes the bytes, returns the status code of the answer, or what happened instead. */
function raw(bytes: Buffer): Promise<{ status: number } | { failure: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port: server.port });
    let got = '';
    let done = false;
    const finish = (r: { status: number } | { failure: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    // Not a timing claim: only so that a request the server never answers fails this test by name.
    const timer = setTimeout(() => finish({ failure: `no answer within 10 s (got ${JSON.stringify(got.slice(0, 80))})` }), 10_000);
    sock.on('data', (d) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(got);
      if (m) finish({ status: Number(m[1]) });
      else if (got.length > 12 && !got.startsWith('HTTP/')) finish({ failure: `not an HTTP answer: ${JSON.stringify(got.slice(0, 80))}` });
    });
    sock.on('error', (e) => finish({ failure: `socket error ${e.message}` }));
    sock.on('close', () => finish({ failure: `closed without an answer (got ${JSON.stringify(got.slice(0, 80))})` }));
    sock.end(bytes);
  });
}

const ESCAPES = ['%E0', '%', '%Z', '%zz', '%C0%AF', '%00', '%FF%FE', '%E0%A4%A', '%2e%2e%2f', '%u202e', '%%', '%F0%9F%8F', '%ED%A0%80', '%0d%0a'];
const piece = fc.oneof(
  fc.constantFrom(...ESCAPES),
  fc.stringMatching(/^[A-Za-z0-9:._~!$&'()*+,;=@/-]{0,12}$/),
  fc.string({ unit: 'binary-ascii', maxLength: 6 }).map((s) => s.replace(/[\r\n ]/g, '')),
  fc.constantFrom('..', '/', '//', '?', '#', '?token=x', '\u00e9', '\u202e', '\u0000'),
);
const path = fc.oneof(
  fc.array(piece, { maxLength: 6 }).map((p) => `/api/${p.join('')}`),
  fc.array(piece, { maxLength: 6 }).map((p) => `/${p.join('')}`),
  fc.constantFrom('*', 'http://evil.example/api/app:info', '', '/events', '/session', `/api/${'a'.repeat(8000)}`, '/api/app:info', '/api/app%3Ainfo'),
);
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PROPFIND'),
  fc.constantFrom('post', 'FOO', 'G\u0000T', 'PO ST', 'PÖST', '', 'X'.repeat(300), 'GET\t'),
  fc.stringMatching(/^[A-Z]{1,10}$/),
);
const header = fc.oneof(
  fc.tuple(fc.constantFrom('Authorization'), fc.constantFrom(`Bearer ${TOKEN}`, 'Bearer', 'Bearer  ', `bearer ${TOKEN}x`, `Basic ${TOKEN}`, `Bearer ${'x'.repeat(5000)}`, 'Bearer %E0')),
  fc.tuple(fc.constantFrom('Origin'), fc.constantFrom('null', 'https://evil.example', '%E0', `http://127.0.0.1:1`)),
  fc.tuple(fc.constantFrom('Upgrade'), fc.constantFrom('websocket', 'h2c', '%E0')),
  fc.tuple(fc.constantFrom('Connection'), fc.constantFrom('Upgrade', 'keep-alive, Upgrade', 'close')),
  fc.tuple(fc.constantFrom('Sec-WebSocket-Key'), fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '%E0', '')),
  fc.tuple(fc.constantFrom('Sec-WebSocket-Version'), fc.constantFrom('13', '8', 'x')),
  fc.tuple(fc.constantFrom('Content-Type'), fc.constantFrom('application/json', 'text/plain; charset=%E0', '')),
  fc.tuple(fc.constantFrom('Transfer-Encoding'), fc.constantFrom('chunked, identity', 'gzip', 'x')),
  fc.tuple(fc.constantFrom('Content-Length'), fc.constantFrom('-1', 'abc', '1e3', '0x10', '99999999999999999999')),
  // Broken header names and values: spaces, colons, control characters, non-ASCII, huge.
  fc.tuple(fc.constantFrom('Bad Name', 'X:Y', 'X\u0000', 'Ünicode', '', 'X-Long'), fc.constantFrom('v', 'a\u0000b', 'é', 'x'.repeat(20_000), ' leading', '\u202e')),
  fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,12}$/), fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((v) => v.replace(/[\r\n]/g, ''))),
);
const hostHeader = fc.constantFrom('own', 'own', 'own', 'evil.example', '', '127.0.0.1:%E0', 'none');

describe('generated bad HTTP requests', () => {
  it('answers 1,200 malformed requests (paths, escapes, methods, headers) with a status, and keeps serving', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, path, fc.array(header, { maxLength: 4 }), hostHeader, fc.string({ maxLength: 40 }), async (m, p, headers, host, body) => {
        const lines = [`${m} ${p} HTTP/1.1`];
        if (host !== 'none') lines.push(`Host: ${host === 'own' ? `127.0.0.1:${server.port}` : host}`);
        for (const [k, v] of headers) lines.push(`${k}: ${v}`);
        const payload = Buffer.from(body, 'utf8');
        // A Content-Length the generator chose stands (the parser refuses those); otherwise the body is what we send.
        if (!headers.some(([k]) => k === 'Content-Length' || k === 'Transfer-Encoding')) lines.push(`Content-Length: ${payload.length}`);
        lines.push('Connection: close');
        const result = await raw(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
        if ('failure' in result) failures.push(`${JSON.stringify(lines[0]).slice(0, 120)}: ${result.failure}`);
        else statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      }),
      { numRuns: 1200 },
    );
    console.log(JSON.stringify({ fuzzRequests: 1200, statuses: Object.fromEntries([...statuses].sort()) }));
    expect(failures).toEqual([]);
    // Most were refused (4xx); the server never answered with a crash's 5xx.
    const count = (pred: (s: number) => boolean) => [...statuses].filter(([s]) => pred(s)).reduce((n, [, c]) => n + c, 0);
    expect(count((s) => s >= 400 && s < 500)).toBeGreaterThan(600);
    expect(count((s) => s >= 500)).toBe(0);
    // Still serving, still refusing a wrong token.
    expect(await raw(Buffer.from(`POST /api/app:info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`))).toEqual({ status: 200 });
    expect(await raw(Buffer.from(`POST /api/app:info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer wrong\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`))).toEqual({ status: 401 });
  }, 300_000);
});
