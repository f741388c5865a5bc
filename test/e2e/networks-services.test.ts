// Creating an overlay and a service on it through the forms, then scaling it, by clicking only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { HostView } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { labHosts, leaveSwarmEverywhere, sshRun } from '../support/lab';
import { openApp, screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';
import { tempDir } from '../support/temp-dir';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  lab = await labHosts();
  await leaveSwarmEverywhere(lab);
  const t = await tempDir();
  cleanup = t.cleanup;
  app = await openApp(t.dir, {}, { width: 1360, height: 900 });
  page = app.page;
  // A one-node swarm on h1 is the stage; the forms do the rest.
  const h = lab[0];
  const { id } = await apiCall<HostView>(app.served, 'hosts:add', { name: h.name, address: h.address, auth: { kind: 'key', keyPath: h.keyPath } });
  for (let n = 0; n < 100 && (await apiCall<HostView[]>(app.served, 'hosts:list', {}))[0].status !== 'host-key-unknown'; n++) await new Promise((r) => setTimeout(r, 50));
  await apiCall(app.served, 'hosts:trust', { id, fingerprint: h.hostKeyFingerprint });
  for (let n = 0; n < 100 && (await apiCall<HostView[]>(app.served, 'hosts:list', {}))[0].status !== 'connected'; n++) await new Promise((r) => setTimeout(r, 50));
  await apiCall(app.served, 'swarm:init', { id, advertiseAddr: h.address });
});

afterAll(async () => {
  await app?.close();
  await cleanup?.();
  await leaveSwarmEverywhere(lab);
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
    await page.getByTestId('svc-networks').click();
    await page.locator('.n-base-select-option', { hasText: 'appnet' }).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('service-form-submit').click();
    await page.getByTestId('service-row-backend').waitFor({ timeout: 15_000 });
    await page.getByLabel('Replicas of backend').fill('3');
    await page.getByLabel('Replicas of backend').press('Tab');
    await page.getByTestId('scale-backend').click();
    await expect.poll(() => sshRun(lab[0], ['docker', 'service', 'inspect', 'backend', '--format', "'{{.Spec.Mode.Replicated.Replicas}} {{len .Spec.TaskTemplate.Networks}}'"]), { timeout: 15_000 }).toBe('3 1');
    await page.waitForTimeout(500);
    await screenshot(page, 'services');
    expect(app.pageErrors).toEqual([]);
  });
});
