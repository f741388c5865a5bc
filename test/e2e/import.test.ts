// A user whose hosts are already in ~/.ssh/config and Docker contexts imports them in a click.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labHosts } from '../support/lab';
import { openApp, screenshot, type OpenApp } from '../support/browser';
import { tempDir } from '../support/temp-dir';

let app: OpenApp;
let page: Page;
let pageErrors: string[];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const [, h2, h3] = await labHosts();
  const t = await tempDir();
  cleanup = t.cleanup;
  const home = path.join(t.dir, 'home');
  await mkdir(path.join(home, '.ssh'), { recursive: true });
  const ctx = path.join(home, '.docker', 'contexts', 'meta', 'abc123');
  await mkdir(ctx, { recursive: true });
  await writeFile(path.join(ctx, 'meta.json'), JSON.stringify({ Name: 'island3', Metadata: {}, Endpoints: { docker: { Host: `ssh://root@${h3.address}` } } }));
  // The context names h3 by address; ~/.ssh/config gives that address its key, as for the docker CLI.
  await writeFile(path.join(home, '.ssh', 'config'), `Host island2\n  HostName ${h2.address}\n  User root\n  IdentityFile ${h2.keyPath}\n\nHost ${h3.address.replace(/\.\d+$/, '.*')}\n  IdentityFile ${h3.keyPath}\n`);
  app = await openApp(path.join(t.dir, 'config'), { HOME: home, SSH_AUTH_SOCK: '' }, { width: 1280, height: 860 });
  ({ page, pageErrors } = app);
});

afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

describe('Import hosts', () => {
  it('lists hosts from ~/.ssh/config and Docker contexts and adds the chosen ones', async () => {
    const [, h2, h3] = await labHosts();
    await page.getByTestId('import-hosts').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-island2').waitFor();
    await dialog.getByTestId('import-island3').waitFor();
    expect(await dialog.textContent()).toContain(`root@${h2.address}:22`);
    await screenshot(page, 'hosts-import');
    await dialog.getByTestId('import-submit').click();
    // Each new host's key is compared and trusted in turn.
    const keyDialog = page.getByTestId('host-key-dialog');
    const fingerprint = keyDialog.getByTestId('host-key-fingerprint');
    const trusted: string[] = [];
    for (let i = 0; i < 2; i++) {
      await expect.poll(async () => ((await fingerprint.count()) ? await fingerprint.textContent() : null), { timeout: 20_000 }).not.toBeOneOf([null, ...trusted]);
      const fp = (await fingerprint.textContent())!;
      expect([h2.hostKeyFingerprint, h3.hostKeyFingerprint]).toContain(fp);
      trusted.push(fp);
      await keyDialog.getByTestId('trust-host-key').click();
    }
    await keyDialog.waitFor({ state: 'detached' });
    for (const [name, h] of [['island2', h2], ['island3', h3]] as const) {
      const card = page.getByTestId(`host-card-${name}`);
      await card.getByTestId('node-hostname').waitFor({ timeout: 20_000 });
      expect(await card.getByTestId('node-hostname').textContent()).toBe(h.name);
    }
    expect(pageErrors).toEqual([]);
  });
});
