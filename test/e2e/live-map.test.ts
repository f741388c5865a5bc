// The live map in Chromium: a task change updates the islands in place (no new layout), a new
// network lays the map out again; the zoom controls follow the dark theme; with two swarms the
// pages offer a swarm picker, and the node a host left behind is drawn once, as stale, with
// Remove node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ClusterModel } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { screenshot, type OpenApp } from '../support/browser';
import { apiCall } from '../support/serve';
import { openAppOnLab, swarmOfThree } from '../support/stage';

let app: OpenApp;
let page: Page;
let lab: LabHostEnv[];
let ids: string[];
let closeStage: () => Promise<void>;
const call = <T>(m: string, i: unknown) => apiCall<T>(app.served, m, i);
const map = () => page.getByTestId('map-view');
const counter = async (name: 'data-layouts' | 'data-patches') => Number(await map().getAttribute(name));
const dotsOnMap = async () => {
  let n = 0;
  for (const h of lab) n += Number(await page.getByTestId(`map-island-${h.name}`).getAttribute('data-tasks'));
  return n;
};

/** Waits for a condition read from the page, then returns; fails with the last value seen. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => last);
    if (last !== undefined && ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${JSON.stringify(last)})`);
    await page.waitForTimeout(100);
  }
}

beforeAll(async () => {
  ({ app, page, lab, close: closeStage } = await openAppOnLab({ width: 1400, height: 950 }));
  ids = await swarmOfThree(app.served, lab);
  await call('networks:create', { name: 'livenet', subnet: '10.97.0.0/24' });
  await call('services:create', { name: 'web', image: 'lab/web', replicas: 3, networks: ['livenet'], endpointMode: 'dnsrr' });
});

afterAll(async () => {
  await closeStage?.();
});

describe('the live map', () => {
  it('shows a task change in place, and lays itself out again only when the topology changes', async () => {
    await page.getByTestId('nav-map').click();
    await until('3 dots on the islands', dotsOnMap, (n) => n === 3);
    const layouts = await counter('data-layouts');
    const patches = await counter('data-patches');
    await call('services:scale', { service: 'web', replicas: 5 });
    await until('5 dots on the islands', dotsOnMap, (n) => n === 5);
    // …and the chip counts them as they start running, still without a new layout.
    await until('web counted 5/5 on its chip', () => page.getByTestId('map-chip-web-net').textContent(), (t) => Boolean(t?.includes('5/5')));
    expect(await counter('data-layouts')).toBe(layouts);
    expect(await counter('data-patches')).toBeGreaterThan(patches);
    await call('networks:create', { name: 'livenet2', subnet: '10.98.0.0/24' });
    await page.getByTestId('map-network-livenet2').waitFor({ timeout: 20_000 });
    expect(await counter('data-layouts')).toBeGreaterThan(layouts);
  });

  it('draws the zoom controls dark in the dark theme', async () => {
    const button = page.locator('.vue-flow__controls-button').first();
    const background = () => button.evaluate((el) => getComputedStyle(el).backgroundColor);
    const light = await background();
    await page.getByTestId('theme-toggle').click();
    const dark = await background();
    expect(light).toBe('rgb(254, 254, 254)');
    expect(dark).not.toBe(light);
    const [r, g, b] = (dark.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(3 * 128);
    await screenshot(page, 'map-dark');
    await page.getByTestId('theme-toggle').click();
  });

  it('with two swarms: a swarm picker, and h3’s old node drawn once as stale with Remove node', async () => {
    await call('swarm:leave', { id: ids[2] });
    await call('swarm:init', { id: ids[2], advertiseAddr: lab[2].address });
    // Docker marks the node h3 left down after its heartbeats stop.
    await until('h3’s old node down', () => call<ClusterModel>('cluster:model', {}), (m) => m.nodes.some((n) => n.hostname === 'h3' && n.stale), 60_000);
    await page.getByTestId('swarm-picker').waitFor({ timeout: 20_000 });
    await page.getByTestId('map-island-h3-stale').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('map-island-h3-stale').count()).toBe(1);
    expect(await page.getByTestId('map-island-h3').count()).toBe(1);
    expect(await page.getByTestId('map-swarm-h1').count()).toBe(1);
    expect(await page.getByTestId('map-swarm-h3').count()).toBe(1);
    // The first swarm's overlay is drawn in the first swarm (h3 may list its local copy a moment).
    expect(await page.getByTestId('map-network-livenet').count()).toBe(1);
    const [net, swarm1, swarm3] = await Promise.all(['map-network-livenet', 'map-swarm-h1', 'map-swarm-h3'].map(async (t) => (await page.getByTestId(t).boundingBox())!.x));
    expect(Math.abs(net - swarm1)).toBeLessThan(Math.abs(net - swarm3));
    await screenshot(page, 'map-two-swarms');
    await page.getByTestId('map-island-h3-stale').click();
    await page.getByTestId('remove-stale-node').click();
    await page.getByTestId('map-island-h3-stale').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByTestId('map-island-h3').count()).toBe(1);
    // One swarm at a time: the picker limits the map to it.
    await page.getByTestId('swarm-picker').click();
    await page.locator('.n-base-select-option').filter({ hasText: 'Swarm h3' }).click();
    await until('only h3 on the map', () => page.locator('[data-testid^="map-island-"]').count(), (n) => n === 1);
    expect(await page.getByTestId('map-island-h1').count()).toBe(0);
  });

  it('raised no error in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
