// The engine side of the scale benchmark, in a process of its own so its memory is the engine's
// (not the benchmark's browser driver). Started by scale.ts with --dir D --hosts N --tasks T; it
// prints {"firstModelMs":…} once the model holds every host and task, then takes the changes the
// hollow hosts make (one JSON per line on stdin, then {"end":true}) and prints {"figures":…}.
import { createInterface } from 'node:readline';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../electron/engine/engine';
import type { Change } from './hollow/generator';
import { ModelFollower, percentile } from './model-follower';
import { usage } from './process-usage';

const { values } = parseArgs({ options: { dir: { type: 'string' }, hosts: { type: 'string' }, tasks: { type: 'string' } } });
const dir = values.dir!;
const hosts = Number(values.hosts);
const tasks = Number(values.tasks);
const out = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const follower = new ModelFollower();
/** Cleared before the memory is read (the follower's copy is the UI's, not the engine's): later deltas are not followed. */
let following = true;
let applyMs = 0;
const started = performance.now();
const engine = await createEngine({
  configDir: dir,
  userKnownHosts: [],
  sshConfigPath: path.join(dir, 'no-ssh-config'),
  dockerConfigDir: path.join(dir, 'no-docker'),
  emit: (name, payload) => {
    if (name !== 'cluster:changed' || !following) return;
    const t0 = performance.now();
    follower.receive(payload);
    applyMs += performance.now() - t0;
  },
});
const whole = () => follower.state.maps.hosts.size === hosts && [...follower.state.maps.hosts.values()].every((h) => h.status === 'connected') && follower.state.maps.tasks.size === tasks;
const deadline = Date.now() + 120_000;
while (!whole() && Date.now() < deadline) await sleep(10);
if (!whole()) {
  out({ error: `no full model within 120 s: ${follower.state.maps.hosts.size} hosts, ${follower.state.maps.tasks.size} tasks` });
  process.exit(1);
}
out({ firstModelMs: performance.now() - started });

// Each change is tracked until the model shows it: its task running, or its node in the new state.
const pending = new Map<string, { at: number; check: () => boolean }>();
const latencies: number[] = [];
follower.onApplied = (at) => {
  for (const [key, p] of pending) {
    if (!p.check()) continue;
    latencies.push(at - p.at);
    pending.delete(key);
  }
};
let changes = 0;
let bytes0 = 0;
let events0 = 0;
let cpu0 = process.cpuUsage();
const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const msg = JSON.parse(line) as { start?: boolean; change?: Change; end?: boolean };
  if (msg.start) {
    bytes0 = follower.bytes;
    events0 = follower.events;
    applyMs = 0;
    cpu0 = process.cpuUsage();
  }
  if (msg.change) {
    const c = msg.change;
    changes += 1;
    const at = c.timeNano / 1e6;
    if (c.kind === 'node') pending.set(`node:${c.nodeId}:${c.timeNano}`, { at, check: () => follower.state.maps.nodes.get(c.nodeId)?.state === c.state });
    else pending.set(`task:${c.taskId}`, { at, check: () => follower.state.maps.tasks.get(c.taskId)?.state === 'running' });
    // Already shown before this line arrived (the engine can be quicker than the report).
    follower.onApplied(Date.now(), { seq: follower.state.seq });
  }
  if (msg.end) {
    const until = Date.now() + 10_000;
    while (pending.size && Date.now() < until) await sleep(20);
    const cpu = process.cpuUsage(cpu0);
    // The follower's own work (parsing and applying: the UI's share) is not the engine's.
    const cpuMs = (cpu.user + cpu.system) / 1000 - applyMs;
    const bytes = follower.bytes - bytes0;
    // The engine keeps sending (nodes back up after the last change): a copy emptied here would
    // take their patches as a gap.
    following = false;
    for (const map of Object.values(follower.state.maps)) map.clear();
    const { rssMb } = await usage();
    out({ figures: { eventP50: percentile(latencies, 50), eventP99: percentile(latencies, 99), seen: latencies.length, changes, missed: pending.size, cpuPerChangeMs: cpuMs / changes, bytesPerChange: bytes / changes, deltasPerChange: (follower.events - events0) / changes, rssMb } });
    engine.dispose();
    process.exit(0);
  }
});
