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
  /** The same for each kind of change: a container started; a task's container killed. */
  start_p95_ms: number;
  kill_p95_ms: number;
  /**
   * The floor for the same events: when Docker's own event stream, read on the host's local
   * socket (no SSH, no engine), delivered them. No client can know of an event sooner.
   */
  event_floor_p95_ms: number;
  kill_floor_p95_ms: number;
  /** For the kills: when the task's state showed it stopped, and when the manager's own API first did (the floor for the task's state). */
  kill_task_p50_ms: number;
  kill_task_p95_ms: number;
  kill_manager_p50_ms: number;
  kill_manager_p95_ms: number;
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
  /** When (ms since the epoch) the local stream delivered it. */
  receivedAt: number;
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
          seen.push({ host: i, type: e.Type, action: e.Action, id: e.Actor.ID, timeNano: e.timeNano, receivedAt: Date.now() });
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

/** `engineCpuMs` reads the CPU time the engine's own process has used so far. */
export async function loadDeltaFigures(call: BenchCall, engineCpuMs: () => Promise<number>, follower: ModelFollower, hostCount: number): Promise<DeltaFigures> {
  const docker = (i: number) => new Docker({ socketPath: dockerSocket(labHost(i + 1)) });
  const watch = await watchEvents(hostCount);
  const latencies: number[] = [];
  const byKind: Record<'start' | 'kill', number[]> = { start: [], kill: [] };
  const floors: Record<'start' | 'kill', number[]> = { start: [], kill: [] };
  const taskStopped: number[] = [];
  const managerKnew: number[] = [];
  /** When (ms since the epoch) check() first holds, asked every 2 ms. */
  const firstTime = async (what: string, check: () => boolean): Promise<number> => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within 20 s`);
      await sleep(2);
    }
    return Date.now();
  };
  // Each change waits until the UI-side model shows the object its event names; the latency
  // runs from the event's own timeNano.
  // The model is watched from before the change is made: dockerd answers a kill only once the
  // container is cleaned up (100–200 ms under load), and timing from that answer measured the
  // bench's wait, not the UI (traced: the engine had written the death 0–6 ms after parsing it).
  const watchShown = (what: string, shown: () => boolean) => {
    const at = firstTime(`${what}: in the UI-side model`, shown);
    at.catch(() => {}); // awaited below; a timeout is reported there
    return at;
  };
  const timeUntilShown = async (kind: 'start' | 'kill', what: string, eventOf: () => SeenEvent | undefined, shownAt: Promise<number>) => {
    await until(`${what}: its event`, () => Boolean(eventOf()), 20_000);
    const event = eventOf()!;
    const ms = (await shownAt) - event.timeNano / 1e6;
    latencies.push(ms);
    byKind[kind].push(ms);
    floors[kind].push(event.receivedAt - event.timeNano / 1e6);
  };
  const containerShown = (id: string, running: boolean) => () => [...follower.state.maps.containers.values()].some((x) => x.id === id && (x.state === 'running') === running);
  // The manager's own view of a task, asked every 5 ms through its local socket: when it first
  // shows the task stopped is as early as any client of the manager can (the floor).
  const managerShowsStopped = async (taskId: string): Promise<number> => {
    const manager = docker(0);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const t = (await manager.getTask(taskId).inspect()) as { Status?: { State?: string } };
      if (t.Status?.State !== 'running') return Date.now();
      await sleep(5);
    }
    throw new Error(`the manager still shows task ${taskId} running after 20 s`);
  };
  const created: { host: number; id: string }[] = [];
  try {
    await quiet(follower, 1_000);
    const events0 = watch.seen.length;
    const cpu0 = await engineCpuMs();
    // 1. Plain containers started on each host in turn.
    for (let i = 0; i < 12; i++) {
      const host = i % hostCount;
      const name = `deltas-${Date.now()}-${i}`;
      const c = await docker(host).createContainer({ Image: 'lab/bare', name });
      created.push({ host, id: c.id });
      const shownAt = watchShown(`container ${name}`, containerShown(c.id, true));
      await c.start();
      await timeUntilShown('start', `container ${name}`, () => watch.seen.find((e) => e.id === c.id && e.action === 'start'), shownAt);
    }
    // 2. Task containers killed: the task fails (and the swarm starts another).
    const nodeHost = (m: ClusterModel, nodeId?: string) => Number((m.nodes.find((n) => n.id === nodeId)?.hostname ?? 'h1').slice(1)) - 1;
    for (let i = 0; i < 12; i++) {
      const m = follower.model();
      const task = m.tasks.filter((k) => k.state === 'running' && k.containerId && nodeHost(m, k.nodeId) < hostCount)[i * 7];
      if (!task) break;
      const host = nodeHost(m, task.nodeId);
      // The die event names the container: it is shown when the UI-side model has it stopped.
      // The task's state is the manager's word, which comes later: timed apart, beside when the
      // manager's own API first said so.
      const managerAt = managerShowsStopped(task.id);
      const taskAt = firstTime(`task ${task.id.slice(0, 12)} stopped in the UI-side model`, () => follower.state.maps.tasks.get(task.id)?.state !== 'running');
      const shownAt = watchShown(`task ${task.id.slice(0, 12)}'s container killed`, containerShown(task.containerId!, false));
      await docker(host).getContainer(task.containerId!).kill().catch(() => {});
      const die = () => watch.seen.find((e) => e.id === task.containerId && e.action === 'die');
      await timeUntilShown('kill', `task ${task.id.slice(0, 12)}'s container killed`, die, shownAt).catch((err: Error) => {
        const held = [...follower.state.maps.containers.values()].find((x) => x.id === task.containerId);
        throw new Error(`${err.message}; the UI-side model holds its container ${held ? `as ${held.state}` : 'not at all'}, its task as ${follower.state.maps.tasks.get(task.id)?.state ?? 'absent'}`);
      });
      const dieAt = die()!.timeNano / 1e6;
      taskStopped.push((await taskAt) - dieAt);
      managerKnew.push((await managerAt) - dieAt);
    }
    await quiet(follower, 1_500);
    const events = watch.seen.length - events0;
    // The engine's CPU, read in its own process (the follower's share, the UI's, is not in it).
    const cpuPerEvent = ((await engineCpuMs()) - cpu0) / Math.max(1, events);

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
      const c0 = await engineCpuMs();
      await call('cluster:snapshot', {});
      reads.push((await engineCpuMs()) - c0);
    }
    return {
      event_p50_ms: round(percentile(latencies, 50)),
      event_p95_ms: round(percentile(latencies, 95)),
      events_timed: latencies.length,
      start_p95_ms: round(percentile(byKind.start, 95)),
      kill_p95_ms: round(percentile(byKind.kill, 95)),
      event_floor_p95_ms: round(percentile([...floors.start, ...floors.kill], 95)),
      kill_floor_p95_ms: round(percentile(floors.kill, 95)),
      kill_task_p50_ms: round(percentile(taskStopped, 50)),
      kill_task_p95_ms: round(percentile(taskStopped, 95)),
      kill_manager_p50_ms: round(percentile(managerKnew, 50)),
      kill_manager_p95_ms: round(percentile(managerKnew, 95)),
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
