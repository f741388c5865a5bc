// Diagnosing what real clusters break on, in Chromium against the lab: the underlay grid on the
// Cluster page (UDP 4789 dropped on h3) and Create swarm… offering a data path port; a check that
// finds large packets vanishing, preselected on the Checks page, and its "What can go wrong"
// page opened from the verdict; an update's progress in the service details, rolled back there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ClusterModel } from '../../electron/shared/model';
import { clearFaults, faultMtu, faultUdp } from '../lab/faults';
import type { LabHostEnv } from '../lab/lab';
import { screenshot, type OpenApp } from '../support/browser';
import { waitUntil } from '../support/cluster-conditions';
import { sshRun } from '../support/lab';
import { apiCall } from '../support/serve';
import { connectLabHosts, openAppOnLab } from '../support/stage';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let ids: string[];
let closeStage: () => Promise<void>;
const snapshot = () => apiCall<ClusterModel>(app.served, 'cluster:snapshot', {});
const svc = (m: ClusterModel, name: string) => m.services.find((s) => s.name === name);

/** Every service's tasks running, and every host running one of them knowing all their addresses. */
async function settled(services: string[], counts: number[]) {
  await waitUntil(`${services.join(', ')} running and known on every host`, async () => {
    const m = await snapshot();
    const net = m.networks.find((n) => n.name === 'appnet');
    const tasks = services.map((s) => m.tasks.filter((t) => t.serviceId === svc(m, s)?.id && t.state === 'running'));
    if (tasks.some((ts, i) => ts.length !== counts[i])) return tasks.map((ts, i) => `${services[i]} ${ts.length}`).join(', ');
    const ips = tasks.flat().flatMap((t) => t.addresses.filter((a) => a.networkId === net?.id).map((a) => a.address.replace(/\/\d+$/, '')));
    for (const h of lab) {
      const seen = await sshRun(h, ['docker', 'network', 'inspect', '--verbose', 'appnet', '--format', "'{{range .Services}}{{range .Tasks}}{{.EndpointIP}} {{end}}{{end}}'"]);
      const missing = ips.filter((ip) => !seen.split(/\s+/).includes(ip));
      if (missing.length) return `${h.name} lacks ${missing.join(' ')}`;
    }
    return true;
  }, 120_000);
}

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1400, height: 1000 }));
  ids = await connectLabHosts(app.served, lab);
});

afterAll(async () => {
  for (const h of lab ?? []) await clearFaults(h.name).catch(() => {});
  await closeStage?.();
});

describe('diagnose', () => {
  it('Cluster → Check the underlay: UDP 4789 dropped on h3 shows its four cells blocked; Create swarm… offers a data path port', async () => {
    await faultUdp('h3', 4789);
    try {
      await page.getByTestId('nav-cluster').click();
      await page.getByTestId('check-underlay').click();
      await page.getByTestId('underlay-grid').waitFor({ timeout: 60_000 });
    } finally {
      await clearFaults('h3');
    }
    const cell = (port: number, from: string, to: string) => page.getByTestId(`underlay-${port}-${from}-${to}`).textContent().then((x) => x?.trim());
    for (const [from, to] of [['h1', 'h3'], ['h2', 'h3'], ['h3', 'h1'], ['h3', 'h2']]) expect(await cell(4789, from, to), `${from}→${to}`).toBe('blocked');
    for (const [from, to] of [['h1', 'h2'], ['h2', 'h1']]) expect(await cell(4789, from, to)).toBe('open');
    for (const from of ['h1', 'h2', 'h3']) for (const to of ['h1', 'h2', 'h3'].filter((x) => x !== from)) expect(await cell(7946, from, to)).toBe('open');
    expect(await page.getByTestId('underlay-grid').textContent()).toContain('--data-path-port');
    await screenshot(page, 'underlay-grid');
    await page.getByTestId('select-h1').click();
    await page.getByTestId('create-swarm').click();
    await page.getByTestId('create-swarm-underlay').waitFor();
    expect(await page.locator('#data-path-port').inputValue()).toBe('4790');
    await page.getByRole('button', { name: 'Cancel' }).click();
  }, 120_000);

  it('Checks: frontend → backend preselected; large packets vanish to h3; the verdict opens its "What can go wrong" page', async () => {
    await apiCall(app.served, 'swarm:init', { id: ids[0], advertiseAddr: lab[0].address });
    await apiCall(app.served, 'swarm:join', { managerId: ids[0], joins: ids.slice(1).map((id) => ({ id, role: 'worker' })) });
    await apiCall(app.served, 'networks:create', { name: 'appnet', subnet: '10.87.0.0/24' });
    await apiCall(app.served, 'services:create', { name: 'backend', image: 'lab/web', replicas: 3, networks: ['appnet'], endpointMode: 'dnsrr' });
    await apiCall(app.served, 'services:create', { name: 'frontend', image: 'lab/web', replicas: 3, networks: ['appnet'], endpointMode: 'dnsrr' });
    await settled(['frontend', 'backend'], [3, 3]);
    await page.getByTestId('nav-checks').click();
    // Preselected for real (the selects show values, not grey placeholders), so Check just works.
    expect(await page.getByTestId('check-from').textContent()).toContain('frontend');
    expect(await page.getByTestId('check-to').textContent()).toContain('backend');
    await faultMtu('h3', 1400);
    try {
      await page.getByTestId('check-run').click();
      await page.getByTestId('verdict-mtu-blackhole').waitFor({ timeout: 60_000 });
    } finally {
      await clearFaults('h3');
    }
    expect(await page.getByTestId('verdict-mtu-blackhole').textContent()).toMatch(/Large packets vanish to and from h3: up to 13\d\d bytes pass, appnet's MTU is 1450/);
    await screenshot(page, 'verdict-mtu-blackhole');
    await page.getByTestId('verdict-page-mtu-blackhole').click();
    await page.getByTestId('cause-mtu-blackhole').waitFor();
    const raised = page.getByTestId('cause-raised-by');
    expect(await raised.textContent()).toContain('Raised by the last check: frontend → backend');
    expect(await raised.getByTestId('cli-commands').textContent()).toMatch(/docker -H ssh:\/\/root@[\d.]+ exec \w{12} ping -c 1 -W 2 10\.87\.0\.\d+/);
    await screenshot(page, 'cause-mtu-blackhole');
    // Every verdict has its page, listed beside it.
    expect(await page.locator('[data-testid^="cause-link-"]').count()).toBe(16);
  }, 240_000);

  it('Services → Details: an update shows its progress; Rollback there, with its docker command', async () => {
    // A fixture as a user would set it by hand: 30 s between task updates, so the update lasts.
    await sshRun(lab[0], ['docker', 'service', 'update', '--detach', '--update-delay', '30s', 'backend']);
    await page.getByTestId('nav-services').click();
    await page.getByTestId('details-backend').click();
    await page.getByRole('tab', { name: 'Update' }).click();
    await page.getByLabel('Environment').fill('VERSION=2');
    await page.getByTestId('service-update-submit').click();
    await waitUntil('backend: updating, one task updated', async () => {
      const u = svc(await snapshot(), 'backend')?.update;
      return u?.state === 'updating' && u.updated >= 1 ? true : `update ${u?.state} ${u?.updated}/${u?.total}`;
    });
    await expect.poll(() => page.getByTestId('update-count-backend').first().textContent(), { timeout: 15_000 }).toMatch(/[1-2] of 3 tasks updated/);
    expect(await page.getByTestId('update-state-backend').first().textContent()).toBe('updating');
    await screenshot(page, 'service-update-progress');
    await page.getByTestId('rollback-backend').click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('operation-log').getByText(/service rollback --detach backend/).waitFor({ timeout: 30_000 });
    await waitUntil('backend: rolling back', async () => {
      const u = svc(await snapshot(), 'backend')?.update;
      return u?.state.startsWith('rollback') ? true : `update ${u?.state}`;
    });
    await expect.poll(() => page.getByTestId('update-state-backend').first().textContent(), { timeout: 15_000 }).toMatch(/rolling back|rolled back/);
    await screenshot(page, 'service-rollback');
    // The history tab lists old and new tasks, as docker service ps does.
    await page.getByRole('tab', { name: 'History' }).click();
    expect(await page.getByTestId('task-history').locator('tbody tr').count()).toBeGreaterThan(3);
  }, 180_000);
});
