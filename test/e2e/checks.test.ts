// One-click check between two services, picked on the map, then a console in a task on
// another host running `hostname`: in Chromium, against the real lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ClusterModel } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';
import { swarmOfThree, openAppOnLab } from '../support/stage';
import { waitForModel, waitForOverlay } from '../support/swarm-conditions';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1400, height: 1000 }));
  await swarmOfThree(app.served, lab);
  await apiCall(app.served, 'networks:create', { name: 'appnet', attachable: true, subnet: '10.93.0.0/24' });
  await apiCall(app.served, 'services:create', { name: 'backend', image: 'lab/web', replicas: 3, networks: ['appnet'], endpointMode: 'dnsrr' });
  await apiCall(app.served, 'services:create', { name: 'frontend', image: 'lab/web', replicas: 3, networks: ['appnet'] });
  // The check below runs once: first every task runs and every node's view of appnet knows them.
  const { services } = await waitForOverlay(lab, 'appnet', ['frontend', 'backend']);
  await waitForModel(() => apiCall<ClusterModel>(app.served, 'cluster:snapshot', {}), services);
});

afterAll(async () => {
  await closeStage?.();
});

describe('Checks', () => {
  it('picks frontend then backend on the map and checks in one click: verdict and grid', async () => {
    await page.getByTestId('nav-map').click();
    await page.getByTestId('map-chip-frontend-net').click();
    await page.getByTestId('check-from-selected').click();
    await page.getByTestId('map-chip-backend-net').click();
    await page.getByTestId('check-selected').click();
    // One click, one verdict: the overlay converged before the test began.
    const verdict = page.getByTestId('check-result').locator('[data-testid^="verdict-"]').first();
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute('data-testid'), (await page.getByTestId('check-result').textContent()) ?? '').toBe('verdict-reachable');
    expect(await page.getByTestId('check-grid').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('check-grid').locator('td.cell.ok').count()).toBe(9);
    expect(await page.getByTestId('check-result').textContent()).toContain('frontend reaches backend');
    await page.waitForTimeout(300);
    await screenshot(page, 'checks');
  });

  it('watches the check and draws the latency history', async () => {
    await page.getByTestId('check-watch').click();
    await expect.poll(() => page.getByTestId('latency-chart').locator('polyline').getAttribute('points'), { timeout: 20_000 }).toMatch(/\d+(\.\d+)?,\d+(\.\d+)? \d/);
    // The watch goes on while the map draws the checked edge.
    await page.getByTestId('nav-map').click();
    await page.getByTestId('watching').waitFor();
    await page.locator('.vue-flow__edge.check.ok').waitFor({ timeout: 15_000 });
    await page.getByTestId('nav-checks').click();
    await page.getByTestId('check-stop').click();
    await page.getByTestId('check-watch').waitFor();
  });

  it('draws a broken edge in red on the map', async () => {
    await page.getByLabel('Port').fill('81');
    await page.getByLabel('Port').press('Tab');
    await page.getByTestId('check-run').click();
    await page.getByTestId('verdict-port-refused').waitFor({ timeout: 20_000 });
    await page.getByTestId('nav-map').click();
    await page.locator('.vue-flow__edge.check.error').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await screenshot(page, 'map-broken-edge');
  });

  it('runs the matrix on a network, showing progress while its cells fill in', async () => {
    await page.getByTestId('nav-checks').click();
    await page.getByLabel('Matrix network').click();
    await page.locator('.n-base-select-option', { hasText: 'appnet' }).click();
    await page.getByTestId('matrix-run').click();
    expect(await page.getByTestId('matrix-progress').textContent()).toMatch(/\d of 2 pairs checked/);
    await page.getByTestId('matrix-progress').waitFor({ state: 'detached', timeout: 60_000 });
    const cells = page.getByTestId('check-matrix').locator('button.m');
    expect(await cells.count()).toBe(2);
    expect(await cells.allTextContents()).toContain('✓ reachable');
  });

  it('opens a console in a task on another host and runs hostname in it', async () => {
    const model = await apiCall<ClusterModel>(app.served, 'cluster:snapshot', {});
    const h2 = model.nodes.find((n) => n.hostname === 'h2')!;
    const backend = model.services.find((s) => s.name === 'backend')!;
    const task = model.tasks.find((k) => k.serviceId === backend.id && k.nodeId === h2.id && k.state === 'running')!;
    await page.getByTestId('nav-services').click();
    await page.getByTestId('details-backend').click();
    await page.getByTestId(`console-h2-${task.slot}`).click();
    const rows = page.getByTestId('console-terminal').locator('.xterm-rows');
    await rows.waitFor();
    await expect.poll(() => rows.textContent(), { timeout: 10_000 }).toMatch(/[#$]/);
    await page.getByTestId('console-terminal').click();
    await page.keyboard.type('hostname\n');
    await expect.poll(() => rows.textContent(), { timeout: 10_000 }).toContain(task.containerId!.slice(0, 12));
    await page.waitForTimeout(200);
    await screenshot(page, 'console');
    expect(app.pageErrors).toEqual([]);
  });
});
