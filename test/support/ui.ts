// Steps a person takes in the UI, shared by e2e tests.
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';

export async function fillHostForm(page: Page, fields: { name: string; address: string; port?: string; key: string }): Promise<void> {
  await page.getByTestId('add-host').click();
  await page.getByLabel('Name', { exact: true }).fill(fields.name);
  await page.getByLabel('Address').fill(fields.address);
  if (fields.port) await page.getByLabel('SSH port').fill(fields.port);
  await page.getByLabel('Private key file').fill(fields.key);
  await page.getByTestId('host-form-submit').click();
}

/** Adds a lab host with the form, compares the fingerprint with the lab's and trusts it. */
export async function addLabHostThroughUi(page: Page, h: LabHostEnv): Promise<void> {
  await fillHostForm(page, { name: h.name, address: h.address, key: h.keyPath });
  const dialog = page.getByTestId('host-key-dialog');
  await dialog.waitFor({ timeout: 20_000 });
  const shown = await dialog.getByTestId('host-key-fingerprint').textContent();
  if (shown !== h.hostKeyFingerprint) throw new Error(`${h.name}: the app showed ${shown}, the lab says ${h.hostKeyFingerprint}`);
  await dialog.getByTestId('trust-host-key').click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId(`host-card-${h.name}`).getByTestId('engine-version').waitFor({ timeout: 20_000 });
}
