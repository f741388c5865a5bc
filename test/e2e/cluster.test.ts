// Building the 3-node swarm by clicking only, then checking it with the docker CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { openAppOnLab } from '../support/stage';
import { screenshot, type OpenApp } from '../support/browser';
import { addLabHostThroughUi } from '../support/ui';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1360, height: 900 }));
});

afterAll(async () => {
  await closeStage?.();
});

describe('Cluster page', () => {
  it('builds a 3-node swarm by clicking only', async () => {
    for (const h of lab) await addLabHostThroughUi(page, h);
    await page.getByTestId('nav-cluster').click();
    for (const h of lab) await page.getByTestId(`island-${h.name}`).waitFor();

    await page.getByTestId('select-h1').click();
    await page.getByTestId('create-swarm').click();
    const create = page.getByTestId('create-swarm-dialog');
    await create.getByTestId(`advertise-${lab[0].address}`).waitFor();
    expect(await create.textContent()).toContain('Archipelago reaches the host here');
    await screenshot(page, 'cluster-create-swarm');
    await create.getByTestId('create-swarm-submit').click();
    await page.locator('[data-testid="operation-log"] [data-host="h1"][data-state="done"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('role-h1').textContent(), { timeout: 10_000 }).toBe('manager · leader');

    await page.getByTestId('select-h2').click();
    await page.getByTestId('select-h3').click();
    await page.getByTestId('join-worker').click();
    for (const name of ['h2', 'h3']) {
      await page.locator(`[data-testid="operation-log"] [data-host="${name}"][data-state="done"]`).waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId(`role-${name}`).textContent(), { timeout: 10_000 }).toBe('worker');
    }
    expect(await page.getByTestId('operation-log').textContent()).toContain('swarm join --token "$(docker -H ssh://root@');
    await expect.poll(() => page.getByTestId('state-h3').textContent(), { timeout: 10_000 }).toBe('ready');
    await page.waitForTimeout(300);
    await screenshot(page, 'cluster');

    const nodes = (await sshRun(lab[0], ['docker', 'node', 'ls', '--format', "'{{.Hostname}} {{.Status}} {{.ManagerStatus}}'"])).split('\n').map((l) => l.trim()).sort();
    expect(nodes).toEqual(['h1 Ready Leader', 'h2 Ready', 'h3 Ready']);
  });

  it('drains a node from its menu', async () => {
    await page.getByTestId('node-actions-h3').click();
    await page.getByTestId('node-action-availability').hover();
    await page.getByTestId('node-action-availability-drain').click();
    await expect.poll(() => page.getByTestId('availability-h3').textContent(), { timeout: 10_000 }).toBe('drain');
    expect(await sshRun(lab[0], ['docker', 'node', 'inspect', 'h3', '--format', '{{.Spec.Availability}}'])).toBe('drain');
  });

  it('raised no error in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
