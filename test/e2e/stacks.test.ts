// Stacks by clicking, in Chromium against browser mode on the lab: paste a compose file in the
// editor, see a schema error underlined, fix it, preview, deploy and watch every service
// converge, see the stack grouped on the map under short names, export it to a file, and rotate
// the secret one of its services uses.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { openAppOnLab, swarmOfThree } from '../support/stage';
import { screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

const STACK = `version: "3.8"
services:
  vote:
    image: lab/web
    ports: ["8401:80"]
    networks: [frontend]
    secrets: [api_key]
    deploy:
      replicas: 2
      replica: 3
  worker:
    image: lab/bare
    networks: [frontend, backend]
  db:
    image: lab/bare
    networks: [backend]
    volumes: [db-data:/data]
networks:
  frontend:
  backend:
volumes:
  db-data:
secrets:
  api_key:
    file: ./api_key.txt
`;
const FIXED = STACK.replace('      replica: 3\n', '');

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1400, height: 950 }));
  await swarmOfThree(app.served, lab);
});

afterAll(async () => {
  // The stack goes before the swarm does (a node leaving mid-removal keeps a stale overlay).
  if (app) await apiCall(app.served, 'stacks:remove', { name: 'vapp' }).catch(() => {});
  await closeStage?.();
});

const editor = () => page.getByTestId('compose-editor-content');

describe('Stacks page', () => {
  it('underlines a schema error as you type, and clears it once fixed', async () => {
    await page.getByTestId('nav-stacks').click();
    await page.getByTestId('deploy-stack').click();
    await page.getByTestId('stack-name').locator('input').fill('vapp');
    await editor().click();
    await page.keyboard.insertText(STACK);
    // The linter runs after a pause in typing: the bad key gets a red underline and a line:col.
    await page.locator('.cm-lintRange-error').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.cm-lintRange-error').first().textContent()).toBe('replica');
    expect(await page.getByTestId('compose-problem-0').textContent()).toBe('line 10:7');
    expect(await page.getByTestId('compose-problems').textContent()).toContain('services.vote.deploy.replica: is not a key the compose specification knows here');
    expect(await page.getByTestId('stack-deploy').isDisabled()).toBe(true);
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(FIXED);
    await page.locator('.cm-lintRange-error').waitFor({ state: 'detached', timeout: 15_000 });
    // The secret's file is not given yet: the editor says so and offers to pick it.
    await page.getByText('Pick ./api_key.txt…').waitFor({ timeout: 15_000 });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByText('Pick ./api_key.txt…').click()]);
    await chooser.setFiles({ name: 'api_key.txt', mimeType: 'text/plain', buffer: Buffer.from('first-key') });
    await page.getByTestId('compose-problems').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
  });

  it('previews what would be created, then deploys and watches every service converge', async () => {
    await page.getByTestId('stack-preview').click();
    await page.getByTestId('stack-plan').waitFor({ timeout: 20_000 });
    const created = await page.locator('[data-testid="stack-plan"] .plan-row[data-action="create"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')).sort());
    expect(created).toEqual(['vapp_api_key', 'vapp_backend', 'vapp_db', 'vapp_frontend', 'vapp_vote', 'vapp_worker']);
    expect(await page.getByTestId('stack-plan').getByTestId('cli-commands').textContent()).toContain(`docker -H ssh://root@${lab[0].address} stack deploy --resolve-image never -c docker-stack.yml vapp`);
    expect(await sshRun(lab[0], ['docker service ls -q --filter label=com.docker.stack.namespace=vapp | wc -l'])).toBe('0');

    await page.getByTestId('stack-deploy').click();
    await page.locator('[data-testid="stack-progress"][data-converged="yes"]').waitFor({ timeout: 120_000 });
    const rows = await page.locator('[data-testid="stack-progress"] .row').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-service')}:${e.getAttribute('data-state')}`));
    expect(rows).toEqual(['db:converged', 'vote:converged', 'worker:converged']);
    await page.getByTestId('stack-progress').scrollIntoViewIfNeeded();
    await screenshot(page, 'stacks-deploy');
    expect(await sshRun(lab[0], [`docker service ls --filter label=com.docker.stack.namespace=vapp --format '{{.Name}} {{.Replicas}}' | sort | tr '\\n' ' '`])).toBe('vapp_db 1/1 vapp_vote 2/2 vapp_worker 1/1');
    await page.getByRole('button', { name: 'Close' }).last().click();
    await page.locator('.n-drawer').waitFor({ state: 'detached' });
    await page.getByTestId('stack-row-vapp').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('stack-service-vapp_vote').textContent(), { timeout: 15_000 }).toBe('vote 2/2');
  });

  it('groups the stack on the map and labels it by short names', async () => {
    await page.getByTestId('nav-map').click();
    const vote = page.getByTestId('map-chip-vapp_vote-net');
    await vote.waitFor({ timeout: 20_000 });
    expect(await vote.locator('.name').textContent()).toBe('vote');
    expect(await vote.getAttribute('data-stack')).toBe('vapp');
    const chips = await page.locator('[data-stack="vapp"].chip').evaluateAll((els) => els.map((e) => ({ name: e.querySelector('.name')?.textContent, border: getComputedStyle(e).borderLeftColor })));
    expect(chips.map((c) => c.name).sort()).toEqual(['db', 'vote', 'worker', 'worker']);
    expect(new Set(chips.map((c) => c.border)).size).toBe(1);
    const bridge = page.getByTestId('map-network-vapp_frontend');
    expect(await bridge.locator('strong').textContent()).toBe('frontend');
    expect(await bridge.getAttribute('data-stack')).toBe('vapp');
    await screenshot(page, 'stacks-map');
  });

  it('exports the stack to a compose file', async () => {
    await page.getByTestId('nav-stacks').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stack-export-vapp').click()]);
    expect(download.suggestedFilename()).toBe('vapp.yml');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toContain('services:\n  db:');
    expect(text).toContain('  vote:\n    image: lab/web');
    expect(text).toMatch(/api_key:\n\s+external: true\n\s+name: vapp_api_key/);
    expect(text).not.toContain('first-key');
  });

  it('rotates the secret the vote service uses, showing each step with its CLI', async () => {
    await page.getByTestId('nav-secrets').click();
    await page.getByTestId('secret-row-vapp_api_key').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('secrets-table').textContent()).toContain('vapp_vote → api_key');
    await page.getByTestId('secret-rotate-vapp_api_key').click();
    expect(await page.getByLabel('New version name').inputValue()).toBe('vapp_api_key_v2');
    await page.getByTestId('secret-content').locator('textarea').fill('second-key');
    await page.getByTestId('secret-form-submit').click();
    const result = page.getByTestId('secret-rotate-result');
    await result.waitFor({ timeout: 30_000 });
    const steps = await result.locator('.step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(steps).toEqual(['create vapp_api_key_v2', 'update vapp_vote', 'remove vapp_api_key']);
    expect(await result.textContent()).toContain('--secret-rm vapp_api_key --secret-add source=vapp_api_key_v2,target=api_key');
    expect(await result.textContent()).not.toContain('second-key');
    await screenshot(page, 'secrets-rotate');
    expect(await sshRun(lab[0], [`docker service inspect vapp_vote --format '{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}}>{{.File.Name}}{{end}}'`])).toBe('vapp_api_key_v2>api_key');
    expect(app.pageErrors).toEqual([]);
  });
});
