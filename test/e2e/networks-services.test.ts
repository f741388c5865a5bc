// Creating an overlay and a service on it through the forms, then scaling it, by clicking only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { connectLabHosts, openAppOnLab } from '../support/stage';
import { screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1360, height: 900 }));
  // A one-node swarm on h1 is the stage; the forms do the rest.
  const [id] = await connectLabHosts(app.served, [lab[0]]);
  await apiCall(app.served, 'swarm:init', { id, advertiseAddr: lab[0].address });
});

afterAll(async () => {
  await closeStage?.();
});

describe('Networks and Services pages', () => {
  it('creates an overlay from the form, after refusing a bad subnet', async () => {
    await page.getByTestId('nav-networks').click();
    await page.getByTestId('create-network').click();
    await page.getByLabel('Name', { exact: true }).fill('appnet');
    await page.getByLabel('Subnet (empty: Docker picks one)').fill('10.0.0.0/33');
    await page.getByTestId('network-form-submit').click();
    await expect.poll(() => page.getByTestId('network-form').textContent()).toContain('must be an IPv4 subnet');
    await page.getByLabel('Subnet (empty: Docker picks one)').fill('10.66.0.0/24');
    await page.getByTestId('network-form-submit').click();
    await page.getByTestId('network-row-appnet').waitFor({ timeout: 15_000 });
    expect(await sshRun(lab[0], ['docker', 'network', 'inspect', 'appnet', '--format', "'{{.Attachable}} {{(index .IPAM.Config 0).Subnet}}'"])).toBe('true 10.66.0.0/24');
  });

  it('creates a service on it and scales it', async () => {
    await page.getByTestId('nav-services').click();
    await page.getByTestId('create-service').click();
    await page.getByLabel('Name', { exact: true }).fill('backend');
    // The image comes from the picker, which lists what the hosts already have.
    await page.locator('#svc-image').fill('lab/w');
    await page.locator('.n-base-select-option', { hasText: 'lab/web:latest' }).click();
    expect(await page.locator('#svc-image').inputValue()).toBe('lab/web:latest');
    await page.getByTestId('svc-networks').click();
    await page.locator('.n-base-select-option', { hasText: 'appnet' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('service-form-submit').click();
    await page.getByTestId('service-row-backend').waitFor({ timeout: 15_000 });
    // The drawer traps focus until it has gone: typing before that lands in the drawer.
    await page.locator('.n-drawer').waitFor({ state: 'detached' });
    await page.getByLabel('Replicas of backend').fill('3');
    await page.getByLabel('Replicas of backend').press('Tab');
    expect(await page.getByLabel('Replicas of backend').inputValue()).toBe('3');
    await page.getByTestId('scale-backend').click();
    await expect.poll(() => sshRun(lab[0], ['docker', 'service', 'inspect', 'backend', '--format', "'{{.Spec.Mode.Replicated.Replicas}} {{len .Spec.TaskTemplate.Networks}}'"]), { timeout: 15_000 }).toBe('3 1');
    await page.waitForTimeout(500);
    await screenshot(page, 'services');
    expect(app.pageErrors).toEqual([]);
  });

  it('shows a service’s tasks, updates its command and follows its logs', async () => {
    await page.getByTestId('details-backend').click();
    await expect.poll(() => page.getByTestId('service-tasks').locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
    const settled = /^(?:(?!→).)*$/;
    await expect.poll(() => page.getByTestId('service-tasks').textContent(), { timeout: 30_000 }).toMatch(settled);
    expect((await page.getByTestId('service-tasks').textContent())?.match(/h1running10\.66\.0\.\d+\/24 \(appnet\)/g)).toHaveLength(3);
    // By keyboard: the tabs take focus and open with Enter.
    await page.getByRole('tab', { name: 'Update' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('tab', { name: 'Update' }).getAttribute('aria-selected')).toBe('true');
    await page.getByLabel('Command').fill(['sh', '-c', 'while true; do echo "hello from $(hostname)"; sleep 0.5; done'].join('\n'));
    await page.getByTestId('service-update-submit').click();
    await expect.poll(() => sshRun(lab[0], ['docker', 'service', 'inspect', 'backend', '--format', "'{{json .Spec.TaskTemplate.ContainerSpec.Args}}'"]), { timeout: 15_000 }).toContain('hello from');
    await page.locator('.n-tabs-tab', { hasText: 'Logs' }).click();
    await expect.poll(() => page.getByTestId('service-logs').textContent(), { timeout: 60_000 }).toContain('hello from');
    await page.waitForTimeout(300);
    await screenshot(page, 'service-logs');
    await page.locator('.n-drawer .n-base-close').click();
    await page.locator('.n-drawer').waitFor({ state: 'detached' });
  });

  it('inspects the overlay host by host', async () => {
    await page.getByTestId('nav-networks').click();
    await page.getByTestId('inspect-network-appnet').click();
    await page.getByTestId('network-details').waitFor();
    await expect.poll(() => page.getByTestId('network-host-h1').textContent(), { timeout: 15_000 }).toContain('instantiated');
    await expect.poll(() => page.getByTestId('network-service-backend').textContent(), { timeout: 15_000 }).toMatch(/VIP 10\.66\.0\.\d+ · tasks (10\.66\.0\.\d+, ){2}10\.66\.0\.\d+/);
    await page.waitForTimeout(400); // the drawer slides in
    await screenshot(page, 'network-details');
    expect(app.pageErrors).toEqual([]);
  });
});
