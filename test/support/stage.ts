// Setting the stage for an e2e test through the API (the test itself then clicks): the lab's
// hosts added and trusted after comparing fingerprints, and a swarm of all three.
import type { Page } from 'playwright-core';
import type { HostView } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { openApp, type OpenApp } from './browser';
import { labHosts, leaveSwarmEverywhere } from './lab';
import { apiCall, type Served } from './serve';
import { tempDir } from './temp-dir';
import { waitFor } from './wait';

const statuses = (hosts: HostView[]) => hosts.map((h) => `${h.name} ${h.status}${h.statusDetail ? ` (${h.statusDetail})` : ''}`).join(', ');

export async function connectLabHosts(served: Served, lab: LabHostEnv[]): Promise<string[]> {
  const call = <T>(m: string, i: unknown) => apiCall<T>(served, m, i);
  const ids: string[] = [];
  for (const h of lab) ids.push((await call<HostView>('hosts:add', { name: h.name, address: h.address, auth: { kind: 'key', keyPath: h.keyPath } })).id);
  for (const [i, id] of ids.entries()) {
    await waitFor(`${lab[i].name} to present its host key`, () => call<HostView[]>('hosts:list', {}), (hosts) => hosts.find((x) => x.id === id)?.status === 'host-key-unknown', { timeoutMs: 20_000, everyMs: 50, show: statuses });
    await call('hosts:trust', { id, fingerprint: lab[i].hostKeyFingerprint });
  }
  await waitFor('every lab host connected', () => call<HostView[]>('hosts:list', {}), (hosts) => hosts.every((v) => v.status === 'connected'), { timeoutMs: 20_000, everyMs: 50, show: statuses });
  return ids;
}

/** The lab's hosts connected, h1 the manager, the others workers. */
export async function swarmOfThree(served: Served, lab: LabHostEnv[]): Promise<string[]> {
  const ids = await connectLabHosts(served, lab);
  await apiCall(served, 'swarm:init', { id: ids[0], advertiseAddr: lab[0].address });
  const { results } = await apiCall<{ results: { name: string; outcome: string; message: string }[] }>(served, 'swarm:join', { managerId: ids[0], joins: ids.slice(1).map((id) => ({ id, role: 'worker' })) });
  const failed = results.filter((r) => r.outcome !== 'joined');
  if (failed.length) throw new Error(`joins failed: ${failed.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
  return ids;
}

/**
 * An e2e test's stage: the lab's hosts out of any swarm and the app open in Chromium (browser
 * mode, a fresh config folder). `close` undoes all of it.
 */
export async function openAppOnLab(viewport: { width: number; height: number }): Promise<{ app: OpenApp; page: Page; lab: LabHostEnv[]; close: () => Promise<void> }> {
  const lab = await labHosts();
  await leaveSwarmEverywhere(lab);
  const { dir, cleanup } = await tempDir();
  const app = await openApp(dir, {}, viewport);
  const close = async () => {
    await app.close();
    await cleanup();
    await leaveSwarmEverywhere(lab);
  };
  return { app, page: app.page, lab, close };
}
