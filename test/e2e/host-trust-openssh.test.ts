// In Chromium: a host known by its ed25519 key that presents an ECDSA key shows a warning as
// strong as "changed", and is trusted only once both confirmations are ticked; the import
// dialog says which reader resolved ~/.ssh/config, and reads it as OpenSSH does.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hostKeyFingerprint, setSshdVariant } from '../lab/sshd';
import { labHosts } from '../support/lab';
import { openApp, screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';
import { tempDir } from '../support/temp-dir';
import type { HostView } from '../../electron/shared/model';

let app: OpenApp;
let page: Page;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const [, h2] = await labHosts();
  const t = await tempDir();
  cleanup = t.cleanup;
  const home = path.join(t.dir, 'home');
  await mkdir(path.join(home, '.ssh', 'conf.d'), { recursive: true });
  // Keywords in other cases and an Include, as tools write them.
  await writeFile(path.join(home, '.ssh', 'config'), `Include conf.d/*.conf\nHost island2\n  HOSTNAME ${h2.address}\n  user root\n  IdentityFile ${h2.keyPath}\n`);
  await writeFile(path.join(home, '.ssh', 'conf.d', 'tool.conf'), `Host from-tool\n  Hostname ${h2.address}\n  Port 2200\n`);
  app = await openApp(path.join(t.dir, 'config'), { HOME: home, SSH_AUTH_SOCK: '' });
  page = app.page;
});

afterAll(async () => {
  await setSshdVariant('h2', {});
  await app?.close();
  await cleanup?.();
});

describe('trust like OpenSSH, in the UI', () => {
  it('warns about a key of another type and trusts it only with both confirmations', async () => {
    const [, h2] = await labHosts();
    const added = await apiCall<HostView>(app.served, 'hosts:add', { name: 'h2', address: h2.address, auth: { kind: 'key', keyPath: h2.keyPath } });
    const dialog = page.getByTestId('host-key-dialog');
    await dialog.waitFor({ timeout: 20_000 });
    await dialog.getByTestId('trust-host-key').click();
    const card = page.getByTestId('host-card-h2');
    await card.getByTestId('engine-version').waitFor({ timeout: 30_000 });

    await setSshdVariant('h2', { hostKeys: ['ecdsa'] });
    const ecdsa = await hostKeyFingerprint('h2', 'ecdsa');
    await card.getByTestId('test-host').click();
    const warning = card.getByTestId('host-key-other-type');
    await warning.waitFor({ timeout: 20_000 });
    expect(await warning.textContent()).toContain(h2.hostKeyFingerprint);
    expect(await card.getByTestId('host-status').getAttribute('data-status')).toBe('host-key-other-type');
    await warning.getByTestId('review-host-key').click();
    await dialog.waitFor();
    expect(await dialog.getByTestId('host-key-other-type-warning').textContent()).toContain(`ssh-ed25519 ${h2.hostKeyFingerprint}`);
    expect(await dialog.getByTestId('host-key-fingerprint').textContent()).toBe(ecdsa);
    expect(await dialog.getByTestId('host-key-command').textContent()).toBe('ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub');
    const trust = dialog.getByTestId('trust-host-key');
    expect(await trust.isDisabled()).toBe(true);
    await dialog.getByTestId('confirm-new-key').click();
    expect(await trust.isDisabled()).toBe(true);
    await dialog.getByTestId('confirm-old-key-retired').click();
    await screenshot(page, 'hosts-key-other-type');
    expect(await trust.isDisabled()).toBe(false);
    await trust.click();
    await expect.poll(async () => (await apiCall<HostView[]>(app.served, 'hosts:list', {})).find((h) => h.id === added.id)?.status, { timeout: 30_000 }).toBe('connected');
  });

  it('imports from ~/.ssh/config resolved by OpenSSH, with included files and keywords in any case', async () => {
    const [, h2] = await labHosts();
    await page.getByTestId('import-hosts').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-island2').waitFor();
    const resolver = dialog.getByTestId('import-resolver').first();
    expect(await resolver.getAttribute('data-resolver')).toBe('openssh');
    expect(await resolver.textContent()).toContain('ssh -G');
    const text = await dialog.textContent();
    expect(text).toContain(`root@${h2.address}:22`);
    expect(text).toContain(`${h2.address}:2200`);
    await page.keyboard.press('Escape');
  });
});
