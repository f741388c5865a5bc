// The map: a service dragged onto a network bridge is attached, as the docker CLI confirms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';
import { swarmOfThree, openAppOnLab } from '../support/stage';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1400, height: 950 }));
  // The stage, set through the API: three trusted hosts, a swarm, two overlays, two services.
  const call = <T>(m: string, i: unknown) => apiCall<T>(app.served, m, i);
  await swarmOfThree(app.served, lab);
  await call('networks:create', { name: 'appnet', attachable: true, subnet: '10.88.0.0/24' });
  await call('networks:create', { name: 'secnet', encrypted: true });
  await call('services:create', { name: 'backend', image: 'lab/web', replicas: 3, networks: ['appnet'] });
  await call('services:create', { name: 'frontend', image: 'lab/web', replicas: 3 });
});

afterAll(async () => {
  await closeStage?.();
});

async function dragOnto(p: Page, from: string, to: string) {
  const a = (await p.getByTestId(from).boundingBox())!;
  const b = (await p.getByTestId(to).boundingBox())!;
  await p.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await p.mouse.down();
  // Into the bridge's right part, clear of the chips already on it.
  const tx = b.x + b.width * 0.8;
  const ty = b.y + b.height / 2;
  for (let i = 1; i <= 12; i++) await p.mouse.move(a.x + a.width / 2 + ((tx - a.x - a.width / 2) * i) / 12, a.y + a.height / 2 + ((ty - a.y - a.height / 2) * i) / 12);
  await p.mouse.up();
}

describe('Map', () => {
  it('draws hosts as islands with their tasks, and overlays as bridges', async () => {
    await page.getByTestId('nav-map').click();
    for (const h of lab) await page.getByTestId(`map-island-${h.name}`).waitFor({ timeout: 20_000 });
    await page.getByTestId('map-network-appnet').waitFor();
    await page.getByTestId('map-chip-backend-net').waitFor();
    await page.getByTestId('map-chip-frontend-tray').waitFor();
    await expect.poll(async () => { let n = 0; for (const h of lab) n += Number(await page.getByTestId(`map-island-${h.name}`).getAttribute('data-tasks')); return n; }, { timeout: 30_000 }).toBe(6);
    expect(await page.getByTestId('map-network-secnet').textContent()).toContain('encrypted');
    await screenshot(page, 'map');
  });

  it('attaches frontend to appnet when it is dragged onto the bridge', async () => {
    await dragOnto(page, 'map-chip-frontend-tray', 'map-network-appnet');
    const confirm = page.getByTestId('confirm-move');
    await confirm.waitFor();
    expect(await page.locator('.n-dialog').textContent()).toContain('service update --detach --network-add appnet frontend');
    await screenshot(page, 'map-confirm-attach');
    await confirm.click();
    const appnetId = await sshRun(lab[0], ['docker', 'network', 'inspect', 'appnet', '--format', '{{.Id}}']);
    await expect.poll(() => sshRun(lab[0], ['docker', 'service', 'inspect', 'frontend', '--format', "'{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}'"]), { timeout: 20_000 }).toContain(appnetId);
    await page.getByTestId('map-chip-frontend-net').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    await screenshot(page, 'map-attached');
  });

  it('detaches it again when dragged off the bridge', async () => {
    const a = (await page.getByTestId('map-chip-frontend-net').boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + i * 25);
    await page.mouse.up();
    await page.getByTestId('confirm-move').click();
    const appnetId = await sshRun(lab[0], ['docker', 'network', 'inspect', 'appnet', '--format', '{{.Id}}']);
    await expect.poll(() => sshRun(lab[0], ['docker', 'service', 'inspect', 'frontend', '--format', "'{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}'"]), { timeout: 20_000 }).not.toContain(appnetId);
  });

  it('opens a selected service’s tasks and a selected network’s per-host view from the details', async () => {
    // After the drags above: selection must still work (Vue Flow's own node-click stops here).
    await page.getByTestId('map-chip-backend-net').click();
    await page.getByTestId('service-details-selected').click();
    await expect.poll(() => page.getByTestId('service-tasks').locator('tbody tr').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await page.locator('.n-drawer .n-base-close').click();
    await page.locator('.n-drawer').waitFor({ state: 'detached' });
    await page.getByTestId('map-network-appnet').click();
    await page.getByTestId('inspect-selected').click();
    await expect.poll(() => page.getByTestId('network-details').textContent(), { timeout: 15_000 }).toContain('instantiated');
    await page.locator('.n-drawer .n-base-close').click();
  });

  it('raised no error in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
