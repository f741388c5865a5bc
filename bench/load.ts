// npm run bench -- load: a lab of 8 hosts, 40 services and 400 tasks. Prints the snapshot time
// (against the same reads by docker CLI over SSH, serially, as the baseline), the event latency
// (a container started on a host → the model shows it), the engine's memory, and that a check
// matrix still completes. Last line: {"bench":"load","hosts":8,"snapshot_ms":…,"event_ms":…,"rss_mb":…}.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClusterModel } from '../electron/shared/model';
import { down, up } from '../test/lab/lab';
import { dockerSocket, labHost } from '../test/lab/config';
import { labHosts } from '../test/support/lab';
import { median, round, table, timed } from './stats';
import { dockerCliFor } from './transport-clients';
import { benchEngine, formSwarm } from './bench-engine';
// --- live model (issue 16): the UI-side model is built from the engine's deltas ---
import { ModelFollower } from './model-follower';
import { loadDeltaFigures } from './load-deltas';

const HOSTS = 8;
const SERVICES = 40;
const REPLICAS = 10;
const NETWORKS = 4;
const execFileAsync = promisify(execFile);

/** Leaves the swarm everywhere and makes sure of it: with 400 tasks a forced leave can fail once. */
async function leaveForSure(count: number): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let active = 0;
    for (let i = count; i >= 1; i--) {
      const sock = `unix://${dockerSocket(labHost(i))}`;
      const state = (await execFileAsync('docker', ['-H', sock, 'info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
      if (state === 'inactive') continue;
      active++;
      await execFileAsync('docker', ['-H', sock, 'swarm', 'leave', '--force'], { timeout: 120_000 }).catch(() => {});
    }
    if (!active) {
      // Task containers a forced leave left behind keep their overlays alive locally: clear both.
      for (let i = 1; i <= count; i++) {
        const sock = `unix://${dockerSocket(labHost(i))}`;
        await execFileAsync('docker', ['-H', sock, 'container', 'prune', '-f'], { timeout: 120_000 }).catch(() => {});
        await execFileAsync('docker', ['-H', sock, 'network', 'prune', '-f'], { timeout: 120_000 }).catch(() => {});
      }
      return;
    }
  }
  throw new Error('a lab host would not leave the swarm');
}

export async function benchLoad(): Promise<void> {
  // A fresh lab: after a run of 400 tasks a host can keep stale swarm networks and orphaned
  // task containers (a forced leave that timed out), which would poison the next run.
  await down();
  await up(HOSTS, (l) => console.log(l));
  const hosts = (await labHosts()).slice(0, HOSTS);
  if (hosts.length < HOSTS) throw new Error(`the lab has ${hosts.length} hosts, ${HOSTS} needed`);
  await leaveForSure(HOSTS);
  let latest: ClusterModel | null = null;
  const waiters: { check: (m: ClusterModel) => boolean; resolve: () => void }[] = [];
  const follower = new ModelFollower(); // issue 16: deltas, applied as the UI applies them
  const { engine, call, ids } = await benchEngine('load', hosts, (name, payload) => {
    if (name !== 'cluster:changed') return;
    follower.receive(payload);
    latest = follower.model();
    for (const w of [...waiters]) if (w.check(latest)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  });
  const probes: { socket: string; name: string }[] = [];
  const modelWhere = (check: (m: ClusterModel) => boolean, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (latest && check(latest)) return resolve();
      const timer = setTimeout(() => reject(new Error('the model did not show the change in time')), timeoutMs);
      waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  try {
    await formSwarm(call, ids, hosts);
    for (let n = 0; n < NETWORKS; n++) await call('networks:create', { name: `loadnet${n}`, subnet: `10.${100 + n}.0.0/22` });
    console.log(`creating ${SERVICES} services × ${REPLICAS} replicas…`);
    for (let s = 0; s < SERVICES; s++) await call('services:create', { name: `svc${s}`, image: 'lab/web', replicas: REPLICAS, networks: [`loadnet${s % NETWORKS}`], endpointMode: 'dnsrr' });
    const started = Date.now();
    for (;;) {
      const running = (await call<ClusterModel>('cluster:snapshot', {})).tasks.filter((t) => t.state === 'running').length;
      if (running >= SERVICES * REPLICAS) break;
      if (Date.now() - started > 15 * 60_000) throw new Error(`only ${running} tasks running after 15 min`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    console.log(`${SERVICES * REPLICAS} tasks running after ${round((Date.now() - started) / 1000)} s`);
    await new Promise((r) => setTimeout(r, 3000));

    // Snapshot: the whole cluster, read afresh, five times.
    const snaps: number[] = [];
    for (let i = 0; i < 5; i++) snaps.push((await timed(() => call('cluster:snapshot', {}))).ms);
    const model = await call<ClusterModel>('cluster:snapshot', {});
    // Baseline: the same reads with the docker CLI over SSH, one after another.
    const cli = await Promise.all(hosts.map((h) => dockerCliFor(h)));
    const viaCli = await timed(async () => {
      await cli[0]('node', 'ls', '-q');
      await cli[0]('network', 'ls', '-q');
      await cli[0]('service', 'ls', '-q');
      await cli[0]('service', 'ps', '-q', ...model.services.map((s) => s.name));
      for (const docker of cli) await docker('ps', '-aq');
    });

    // Event latency: a container started on a host until the model shows it.
    const events: number[] = [];
    for (let i = 0; i < 5; i++) {
      const h = labHost(1 + (i % HOSTS));
      const name = `load-probe-${Date.now()}-${i}`;
      probes.push({ socket: dockerSocket(h), name });
      const seen = modelWhere((m) => m.containers.some((c) => c.name === name && c.state === 'running'), 10_000);
      const { stdout } = await execFileAsync('docker', ['-H', `unix://${dockerSocket(h)}`, 'run', '-d', '--name', name, 'lab/bare']);
      const t0 = performance.now();
      await seen;
      events.push(performance.now() - t0);
      void stdout;
    }

    // A check matrix over one of the networks still completes, with verdicts.
    const matrix = await timed(() => call<{ results: { from: string; to: string; verdict: { code: string; title: string; evidence: string[] } }[] }>('checks:matrix', { network: 'loadnet0', port: 80 }));
    const verdicts = matrix.value.results.map((r) => r.verdict.code);

    // --- live model (issue 16): event → UI-side model from timeNano, bytes per change, CPU per event ---
    const deltas = await loadDeltaFigures(call, follower, HOSTS);
    console.log(`live model: event → UI model p50 ${deltas.event_p50_ms} / p95 ${deltas.event_p95_ms} ms over ${deltas.events_timed} changes; ${deltas.bytes_per_task_change} bytes per single-task change (a full model: ${deltas.full_model_bytes}); engine CPU ${deltas.cpu_ms_per_event} ms per event (a full re-read: ${deltas.cpu_ms_full_read} ms)`);
    console.log(JSON.stringify({ bench: 'load-deltas', ...deltas }));

    // The engine's footprint is what stays live: collect garbage first (npm run bench passes
    // --expose-gc); the peak, garbage included, is printed too.
    const failing = matrix.value.results.filter((r) => r.verdict.code !== 'reachable').map(({ from, to, verdict }) => ({ from, to, verdict }));
    matrix.value.results = [];
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    const rssMb = mem.rss / 1024 / 1024;
    const heapMb = mem.heapUsed / 1024 / 1024;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const snapshotMs = median(snaps);
    const eventMs = median(events);
    console.log(
      table([
        { what: `snapshot of ${HOSTS} hosts, ${model.services.length} services, ${model.tasks.length} tasks, ${model.containers.length} containers`, ms: round(snapshotMs), runs: snaps.map((x) => round(x)).join(' / ') },
        { what: 'the same reads with docker -H ssh:// CLI, serially', ms: round(viaCli.ms), runs: '' },
        { what: 'event → model (container started on a host)', ms: round(eventMs), runs: events.map((x) => round(x)).join(' / ') },
        { what: `checks:matrix on loadnet0 (${verdicts.length} pairs)`, ms: round(matrix.ms), runs: [...new Set(verdicts)].join(', ') },
        { what: 'engine process RSS (MB), after GC / peak', ms: round(rssMb), runs: `peak ${round(peakMb)}; live JS heap ${round(heapMb)} of ${round(mem.heapTotal / 1024 / 1024)}, external ${round(mem.external / 1024 / 1024)}` },
      ]),
    );
    const byCode = Object.fromEntries([...new Set(verdicts)].map((c) => [c, verdicts.filter((v) => v === c).length]));
    if (failing.length) {
      console.log(`matrix: ${failing.length} of ${verdicts.length} pairs not reachable ${JSON.stringify(byCode)}; first: ${failing[0].from} → ${failing[0].to}: ${failing[0].verdict.title}`);
      for (const e of failing[0].verdict.evidence) console.log(`  ${e}`);
    }
    console.log(JSON.stringify({ bench: 'load', hosts: HOSTS, services: model.services.length, tasks: model.tasks.length, snapshot_ms: round(snapshotMs), snapshot_vs_cli: round(viaCli.ms / snapshotMs, 1), event_ms: round(eventMs), rss_mb: round(rssMb), peak_rss_mb: round(peakMb), heap_mb: round(heapMb), matrix_pairs: verdicts.length, matrix_reachable: byCode.reachable ?? 0, matrix_s: round(matrix.ms / 1000, 1) }));
  } finally {
    engine.dispose();
    for (const p of probes) await execFileAsync('docker', ['-H', `unix://${p.socket}`, 'rm', '-f', p.name]).catch(() => {});
    await leaveForSure(HOSTS);
  }
}
