// npm run bench -- scale: the live model at sizes no test machine hosts for real, on hollow hosts
// (bench/hollow: a simulated swarm answering the Engine API on unix sockets, reached through the
// app's own local-socket transport). At 20/2,000, 50/5,000 and 100/10,000 hosts/tasks:
//   - first full model: from the engine's start to a model with every host and task;
//   - event → delta: from each change's event (its timeNano) to the delta that shows it, at 50
//     changes/s (task restarts, rolling-update steps, nodes down and up); engine CPU and bytes
//     per change; engine RSS after GC;
//   - in Chromium (the browser-mode app on the same hollow hosts): the map's first render, and
//     the main-thread time per frame while the changes stream in.
// It prints how each figure grows from the smallest size to the largest: the cost of one change
// must stay flat, not grow with the cluster. Last line JSON:
// {"bench":"scale","hosts":100,"tasks":10000,"first_model_ms":…,"event_p99_ms":…,"rss_mb":…,"render_ms":…,"frame_ms":…,"growth_per_change":…}
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { launchBrowser } from '../test/support/browser';
import { apiCall, serve } from '../test/support/serve';
import { ensureUiBuilt } from './ensure-built';
import { startHollow, type Hollow } from './hollow/hollow-process';
import { percentile } from './model-follower';
import { median, round, table } from './stats';

const SIZES = [
  { hosts: 20, tasks: 2_000 },
  { hosts: 50, tasks: 5_000 },
  { hosts: 100, tasks: 10_000 },
].filter((s) => !process.env.SCALE_HOSTS || process.env.SCALE_HOSTS.split(',').includes(String(s.hosts)));
const RATE = 50;
const SECONDS = Number(process.env.SCALE_SECONDS ?? 20);
const FRAME_SECONDS = 10;
const ROOT = path.resolve(import.meta.dirname, '..');

interface Figures {
  hosts: number;
  tasks: number;
  firstModelMs: number;
  eventP50: number;
  eventP99: number;
  seen: number;
  changes: number;
  cpuPerChangeMs: number;
  bytesPerChange: number;
  rssMb: number;
  renderMs: number;
  frameMs: number;
  frameP95Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** A config folder whose inventory holds every hollow host, as local sockets. */
async function inventory(hollow: Hollow): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-scale-'));
  const hosts = hollow.sockets.map((socketPath, i) => ({ id: randomUUID(), kind: 'local', name: hollow.names[i], socketPath }));
  await writeFile(path.join(dir, 'hosts.json'), JSON.stringify({ version: 2, hosts }));
  return dir;
}

/** The engine in a process of its own (bench/scale-engine.ts): first model, event → delta, CPU and bytes per change, RSS. */
async function engineFigures(size: { hosts: number; tasks: number }, hollow: Hollow, dir: string) {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/scale-engine.ts', '--dir', dir, '--hosts', String(size.hosts), '--tasks', String(size.tasks)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = () =>
    new Promise<EngineLine>((resolve, reject) => {
      lines.once('line', (l) => resolve(JSON.parse(l) as EngineLine));
      child.once('exit', (code) => reject(new Error(`the bench engine exited (${code})`)));
    });
  const send = (msg: unknown) => child.stdin!.write(`${JSON.stringify(msg)}\n`);
  const first = await next();
  if (first.error || first.firstModelMs === undefined) throw new Error(first.error ?? 'the bench engine said nothing');
  await sleep(1_000);
  await hollow.requests();
  send({ start: true });
  await hollow.changes(RATE, SECONDS, (change) => send({ change }));
  const done = next();
  send({ end: true });
  const { figures } = await done;
  if (!figures) throw new Error('the bench engine gave no figures');
  // Reads the changes caused, from the first change until every change was shown (or given up).
  const requests = await hollow.requests();
  return { firstModelMs: first.firstModelMs, ...figures, requests };
}

interface EngineLine {
  error?: string;
  firstModelMs?: number;
  figures?: { eventP50: number; eventP99: number; seen: number; changes: number; missed: number; cpuPerChangeMs: number; bytesPerChange: number; deltasPerChange: number; rssMb: number };
}

/** The browser-mode app on the same hollow hosts: the map's first render, and frames while changes stream in. */
async function browserFigures(size: { hosts: number; tasks: number }, hollow: Hollow, dir: string) {
  const served = await serve(dir);
  const browser = await launchBrowser();
  try {
    await until(
      'the served engine’s model',
      async () => {
        const m = await apiCall<{ hosts: { status: string }[]; tasks: unknown[] }>(served, 'cluster:model', {}).catch(() => null);
        return Boolean(m && m.hosts.length === size.hosts && m.hosts.every((h) => h.status === 'connected') && m.tasks.length === size.tasks);
      },
      120_000,
    );
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(served.pageUrl);
    await page.getByTestId('nav-hosts').waitFor();
    // The app loads the whole model as it starts (several MB at this size): the map's render is
    // timed once the model is in the page, as when a user opens the map in a running app.
    await page.waitForLoadState('networkidle');
    await sleep(1_000);
    // From the click on Map to every island drawn with all its tasks.
    await page.evaluate('window.__t0 = performance.now()');
    await page.getByTestId('nav-map').click();
    const renderMs = await page.waitForFunction(
      `(() => {
        const islands = document.querySelectorAll('[data-testid^="map-island-"]');
        if (islands.length < ${size.hosts}) return false;
        let tasks = 0;
        for (const i of islands) tasks += Number(i.getAttribute('data-tasks'));
        return tasks >= ${size.tasks} ? performance.now() - window.__t0 : false;
      })()`,
      null,
      { timeout: 120_000, polling: 'raf' },
    ).then((h) => h.jsonValue() as Promise<number>);
    await sleep(1_000);
    // Frames while the changes stream in: the main thread's work per frame (DevTools' task
    // time divided by frames drawn), and the interval between frames.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__run = true;
      let last = performance.now();
      const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__run) requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    const busy0 = await taskSeconds();
    await hollow.changes(RATE, FRAME_SECONDS, () => {});
    const frames = await page.evaluate<number[]>('(window.__run = false, window.__frames.slice(2))');
    const busyMs = ((await taskSeconds()) - busy0) * 1000;
    const patches = Number(await page.locator('[data-testid="map-view"]').getAttribute('data-patches', { timeout: 1_000 }).catch(() => 0));
    await cdp.detach();
    return { renderMs, frameMs: busyMs / Math.max(1, frames.length), frameP95Ms: percentile(frames, 95), frameMedianMs: median(frames), patches };
  } finally {
    await browser.close();
    await served.stop();
  }
}

export async function benchScale(): Promise<void> {
  // The map's render is measured in the built UI: build it first when missing or stale.
  ensureUiBuilt();
  const rows: Figures[] = [];
  for (const size of SIZES) {
    console.log(`— ${size.hosts} hollow hosts, ${size.tasks} tasks`);
    const hollow = await startHollow({ ...size, services: size.tasks / 50, networks: 10 });
    const dir = await inventory(hollow);
    try {
      const e = await engineFigures(size, hollow, dir);
      const perChange = Object.entries(e.requests).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${round(n / e.changes, 2)}`);
      console.log(`  Engine API requests per change: ${round(Object.values(e.requests).reduce((a, b) => a + b, 0) / e.changes, 2)} (${perChange.join(', ')})`);
      console.log(`  engine: first model ${round(e.firstModelMs)} ms; event→delta p50 ${round(e.eventP50)} / p99 ${round(e.eventP99)} ms over ${e.seen} of ${e.changes} changes (${e.missed} not shown); ${round(e.cpuPerChangeMs, 2)} CPU ms and ${round(e.bytesPerChange)} bytes in ${round(e.deltasPerChange, 2)} deltas per change; RSS ${round(e.rssMb)} MB`);
      const b = await browserFigures(size, hollow, dir);
      console.log(`  map: first render ${round(b.renderMs)} ms; ${round(b.frameMs, 2)} ms main-thread work per frame, frame interval median ${round(b.frameMedianMs, 1)} / p95 ${round(b.frameP95Ms, 1)} ms; ${b.patches} in-place updates`);
      rows.push({ ...size, ...e, ...b });
    } finally {
      await hollow.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  const grow = (k: keyof Figures) => round(Number(last[k]) / Number(first[k]), 2);
  console.log(
    table(
      rows.map((r) => ({
        'hosts/tasks': `${r.hosts}/${r.tasks}`,
        'first model ms': round(r.firstModelMs),
        'event→delta p50/p99 ms': `${round(r.eventP50)}/${round(r.eventP99)}`,
        'CPU ms/change': round(r.cpuPerChangeMs, 2),
        'bytes/change': round(r.bytesPerChange),
        'RSS MB': round(r.rssMb),
        'map render ms': round(r.renderMs),
        'ms/frame (interval p95)': `${round(r.frameMs, 2)} (${round(r.frameP95Ms, 1)})`,
      })),
    ),
  );
  console.log(
    `growth from ${first.hosts} to ${last.hosts} hosts (×${last.hosts / first.hosts} the cluster): CPU per change ×${grow('cpuPerChangeMs')}, bytes per change ×${grow('bytesPerChange')}, event p99 ×${grow('eventP99')}, first model ×${grow('firstModelMs')}, RSS ×${grow('rssMb')}, render ×${grow('renderMs')}, ms/frame ×${grow('frameMs')}`,
  );
  const targets = { first_model: last.firstModelMs < 2_000, event_p99: last.eventP99 < 100, rss: last.rssMb < 300, render: last.renderMs < 1_000, frame: last.frameMs < 16 };
  console.log(`targets at ${last.hosts}/${last.tasks}: ${Object.entries(targets).map(([k, ok]) => `${k} ${ok ? 'held' : 'MISSED'}`).join(', ')}`);
  console.log(
    JSON.stringify({ bench: 'scale', hosts: last.hosts, tasks: last.tasks, first_model_ms: round(last.firstModelMs), event_p99_ms: round(last.eventP99), rss_mb: round(last.rssMb), render_ms: round(last.renderMs), frame_ms: round(last.frameMs, 2), growth_per_change: grow('cpuPerChangeMs'), bytes_per_change: round(last.bytesPerChange), bytes_growth: grow('bytesPerChange') }),
  );
}
