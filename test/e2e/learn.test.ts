// The seed's practice exercise replayed on a fresh lab through the Learn page by clicking only,
// then confirmed with the docker CLI. A screenshot of every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { openAppOnLab } from '../support/stage';
import { screenshot, type OpenApp } from '../support/browser';
import { kernelIpvs } from '../support/kernel-ipvs';
import type { ClusterModel } from '../../electron/shared/model';
import { apiCall } from '../support/serve';
import { serviceState, waitForModel, waitForOverlay } from '../support/swarm-conditions';
import { waitFor } from '../support/wait';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1360, height: 1100 }));
});

afterAll(async () => {
  await closeStage?.();
});

const step = (id: string) => page.getByTestId(`learn-step-${id}`);
const done = (id: string) => step(id).locator('.n-tag', { hasText: '✓' }).waitFor({ timeout: 60_000 });
async function shot(n: number, id: string, suffix = '') {
  await page.waitForTimeout(200);
  await step(id).scrollIntoViewIfNeeded();
  await screenshot(page, `learn-${n}-${id}${suffix}`);
}

describe('Learn: the overlay practice exercise', () => {
  it('connects the three lab hosts (step 1)', async () => {
    await page.getByTestId('nav-learn').click();
    await step('hosts').waitFor();
    expect(await step('swarm').textContent()).toContain('locked');
    // "Add lab hosts": paste what `npm run lab -- env` prints. A wrong fingerprint is refused.
    await page.getByTestId('nav-hosts').click();
    await page.getByTestId('lab-hosts').click();
    const tampered = lab.map((h, i) => (i === 0 ? { ...h, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` } : h));
    await page.getByLabel('Output of npm run lab -- env').fill(JSON.stringify(tampered));
    await page.getByTestId('lab-add').click();
    await expect.poll(() => page.getByTestId('lab-dialog').textContent(), { timeout: 30_000 }).toMatch(/h1: .*fingerprint[\s\S]*h3: added/i);
    expect(await page.getByTestId('host-key-dialog').count()).toBe(0);
    await screenshot(page, 'lab-hosts-refused');
    await page.getByLabel('Output of npm run lab -- env').fill(JSON.stringify(lab));
    await page.getByTestId('lab-add').click();
    await page.getByTestId('lab-dialog').waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.getByTestId('host-key-dialog').count()).toBe(0);
    for (const h of lab) await page.getByTestId(`host-card-${h.name}`).getByTestId('engine-version').waitFor({ timeout: 20_000 });
    await page.getByTestId('nav-learn').click();
    await done('hosts');
    await shot(1, 'hosts');
  });

  it('initializes the swarm and joins the others (steps 2-3)', async () => {
    await page.getByTestId('learn-run-swarm').click();
    await done('swarm');
    await shot(2, 'swarm');
    await page.getByTestId('learn-run-join').click();
    await done('join');
    await shot(3, 'join');
  });

  it('creates appnet, deploys frontend and backend, scales both (steps 4-6)', async () => {
    await page.getByTestId('learn-run-network').click();
    await done('network');
    await shot(4, 'network');
    expect(await page.locator('#learn-image').inputValue()).toBe('lab/web:latest');
    await page.getByTestId('learn-run-deploy').click();
    await done('deploy');
    await shot(5, 'deploy');
    await page.getByTestId('learn-run-scale').click();
    await done('scale');
    await shot(6, 'scale');
  });

  it('inspects the network and tests frontend -> backend by name (steps 7-8)', async () => {
    await page.getByTestId('learn-run-inspect').click();
    await done('inspect');
    await step('inspect').getByTestId('network-details').waitFor();
    await shot(7, 'inspect');
    // The check runs once, after the scale-up has finished and appnet's gossip has converged;
    // what it says about the VIP is what these hosts' kernels do (IPVS or not).
    const snapshot = () => apiCall<ClusterModel>(app.served, 'cluster:snapshot', {});
    await waitForModel(snapshot, (await waitForOverlay(lab, 'appnet', ['frontend', 'backend'])).services);
    const ipvs = await kernelIpvs(lab);
    await page.getByTestId('learn-run-test').click();
    const verdict = step('test').locator('[data-testid^="verdict-"]').first();
    await verdict.waitFor({ timeout: 30_000 });
    if (ipvs.works) {
      expect(await verdict.getAttribute('data-testid'), await step('test').textContent() ?? '').toBe('verdict-reachable');
    } else {
      // No IPVS: the VIP is broken, the step says so and offers dnsrr.
      expect(await verdict.getAttribute('data-testid'), `${ipvs.evidence.join('; ')}\n${await step('test').textContent()}`).toBe('verdict-vip-unreachable');
      await shot(8, 'test', '-vip');
      await page.getByTestId('learn-use-dnsrr').click();
      // appnet, frontend and backend are made again, backend in dnsrr mode (a switched service
      // keeps its old VIP in Docker's DNS): wait for backend to exist in dnsrr mode, for its
      // tasks to run, and for every node to know them (and no VIP); then test once more.
      await waitFor('backend made again in dnsrr mode', () => serviceState(lab[0], 'backend'), (s) => s.mode === 'dnsrr', { timeoutMs: 120_000 });
      await waitForModel(snapshot, (await waitForOverlay(lab, 'appnet', ['frontend', 'backend'])).services);
      await page.getByTestId('learn-run-test').click();
      await page.getByTestId('verdict-vip-unreachable').waitFor({ state: 'detached', timeout: 30_000 });
      await verdict.waitFor({ timeout: 30_000 });
      expect(await verdict.getAttribute('data-testid'), await step('test').textContent() ?? '').toBe('verdict-reachable');
    }
    await page.getByTestId('learn-complete').waitFor();
    await page.getByTestId('verdict-reachable').waitFor();
    await shot(8, 'test');
    expect(app.pageErrors).toEqual([]);
  });

  it('left what the exercise asks for, as the docker CLI sees it', async () => {
    const cli = (args: string[]) => sshRun(lab[0], args);
    expect((await cli(['docker', 'node', 'ls', '--format', "'{{.Hostname}} {{.Status}}'"])).split('\n').sort()).toEqual(['h1 Ready', 'h2 Ready', 'h3 Ready']);
    expect(await cli(['docker', 'network', 'inspect', 'appnet', '--format', '{{.Driver}}'])).toBe('overlay');
    for (const s of ['frontend', 'backend']) {
      const running = Object.values((await serviceState(lab[0], s)).running);
      expect(running.length).toBeGreaterThanOrEqual(2);
      expect(new Set(running).size).toBeGreaterThanOrEqual(2);
      expect(await cli(['docker', 'service', 'inspect', s, '--format', "'{{range .Spec.TaskTemplate.Networks}}{{.Target}}{{end}}'"])).toBe(await cli(['docker', 'network', 'inspect', 'appnet', '--format', '{{.Id}}']));
    }
  });
});
