// A marker password goes in through the browser-mode API; afterwards it must be found nowhere:
// not in the settings files, not in the server's log, not in anything sent to the UI.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { setSshdVariant } from '../lab/sshd';
import { labHosts } from '../support/lab';
import { serve, type Served } from '../support/serve';
import { tempDir } from '../support/temp-dir';
import { waitFor } from '../support/wait';

const MARKER = 'Marker-Pa55-7f3e9c';
const WRONG_MARKER = 'Wrong-Marker-2b8d41';
let served: Served;
let dir: string;
let cleanup: () => Promise<void>;
let ws: WebSocket;
const sentToUi: string[] = [];

async function api(method: string, input: unknown): Promise<any> {
  const res = await fetch(new URL(`/api/${method}`, served.url), { method: 'POST', headers: { Authorization: `Bearer ${served.token}` }, body: JSON.stringify(input) });
  const text = await res.text();
  sentToUi.push(text);
  return JSON.parse(text);
}

async function waitForHost(name: string, statuses: string[]): Promise<any> {
  return waitFor(
    `${name} to be ${statuses.join(' or ')}`,
    async () => (await api('hosts:list', {})).result.find((h: { name: string }) => h.name === name),
    (host) => Boolean(host && statuses.includes(host.status)),
    { timeoutMs: 20_000, everyMs: 50, show: (host) => (host ? `${host.status} (${host.statusDetail ?? ''})` : 'not listed') },
  );
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await setSshdVariant('h3', { password: MARKER });
  served = await serve(dir);
  ws = new WebSocket(`${served.url.replace('http', 'ws')}events?token=${served.token}`);
  ws.on('message', (m) => sentToUi.push(String(m)));
  await new Promise((r) => ws.on('open', r));
});
afterAll(async () => {
  ws?.close();
  await served?.stop();
  await setSshdVariant('h3', {});
  await cleanup?.();
});

describe('secrets', () => {
  it('uses the password to log in, then never lets it out', async () => {
    const [, , h3] = await labHosts();
    const added = await api('hosts:add', { name: 'pw-host', address: h3.address, auth: { kind: 'password', password: MARKER } });
    expect(added.ok).toBe(true);
    const pending = await waitForHost('pw-host', ['host-key-unknown']);
    expect(pending.hostKey.fingerprint).toBe(h3.hostKeyFingerprint);
    expect((await api('hosts:trust', { id: added.result.id, fingerprint: h3.hostKeyFingerprint })).ok).toBe(true);
    const connected = await waitForHost('pw-host', ['connected']);
    expect(connected.secret).toBe('memory');
    expect((await api('hosts:probe', { id: added.result.id })).result.hostname).toBe('h3');
    expect((await api('hosts:test', { id: added.result.id })).result.ok).toBe(true);
    // A wrong password fails with a message that does not repeat it.
    const wrong = await api('hosts:add', { name: 'pw-wrong', address: h3.address, auth: { kind: 'password', password: WRONG_MARKER } });
    await waitForHost('pw-wrong', ['auth-failed']);
    expect((await api('hosts:test', { id: wrong.result.id })).result.ok).toBe(false);
    // An edit that changes only the name keeps the password.
    await api('hosts:update', { id: added.result.id, name: 'pw-host-renamed' });
    await waitForHost('pw-host-renamed', ['connected']);
    expect((await api('app:info', {})).result.secretStorage).toBe('memory');
    await new Promise((r) => setTimeout(r, 300));

    const leaks: string[] = [];
    for (const text of sentToUi) for (const m of [MARKER, WRONG_MARKER]) if (text.includes(m)) leaks.push(`sent to the UI: ${text.slice(0, 200)}`);
    for (const file of await filesUnder(dir)) {
      const content = await readFile(file, 'utf8');
      for (const m of [MARKER, WRONG_MARKER]) if (content.includes(m)) leaks.push(`in ${file}`);
    }
    for (const m of [MARKER, WRONG_MARKER]) if (served.output().includes(m)) leaks.push('in the server log');
    expect(sentToUi.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
