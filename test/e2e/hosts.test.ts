// A person adds a lab host through the form in Chromium (browser mode) and sees its engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labHosts, sshRun } from '../support/lab';
import { openApp, screenshot, type OpenApp } from '../support/browser';
import type { Served } from '../support/serve';
import { tempDir } from '../support/temp-dir';
import { fillHostForm } from '../support/ui';

let app: OpenApp;
let served: Served;
let page: Page;
let pageErrors: string[];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  app = await openApp(t.dir);
  ({ served, page, pageErrors } = app);
});

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

describe('Hosts page', () => {
  it('starts empty and takes the token out of the address bar', async () => {
    await page.getByTestId('no-hosts').waitFor();
    expect(page.url()).not.toContain(served.token);
    expect(await page.getByTestId('page-title').textContent()).toBe('Hosts');
  });

  it('shows what is wrong with bad input and sends nothing', async () => {
    const [h] = await labHosts();
    await fillHostForm(page, { name: 'bad', address: 'not an address', port: '70000', key: h.keyPath });
    const form = page.getByTestId('host-form');
    await expect.poll(() => form.textContent()).toContain('is not a valid IP address or host name');
    expect(await form.textContent()).toContain('must be from 1 to 65535');
    const list = await fetch(new URL('/api/hosts:list', served.url), { method: 'POST', headers: { Authorization: `Bearer ${served.token}` }, body: '{}' });
    expect(((await list.json()) as { result: unknown }).result).toEqual([]);
    await screenshot(page, 'hosts-add-invalid');
    await page.keyboard.press('Escape');
  });

  it('adds a lab host through the form, asks to compare its key, then shows its engine version', async () => {
    const [h] = await labHosts();
    await page.reload();
    await fillHostForm(page, { name: h.name, address: h.address, key: h.keyPath });
    const dialog = page.getByTestId('host-key-dialog');
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.getByTestId('host-key-fingerprint').textContent()).toBe(h.hostKeyFingerprint);
    await page.waitForTimeout(300);
    await screenshot(page, 'hosts-key-dialog');
    await dialog.getByTestId('trust-host-key').click();
    const card = page.getByTestId(`host-card-${h.name}`);
    await card.getByTestId('engine-version').waitFor({ timeout: 30_000 });
    const version = await sshRun(h, ['docker', 'version', '--format', '{{.Server.Version}}']);
    expect(await card.getByTestId('engine-version').textContent()).toBe(version);
    expect(await card.getByTestId('node-hostname').textContent()).toBe(h.name);
    expect(await card.getByTestId('host-status').getAttribute('data-status')).toBe('connected');
    await page.waitForTimeout(400); // let the drawer finish closing before the picture
    await screenshot(page, 'hosts');
  });

  it('tests the connection step by step', async () => {
    const [h] = await labHosts();
    const card = page.getByTestId(`host-card-${h.name}`);
    await card.getByTestId('test-host').click();
    const steps = card.getByTestId('test-steps');
    await steps.locator('li[data-step="docker"]').waitFor();
    expect(await steps.locator('li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-ok')}`))).toEqual(['tcp:true', 'ssh:true', 'auth:true', 'docker:true']);
    expect(await card.getByTestId('host-transport').textContent()).toContain('socket forwarding');
  });

  it('switches to the dark theme and keeps it after a reload', async () => {
    await page.getByTestId('theme-toggle').click();
    await page.reload();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(150);
    await screenshot(page, 'hosts-dark');
    await page.getByTestId('theme-toggle').click();
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
