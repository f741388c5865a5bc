// The tutorial's hands-on lab (its five steps) clicked through on a fresh lab, then confirmed with
// the docker CLI: web at 3 replicas on myoverlay. Start over leaves neither behind on any host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { connectLabHosts, openAppOnLab } from '../support/stage';
import { screenshot, type OpenApp } from '../support/browser';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1360, height: 1100 }));
  await connectLabHosts(app.served, lab);
});

afterAll(async () => {
  await closeStage?.();
});

const step = (id: string) => page.getByTestId(`handson-step-${id}`);
const done = (id: string) => step(id).locator('.n-tag', { hasText: '✓' }).waitFor({ timeout: 60_000 });
const cli = (i: number, args: string[]) => sshRun(lab[i], args);

describe('Learn: the tutorial’s hands-on lab', () => {
  it('runs its five steps by clicking', async () => {
    await page.getByTestId('nav-learn').click();
    await page.getByTestId('learn-track-handson').click();
    await done('hosts');
    expect(await step('network').textContent()).toContain('locked');
    await page.getByTestId('handson-run-swarm').click();
    await page.getByTestId('handson-run-join').click();
    await done('swarm');
    await page.getByTestId('handson-run-network').click();
    await done('network');
    expect(await page.locator('#handson-image').inputValue()).toBe('lab/web:latest');
    await page.getByTestId('handson-run-deploy').click();
    await done('deploy');
    await page.getByTestId('handson-run-scale').click();
    await done('scale');
    await page.getByTestId('handson-run-inspect').click();
    await done('inspect');
    await step('inspect').getByTestId('network-details').waitFor();
    await page.getByTestId('handson-complete').waitFor();
    // Every step shows the command it equals (none is an empty box).
    for (const id of ['hosts', 'swarm', 'network', 'deploy', 'scale', 'inspect']) expect((await page.getByTestId(`handson-cli-${id}`).textContent())!.trim()).not.toBe('');
    expect(await page.getByTestId('handson-cli-scale').textContent()).toBe('docker service scale web=3');
    await page.waitForTimeout(200);
    await screenshot(page, 'learn-handson');
    expect(app.pageErrors).toEqual([]);
  });

  it('left web at 3 replicas on myoverlay, as the docker CLI sees it', async () => {
    expect(await cli(0, ['docker', 'service', 'inspect', 'web', '--format', "'{{.Spec.Mode.Replicated.Replicas}}'"])).toBe('3');
    const running = (await cli(0, ['docker', 'service', 'ps', 'web', '--filter', 'desired-state=running', '--format', "'{{.Node}} {{.CurrentState}}'"])).split('\n').filter((l) => l.includes('Running'));
    expect(running).toHaveLength(3);
    expect(await cli(0, ['docker', 'network', 'inspect', 'myoverlay', '--format', "'{{.Driver}} {{.Scope}}'"])).toBe('overlay swarm');
    expect(await cli(0, ['docker', 'service', 'inspect', 'web', '--format', "'{{range .Spec.TaskTemplate.Networks}}{{.Target}}{{end}}'"])).toBe(await cli(0, ['docker', 'network', 'inspect', 'myoverlay', '--format', '{{.Id}}']));
  });

  it('Start over removes web and myoverlay from every host', async () => {
    await page.getByTestId('handson-reset').click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('handson-reset-outcome').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('handson-reset-outcome').textContent()).toMatch(/service web[\s\S]*network myoverlay/);
    await step('network').getByTestId('handson-waiting-network').waitFor();
    for (const i of lab.keys()) {
      expect(await cli(i, ['docker', 'network', 'ls', '--format', '{{.Name}}'])).not.toMatch(/myoverlay/);
      expect(await cli(i, ['docker', 'ps', '-aq', '--filter', 'label=com.docker.swarm.service.name=web'])).toBe('');
    }
    expect(await cli(0, ['docker', 'service', 'ls', '-q'])).toBe('');
  });
});
