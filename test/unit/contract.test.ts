import { describe, expect, it, vi } from 'vitest';
import { METHODS, contract, type Handlers } from '../../electron/shared/contract';
import { createDispatch } from '../../electron/shared/dispatch';

const validAdd = { name: 'docker1', address: '192.168.1.10', auth: { kind: 'key', keyPath: '~/.ssh/id_ed25519' } };

function spyHandlers() {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    METHODS.map((m) => [m, vi.fn(async (input: unknown) => (calls.push(m), { echoed: input }))]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

describe('the contract', () => {
  it('gives every method a schema and a summary', () => {
    expect(METHODS.length).toBeGreaterThan(0);
    for (const m of METHODS) {
      expect(m).toMatch(/^[a-z]+:[a-zA-Z]+$/);
      expect(typeof contract[m].input.safeParse).toBe('function');
      expect(contract[m].summary.length).toBeGreaterThan(10);
    }
  });

  it('applies defaults before the handler sees the input', async () => {
    const { handlers } = spyHandlers();
    const res = await createDispatch(handlers)('hosts:add', validAdd);
    expect(res).toEqual({ ok: true, result: { echoed: { ...validAdd, port: 22, user: 'root', dockerSocket: '/var/run/docker.sock' } } });
  });

  it.each([
    ['address', { ...validAdd, address: 'not an address' }],
    ['address', { ...validAdd, address: '300.1.1.1' }],
    ['address', { ...validAdd, address: '' }],
    ['port', { ...validAdd, port: 70000 }],
    ['port', { ...validAdd, port: 0 }],
    ['port', { ...validAdd, port: 22.5 }],
    ['port', { ...validAdd, port: '22' }],
    ['name', { ...validAdd, name: '' }],
    ['name', { ...validAdd, name: '   ' }],
    ['user', { ...validAdd, user: 'root; rm -rf /' }],
    ['auth.keyPath', { ...validAdd, auth: { kind: 'key', keyPath: '' } }],
    ['auth', { ...validAdd, auth: undefined }],
    ['extra', { ...validAdd, extra: 1 }],
    ['auth.password', { ...validAdd, auth: { kind: 'password' } }],
    ['auth.kind', { ...validAdd, auth: { kind: 'telepathy' } }],
    ['dockerSocket', { ...validAdd, dockerSocket: '/run/docker.sock; rm -rf /' }],
    ['dockerSocket', { ...validAdd, dockerSocket: 'relative/docker.sock' }],
    ['proxyJump.address', { ...validAdd, proxyJump: { address: 'a b' } }],
  ])('rejects a bad %s before any handler runs', async (field, input) => {
    const { handlers, calls } = spyHandlers();
    const res = await createDispatch(handlers)('hosts:add', input);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('invalid-input');
    expect(res.error.field).toBe(field);
    expect(res.error.message).toContain(field);
    expect(res.error.hint).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it('accepts IPv6 addresses and DNS names', async () => {
    const { handlers } = spyHandlers();
    for (const address of ['::1', 'fd00::2', 'docker1.example.com', 'localhost', '10.0.0.1']) {
      expect((await createDispatch(handlers)('hosts:add', { ...validAdd, address })).ok).toBe(true);
    }
  });

  it('refuses unknown methods and non-object input', async () => {
    const { handlers, calls } = spyHandlers();
    const dispatch = createDispatch(handlers);
    const unknown = await dispatch('hosts:destroyEverything', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    const proto = await dispatch('__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    const notObject = await dispatch('hosts:probe', 'h1');
    expect(notObject).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(calls).toEqual([]);
  });

  it('turns an unexpected handler failure into an internal error, not a crash', async () => {
    const { handlers } = spyHandlers();
    handlers['hosts:list'] = async () => {
      throw new TypeError('boom');
    };
    const res = await createDispatch(handlers)('hosts:list', {});
    expect(res).toMatchObject({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});
