// npm run bench -- map: the map of a synthetic cluster (20 hosts, 50 networks, 200 services,
// 2,000 tasks) in Chromium: time to the first complete render, and frame time while panning.
// Baseline: the same page with a small cluster (3 hosts, 2 networks, 4 services, 12 tasks)
// measured in the same run. A map has no docker CLI counterpart (the CLI draws nothing), so
// vs_best_cli is null and says why. Builds the UI first if it is missing or stale.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser';
import { serve } from '../test/support/serve';
import { ensureUiBuilt } from './ensure-built';
import { median, round, table } from './stats';

async function measure(page: Page, base: string, size: string): Promise<{ firstRenderMs: number; panFrameMs: number; frameIntervalMs: number; p95FrameMs: number; nodes: number }> {
  const runs: { firstRenderMs: number; nodes: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('about:blank');
    await page.goto(`${base}#/bench/map?${size}`);
    // Page code is passed as text: tsx's transform would add helpers the page does not have.
    await page.waitForFunction('window.__mapBench', null, { timeout: 60_000 });
    runs.push(await page.evaluate<{ firstRenderMs: number; nodes: number }>('window.__mapBench'));
  }
  // Pan by dragging the pane. Two measures: the interval between animation frames (capped at
  // the display rate, 16.7 ms at 60 Hz, even for an empty page), and the main-thread work per
  // frame (the renderer's task time from the DevTools protocol, divided by the frames drawn).
  const pane = (await page.locator('.vue-flow__pane').boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0);
  const busyBefore = await taskSeconds();
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__run = true;
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__run) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  await page.mouse.down();
  for (let i = 0; i < 90; i++) {
    await page.mouse.move(pane.x + pane.width / 2 + 250 * Math.sin(i / 9), pane.y + pane.height / 2 + 120 * Math.cos(i / 9));
  }
  await page.mouse.up();
  const frames = await page.evaluate<number[]>('(window.__run = false, window.__frames.slice(2))');
  const busyMs = ((await taskSeconds()) - busyBefore) * 1000;
  await cdp.detach();
  const sorted = [...frames].sort((a, b) => a - b);
  return { firstRenderMs: median(runs.map((r) => r.firstRenderMs)), nodes: runs[0].nodes, panFrameMs: busyMs / Math.max(1, frames.length), frameIntervalMs: median(frames), p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0 };
}

export async function benchMap(): Promise<void> {
  ensureUiBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-map-'));
  const served = await serve(dir);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const base = served.url;
    const small = await measure(page, base, 'hosts=3&networks=2&services=4&tasks=12');
    const big = await measure(page, base, 'hosts=20&networks=50&services=200&tasks=2000');
    console.log('Each cluster: 3 first renders (median), then one pan of 90 mouse moves. Baseline: the small cluster, same page, same run. No CLI draws a map: vs_best_cli is null.');
    console.log(table([
      { cluster: '3 hosts, 2 networks, 4 services, 12 tasks', 'flow nodes': small.nodes, 'first render ms': round(small.firstRenderMs), 'pan: main-thread ms/frame': round(small.panFrameMs, 2), 'frame interval ms (median/p95)': `${round(small.frameIntervalMs, 1)}/${round(small.p95FrameMs, 1)}` },
      { cluster: '20 hosts, 50 networks, 200 services, 2000 tasks', 'flow nodes': big.nodes, 'first render ms': round(big.firstRenderMs), 'pan: main-thread ms/frame': round(big.panFrameMs, 2), 'frame interval ms (median/p95)': `${round(big.frameIntervalMs, 1)}/${round(big.p95FrameMs, 1)}` },
    ]));
    console.log(JSON.stringify({ bench: 'map', vs_best_cli: null, vs_best_cli_why: 'the docker CLI has no map to draw; the baseline is the same page with a small cluster', first_render_ms: round(big.firstRenderMs), pan_frame_ms: round(big.panFrameMs, 2), frame_interval_ms: round(big.frameIntervalMs, 1), vs_small_render: round(big.firstRenderMs / small.firstRenderMs, 2), vs_small_pan: round(big.panFrameMs / small.panFrameMs, 2) }));
  } finally {
    await browser.close();
    await served.stop();
  }
}
