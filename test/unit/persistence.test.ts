import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../electron/engine/store/atomic-file';
import { HostInventory } from '../../electron/engine/hosts/inventory';
import { tempDir } from '../support/temp-dir';
import { randomUUID } from 'node:crypto';
import type { HostRecord } from '../../electron/engine/hosts/host-record';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const host = (name: string): HostRecord => ({ id: randomUUID(), kind: 'ssh', name, address: '10.1.1.1', port: 22, user: 'root', auth: { kind: 'key', keyPath: '/k', hasPassphrase: false }, dockerSocket: '/var/run/docker.sock' });

describe('atomic writes', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(await readFile(file, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['a.json']);
  });
});

describe('host inventory', () => {
  it('persists adds and removes across restarts', async () => {
    const inv = new HostInventory(dir);
    await inv.load();
    const a = host('a');
    await inv.add(a);
    await inv.add(host('b'));
    await inv.remove(a.id);
    const again = new HostInventory(dir);
    await again.load();
    expect(again.list().map((h) => h.name)).toEqual(['b']);
  });

  it('keeps both of two concurrent adds', async () => {
    const inv = new HostInventory(dir);
    await inv.load();
    await Promise.all([inv.add(host('a')), inv.add(host('b')), inv.add(host('c'))]);
    const again = new HostInventory(dir);
    await again.load();
    expect(again.list().map((h) => h.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses a duplicate name and names the field', async () => {
    const inv = new HostInventory(dir);
    await inv.load();
    await inv.add(host('a'));
    await expect(inv.add(host('A'))).rejects.toMatchObject({ code: 'conflict', field: 'name' });
    expect(inv.list()).toHaveLength(1);
  });

  it('reads the first format (version 1, no kind) as SSH hosts', async () => {
    await writeFile(path.join(dir, 'hosts.json'), JSON.stringify({ version: 1, hosts: [{ id: 'abc-1', name: 'old', address: '10.0.0.1', port: 22, user: 'root', auth: { kind: 'key', keyPath: '/k' } }] }));
    const inv = new HostInventory(dir);
    expect(await inv.load()).toBeUndefined();
    expect(inv.list()).toEqual([expect.objectContaining({ kind: 'ssh', name: 'old', dockerSocket: '/var/run/docker.sock', auth: { kind: 'key', keyPath: '/k', hasPassphrase: false } })]);
  });

  it('keeps a corrupt file aside and says where', async () => {
    await writeFile(path.join(dir, 'hosts.json'), '{"version": 1, "hosts": [ {broken');
    const inv = new HostInventory(dir);
    const problem = await inv.load();
    expect(problem?.message).toMatch(/hosts\.json was unreadable and has been kept as .*hosts\.json\.corrupt-/);
    expect(inv.list()).toEqual([]);
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith('hosts.json.corrupt-'))).toBe(true);
    expect(files).not.toContain('hosts.json');
  });
});

describe('secret stores', () => {
  it('keeps secrets encrypted on disk with the OS keychain cipher', async () => {
    const { createCipheriv, createDecipheriv, randomBytes } = await import('node:crypto');
    const { EncryptedFileSecretStore } = await import('../../electron/engine/secrets/secret-store');
    const key = randomBytes(32);
    const cipher = {
      encrypt(plain: string) {
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
        return Buffer.concat([iv, c.getAuthTag(), body]);
      },
      decrypt(blob: Buffer) {
        const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
        d.setAuthTag(blob.subarray(12, 28));
        return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8');
      },
    };
    const file = path.join(dir, 'secrets.json');
    const store = new EncryptedFileSecretStore(file, cipher);
    await store.set('h1', 'Marker-Secret-123');
    expect(await readFile(file, 'utf8')).not.toContain('Marker-Secret-123');
    expect(await new EncryptedFileSecretStore(file, cipher).get('h1')).toBe('Marker-Secret-123');
    await store.delete('h1');
    expect(await store.get('h1')).toBeUndefined();
  });
});
