// The live model's figures on the real 8-host lab (called from bench/load.ts once its 400 tasks
// run): how long after a Docker event (its own timeNano) the UI-side model shows it, how many
// bytes go to the UI per single-task change, and the engine's CPU per event, each beside the
// same figure for a full re-read measured in this run.
import Docker from 'dockerode';
import type { ClusterModel } from '../electron/shared/model';
import { dockerSocket, labHost } from '../test/lab/config';
import type { BenchCall } from './bench-engine';
import { ModelFollower, percentile } from './model-follower';
import { median, round } from './stats';

export interface DeltaFigures {
  event_p50_ms: number;
  event_p95_ms: number;
  events_timed: number;
  bytes_per_task_change: number;
  full_model_bytes: number;
  cpu_ms_per_event: number;
  cpu_ms_full_read: number;
}

interface SeenEvent {
  host: number;
  type: string;
  action: string;
  id: string;
  timeNano: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Docker's own event streams on every lab host (through the local sockets), beside the app's. */
async function watchEvents(hostCount: number): Promise<{ seen: SeenEvent[]; stop: () => void }> {
  const seen: SeenEvent[] = [];
  const streams = await Promise.all(
    Array.from({ length: hostCount }, async (_, i) => {
      const d = new Docker({ socketPath: dockerSocket(labHost(i + 1)) });
      const stream = await d.getEvents({ filters: { type: ['container', 'service', 'node', 'network'] } });
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) {
          if (!l.trim()) continue;
          const e = JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string }; timeNano: number };
          seen.push({ host: i, type: e.Type, action: e.Action, id: e.Actor.ID, timeNano: e.timeNano });
        }
      });
      return stream as NodeJS.ReadableStream & { destroy(): void };
    }),
  );
  return { seen, stop: () => streams.forEach((s) => s.destroy()) };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(10);
  }
}

/** No delta for quietMs. */
async function quiet(follower: ModelFollower, quietMs: number): Promise<void> {
  let events = follower.events;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await sleep(50);
    if (follower.events !== events) {
      events = follower.events;
      since = Date.now();
    }
  }
}

export async function loadDeltaFigures(call: BenchCall, follower: ModelFollower, hostCount: number): Promise<DeltaFigures> {
  const docker = (i: number) => new Docker({ socketPath: dockerSocket(labHost(i + 1)) });
  const watch = await watchEvents(hostCount);
  const latencies: number[] = [];
  // Each change waits until the UI-side model shows it; its latency runs from the event's timeNano.
  const timeUntilShown = async (what: string, eventOf: () => SeenEvent | undefined, shown: () => boolean) => {
    await until(`${what}: its event`, () => Boolean(eventOf()), 20_000);
    await until(`${what}: in the UI-side model`, shown, 20_000);
    latencies.push(Date.now() - eventOf()!.timeNano / 1e6);
  };
  const created: { host: number; id: string }[] = [];
  try {
    await quiet(follower, 1_000);
    const events0 = watch.seen.length;
    const spent0 = follower.spentMs;
    const cpu0 = process.cpuUsage();
    // 1. Plain containers started on each host in turn.
    for (let i = 0; i < 12; i++) {
      const host = i % hostCount;
      const name = `deltas-${Date.now()}-${i}`;
      const c = await docker(host).createContainer({ Image: 'lab/bare', name });
      created.push({ host, id: c.id });
      await c.start();
      await timeUntilShown(`container ${name}`, () => watch.seen.find((e) => e.id === c.id && e.action === 'start'), () => [...follower.state.maps.containers.values()].some((x) => x.id === c.id && x.state === 'running'));
    }
    // 2. Task containers killed: the task fails (and the swarm starts another).
    const nodeHost = (m: ClusterModel, nodeId?: string) => Number((m.nodes.find((n) => n.id === nodeId)?.hostname ?? 'h1').slice(1)) - 1;
    for (let i = 0; i < 12; i++) {
      const m = follower.model();
      const task = m.tasks.filter((k) => k.state === 'running' && k.containerId && nodeHost(m, k.nodeId) < hostCount)[i * 7];
      if (!task) break;
      const host = nodeHost(m, task.nodeId);
      await docker(host).getContainer(task.containerId!).kill().catch(() => {});
      await timeUntilShown(`task ${task.id.slice(0, 12)} killed`, () => watch.seen.find((e) => e.id === task.containerId && e.action === 'die'), () => follower.state.maps.tasks.get(task.id)?.state !== 'running');
    }
    await quiet(follower, 1_500);
    const cpu = process.cpuUsage(cpu0);
    const events = watch.seen.length - events0;
    // The engine's CPU: the process's, less the follower's JSON round trip and applying (the UI's share).
    const cpuPerEvent = ((cpu.user + cpu.system) / 1000 - (follower.spentMs - spent0)) / Math.max(1, events);

    // 3. Bytes per single-task change: one service scaled up by one replica, then down again.
    const bytes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const service = follower.model().services.find((s) => s.name === `svc${i}`)!;
      for (const replicas of [(service.replicas ?? 0) + 1, service.replicas ?? 0]) {
        await quiet(follower, 1_000);
        const before = follower.bytes;
        const running = () => [...follower.state.maps.tasks.values()].filter((k) => k.serviceId === service.id && k.state === 'running' && k.desiredState === 'running').length;
        await call('services:scale', { service: service.name, replicas });
        await until(`${service.name} at ${replicas}`, () => running() === replicas, 60_000);
        await quiet(follower, 1_500);
        bytes.push(follower.bytes - before);
      }
    }
    // The same with a full model per change, as the engine used to send.
    const fullModelBytes = JSON.stringify({ model: follower.model() }).length;

    // 4. A full re-read of the cluster, for its CPU.
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) {
      await quiet(follower, 500);
      const c0 = process.cpuUsage();
      const s0 = follower.spentMs;
      await call('cluster:snapshot', {});
      const c = process.cpuUsage(c0);
      reads.push((c.user + c.system) / 1000 - (follower.spentMs - s0));
    }
    return {
      event_p50_ms: round(percentile(latencies, 50)),
      event_p95_ms: round(percentile(latencies, 95)),
      events_timed: latencies.length,
      bytes_per_task_change: round(median(bytes)),
      full_model_bytes: fullModelBytes,
      cpu_ms_per_event: round(cpuPerEvent, 2),
      cpu_ms_full_read: round(median(reads), 1),
    };
  } finally {
    watch.stop();
    for (const c of created) await docker(c.host).getContainer(c.id).remove({ force: true }).catch(() => {});
  }
}
