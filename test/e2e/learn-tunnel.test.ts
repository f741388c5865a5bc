// The tunnel lesson on a fresh lab whose swarm was built outside the Learn page: the VNI, port and
// outer addresses read on every host; VXLAN counters that match what `ip -s link` says in the
// overlay's namespace; counters that rise on both hosts of the pair during the check and stand
// still otherwise; the map's appnet bridge moving while packets flow; the tutorial's picture with
// real names; and helpers gone afterwards, on every host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from '../support/lab';
import { apiCall } from '../support/serve';
import { openAppOnLab, swarmOfThree } from '../support/stage';
import { screenshot, type OpenApp } from '../support/browser';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let closeStage: () => Promise<void>;

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1360, height: 1100 }));
  await swarmOfThree(app.served, lab);
}, 180_000);

afterAll(async () => {
  await closeStage?.();
});

const cli = (i: number, args: string[]) => sshRun(lab[i], args);
const step = (id: string) => page.getByTestId(`tunnel-step-${id}`);
const done = (id: string, timeout = 90_000) => step(id).locator('.n-tag', { hasText: '✓' }).waitFor({ timeout });
const helpersLeft = async () => (await Promise.all(lab.map((_, i) => cli(i, ['docker', 'ps', '-aq', '--filter', 'label=archipelago.role=lesson-helper'])))).join('');
type Counters = { rxBytes: number; rxPackets: number; txBytes: number; txPackets: number };
const KEYS = ['rxBytes', 'rxPackets', 'txBytes', 'txPackets'] as const;

/** The VXLAN device's counters in appnet's namespace on a host, as iproute2 there prints them. */
async function ipLink(i: number, networkId: string): Promise<Counters> {
  const [dev] = JSON.parse(await cli(i, ['nsenter', `--net=/var/run/docker/netns/1-${networkId.slice(0, 10)}`, 'ip', '-s', '-j', 'link', 'show', 'type', 'vxlan'])) as { stats64: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } } }[];
  return { rxBytes: dev.stats64.rx.bytes, rxPackets: dev.stats64.rx.packets, txBytes: dev.stats64.tx.bytes, txPackets: dev.stats64.tx.packets };
}

async function live(host: string): Promise<Counters & { seq: number }> {
  const row = page.getByTestId(`tunnel-live-${host}`);
  const n = async (a: string) => Number(await row.getAttribute(a));
  return { seq: await n('data-seq'), rxBytes: await n('data-rx-bytes'), rxPackets: await n('data-rx-packets'), txBytes: await n('data-tx-bytes'), txPackets: await n('data-tx-packets') };
}

async function seqAtLeast(host: string, seq: number) {
  await page.waitForFunction(([h, s]) => Number(document.querySelector(`[data-testid="tunnel-live-${h}"]`)?.getAttribute('data-seq') ?? 0) >= s, [host, seq] as const, { timeout: 30_000 });
}

describe('Learn: multi-host and the tunnel', () => {
  it('on a swarm built elsewhere, every exercise step shows a command (the join step says why none is left)', async () => {
    await page.getByTestId('nav-learn').click();
    await page.getByTestId('learn-step-join').locator('.n-tag', { hasText: '✓' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('learn-cli-join').textContent()).toMatch(/^docker node ls {3}# on h1: 3 node\(s\), every connected host among them$/);
    for (const id of ['hosts', 'swarm', 'join', 'network']) expect((await page.getByTestId(`learn-cli-${id}`).textContent())!.trim()).not.toBe('');
  });

  it('sets the stage and reads the VNI, port and outer addresses on every host', async () => {
    await page.getByTestId('learn-track-tunnel').click();
    await page.getByTestId('tunnel-run-stage').click();
    await done('stage', 120_000);
    await page.getByTestId('tunnel-run-read').click();
    await done('read');
    const vni = await cli(0, ['docker', 'network', 'inspect', 'appnet', '--format', "'{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}'"]);
    for (const h of lab) {
      const row = page.getByTestId(`tunnel-reading-${h.name}`);
      expect(await page.getByTestId(`tunnel-vni-${h.name}`).textContent()).toBe(vni);
      const text = (await row.textContent())!;
      expect(text).toContain('4789/udp');
      for (const other of lab.filter((o) => o !== h)) expect(text).toContain(`${h.address} → ${other.address}`);
    }
    await page.getByTestId('visual-model').waitFor();
    expect(await page.getByTestId('picture-vni').textContent()).toContain(`VNI ${vni} · UDP 4789`);
    expect(await page.getByTestId('picture-host-a').textContent()).toMatch(/^Host A \(node 1\): h[123]$/);
    expect(await page.getByTestId('picture-container-a').textContent()).toMatch(/Container A \(frontend\): frontend\.\d · 10\.\d+\.\d+\.\d+ on h[123]/);
    expect(await page.getByTestId('picture-container-b').textContent()).toMatch(/Container B \(backend\): backend\.\d · 10\.\d+\.\d+\.\d+ on h[123]/);
    await step('read').scrollIntoViewIfNeeded();
    await screenshot(page, 'learn-tunnel-read');
  });

  it('shows the counters ip -s link shows in the overlay namespace, on every host', async () => {
    await page.getByTestId('tunnel-run-watch').click();
    for (const h of lab) await page.getByTestId(`tunnel-live-${h.name}`).waitFor({ timeout: 30_000 });
    const netId = await cli(0, ['docker', 'network', 'inspect', 'appnet', '--format', '{{.Id}}']);
    for (const [i, h] of lab.entries()) {
      const o1 = await ipLink(i, netId);
      const seen = (await live(h.name)).seq;
      // Two samples later the page shows a reading taken after o1 finished.
      await seqAtLeast(h.name, seen + 2);
      const shown = await live(h.name);
      const o2 = await ipLink(i, netId);
      for (const k of KEYS) {
        expect(shown[k], `${h.name} ${k}`).toBeGreaterThanOrEqual(o1[k]);
        expect(shown[k], `${h.name} ${k}`).toBeLessThanOrEqual(o2[k]);
      }
    }
  });

  it('animates appnet on the map while packets flow, and stops when they stop', async () => {
    await page.getByTestId('tunnel-open-map').click();
    const bridge = page.getByTestId('map-network-appnet');
    await bridge.waitFor();
    expect(await bridge.getAttribute('data-flowing')).toBeNull();
    const check = apiCall(app.served, 'checks:run', { from: 'frontend', to: 'backend', port: 80 });
    await page.locator('[data-testid="map-network-appnet"][data-flowing]').waitFor({ timeout: 30_000 });
    await screenshot(page, 'learn-tunnel-map');
    await check;
    await page.locator('[data-testid="map-network-appnet"]:not([data-flowing])').waitFor({ timeout: 30_000 });
  });

  it('counters rise on both hosts during the check and stand still otherwise; then the helpers are gone', async () => {
    await page.getByTestId('nav-learn').click();
    await page.getByTestId('tunnel-run-check').click();
    await page.getByTestId('tunnel-complete').waitFor({ timeout: 60_000 });
    await page.getByTestId('tunnel-helpers-removed').waitFor({ timeout: 30_000 });
    const rows = page.locator('[data-testid^="tunnel-rise-h"]');
    const pairRows = await rows.evaluateAll((els) => els.filter((e) => /\((A|B)\)/.test(e.textContent ?? '')).map((e) => e.getAttribute('data-testid')));
    expect(pairRows).toHaveLength(2);
    const netId = await cli(0, ['docker', 'network', 'inspect', 'appnet', '--format', '{{.Id}}']);
    for (const id of pairRows) {
      const row = page.getByTestId(id!);
      const a = (n: string) => row.getAttribute(n).then(Number);
      expect(await a('data-after-tx')).toBeGreaterThan(await a('data-before-tx'));
      expect(await a('data-after-rx')).toBeGreaterThan(await a('data-before-rx'));
      // What the page measured after the check is what the node itself counts now (nothing flows).
      const i = lab.findIndex((h) => id === `tunnel-rise-${h.name}`);
      const now = await ipLink(i, netId);
      expect(await a('data-after-tx')).toBeLessThanOrEqual(now.txPackets);
      expect(await a('data-after-rx')).toBeLessThanOrEqual(now.rxPackets);
    }
    expect(await helpersLeft()).toBe('');
    await step('watch').scrollIntoViewIfNeeded();
    await screenshot(page, 'learn-tunnel');
    await page.getByTestId('visual-model').scrollIntoViewIfNeeded();
    await screenshot(page, 'learn-picture');
    expect(app.pageErrors).toEqual([]);
  });

  it('Start over leaves no helper; the exercise’s Start over then leaves no service or network', async () => {
    await page.getByTestId('tunnel-reset').click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('tunnel-reset-outcome').waitFor({ timeout: 60_000 });
    expect(await helpersLeft()).toBe('');
    await page.getByTestId('learn-track-practice').click();
    await page.getByTestId('learn-reset').click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('learn-reset-outcome').waitFor({ timeout: 90_000 });
    expect(await cli(0, ['docker', 'service', 'ls', '-q'])).toBe('');
    for (const i of lab.keys()) {
      expect(await cli(i, ['docker', 'network', 'ls', '--filter', 'scope=swarm', '--format', '{{.Name}}'])).not.toMatch(/appnet/);
      expect(await cli(i, ['docker', 'ps', '-aq', '--filter', 'label=com.docker.swarm.service.name'])).toBe('');
    }
  });
});
