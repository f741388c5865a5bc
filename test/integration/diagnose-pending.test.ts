// Tasks that never run, and why: each case made on the lab, the check's "no running tasks"
// verdict asserted with swarm's reason and the hosts it names; then the cause is removed and the
// same check says reachable. Host-mode port conflicts leave some tasks running, so that case is
// asserted on the explanation the service details show (the same pure function, on the model).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, ClusterModel, HostView } from '../../electron/shared/model';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { whyPending } from '../../electron/shared/why-pending';
import { labHost } from '../lab/config';
import type { LabHostEnv } from '../lab/lab';
import { overlayConverged, tasksRunning, waitUntil } from '../support/cluster-conditions';
import { engineOnLab, type TestEngine } from '../support/engine';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const snapshot = () => t.call('cluster:snapshot', {});
const explain = (r: CheckResult) => `${r.verdict.code}: ${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`;

/** Waits until the service's tasks carry swarm's reason (its error matches `words`). */
function swarmSays(service: string, words: RegExp) {
  return waitUntil(`${service}: swarm says ${words}`, async () => {
    const m = await snapshot();
    const s = m.services.find((x) => x.name === service);
    const errors = m.tasks.filter((x) => x.serviceId === s?.id).map((x) => x.error ?? x.message ?? x.state);
    return errors.some((e) => words.test(e)) ? true : `tasks say: ${[...new Set(errors)].join(' / ') || 'nothing yet'}`;
  });
}

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'pendnet', subnet: '10.99.0.0/24' });
  await t.call('services:create', { name: 'frontend', image: 'lab/web', replicas: 3, networks: ['pendnet'], endpointMode: 'dnsrr' });
  await tasksRunning(t, 'frontend', 3);
}, 240_000);

afterAll(async () => {
  for (const h of lab ?? []) await sshRun(h, ['docker', 'image', 'rm', 'lab/only1', '2>/dev/null', '||', 'true']).catch(() => {});
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

describe('why pending', () => {
  it('no node satisfies the constraints: names the constraint and the nodes’ labels; labelled, reachable', async () => {
    await t.call('services:create', { name: 'placed', image: 'lab/web', replicas: 1, networks: ['pendnet'], endpointMode: 'dnsrr', constraints: ['node.labels.zone==east'] });
    await swarmSays('placed', /constraints not satisfied/);
    const r = await t.call('checks:run', { from: 'frontend', to: 'placed', port: 80 });
    expect(r.verdict.code, explain(r)).toBe('no-target-tasks');
    expect(r.verdict.reason).toBe('constraints');
    expect(r.verdict.title).toBe('placed has no running tasks: No node satisfies “node.labels.zone==east”');
    expect(r.verdict.evidence.join('\n')).toMatch(/swarm says: “no suitable node \(scheduling constraints not satisfied on 3 nodes\)”/);
    for (const h of ['h1', 'h2', 'h3']) expect(r.verdict.evidence.join('\n')).toContain(`${h} (`);
    const h2 = (await snapshot()).nodes.find((n) => n.hostname === 'h2')!;
    await t.call('nodes:update', { nodeId: h2.id, addLabels: { zone: 'east' } });
    await tasksRunning(t, 'placed', 1, 1);
    await overlayConverged(t, lab, 'pendnet', ['placed']);
    expect(explain(await t.call('checks:run', { from: 'frontend', to: 'placed', port: 80 }))).toMatch(/^reachable/);
  }, 180_000);

  it('the image is missing on the node the task must run on: names the node; loaded there, reachable', async () => {
    // lab/only1 exists on h1 only; the service must run on h2.
    await sshRun(lab[0], ['docker', 'tag', 'lab/web', 'lab/only1']);
    await t.call('services:create', { name: 'imaged', image: 'lab/only1', replicas: 1, networks: ['pendnet'], endpointMode: 'dnsrr', constraints: ['node.hostname==h2'] });
    await swarmSays('imaged', /No such image/);
    const r = await t.call('checks:run', { from: 'frontend', to: 'imaged', port: 80 });
    expect(r.verdict.code, explain(r)).toBe('no-target-tasks');
    expect(r.verdict.reason).toBe('image');
    expect(r.verdict.title).toBe('imaged has no running tasks: The image lab/only1 is missing on h2 and cannot be pulled there');
    expect(r.verdict.evidence.join('\n')).toMatch(/h2: No such image: lab\/only1/);
    await sshRun(lab[1], ['docker', 'tag', 'lab/web', 'lab/only1']);
    await tasksRunning(t, 'imaged', 1, 1);
    await overlayConverged(t, lab, 'pendnet', ['imaged']);
    expect(explain(await t.call('checks:run', { from: 'frontend', to: 'imaged', port: 80 }))).toMatch(/^reachable/);
  }, 180_000);

  it('not enough memory on any node: says what it reserves and what nodes offer; lowered, reachable', async () => {
    await t.call('services:create', { name: 'hungry', image: 'lab/web', replicas: 1, networks: ['pendnet'], endpointMode: 'dnsrr' });
    await tasksRunning(t, 'hungry', 1, 1);
    await sshRun(lab[0], ['docker', 'service', 'update', '--detach', '--reserve-memory', '100000G', 'hungry']);
    await swarmSays('hungry', /insufficient resources/);
    await waitUntil('hungry: no task running', async () => {
      const m = await snapshot();
      const id = m.services.find((s) => s.name === 'hungry')?.id;
      return m.tasks.some((x) => x.serviceId === id && x.state === 'running') ? 'one still runs' : true;
    });
    const r = await t.call('checks:run', { from: 'frontend', to: 'hungry', port: 80 });
    expect(r.verdict.code, explain(r)).toBe('no-target-tasks');
    expect(r.verdict.reason).toBe('resources');
    expect(r.verdict.evidence.join('\n')).toMatch(/hungry reserves 100000\.0 GiB of memory per task/);
    await sshRun(lab[0], ['docker', 'service', 'update', '--detach', '--reserve-memory', '0', 'hungry']);
    await tasksRunning(t, 'hungry', 1, 1);
    await waitUntil('hungry: update completed', async () => {
      const u = (await snapshot()).services.find((s) => s.name === 'hungry')?.update;
      return u?.state === 'completed' ? true : `update ${u?.state}`;
    });
    await overlayConverged(t, lab, 'pendnet', ['hungry']);
    expect(explain(await t.call('checks:run', { from: 'frontend', to: 'hungry', port: 80 }))).toMatch(/^reachable/);
  }, 180_000);

  it('a /29 overlay out of addresses: counts used and free addresses; freed, reachable', async () => {
    await t.call('networks:create', { name: 'tiny', subnet: '10.98.0.0/29' });
    const onH1 = { image: 'lab/web', networks: ['tiny'], endpointMode: 'dnsrr' as const, constraints: ['node.hostname==h1'] };
    await t.call('services:create', { name: 'tinyfront', replicas: 1, ...onH1 });
    await t.call('services:create', { name: 'tinyfill', replicas: 3, ...onH1 });
    await tasksRunning(t, 'tinyfill', 3, 1);
    await t.call('services:create', { name: 'tinyback', image: 'lab/web', replicas: 1, networks: ['tiny'], endpointMode: 'dnsrr' });
    // Swarm leaves the task in state "new" without a word; the manager logs why.
    await waitUntil('the manager to log that tinyback found no IP', async () => {
      const m = await snapshot();
      const s = m.services.find((x) => x.name === 'tinyback');
      const task = m.tasks.find((x) => x.serviceId === s?.id);
      if (!task) return 'no task yet';
      const log = await readFile(path.join(labHost(1).stateDir, 'dockerd.log'), 'utf8');
      return log.includes(`failed to allocate network IP for task ${task.id}`) && /could not find an available IP/.test(log) ? true : `task ${task.state}, nothing logged yet`;
    });
    const r = await t.call('checks:run', { from: 'tinyfront', to: 'tinyback', port: 80 });
    expect(r.verdict.code, explain(r)).toBe('no-target-tasks');
    expect(r.verdict.reason).toBe('subnet-exhausted');
    expect(r.verdict.title).toBe("tinyback has no running tasks: tiny's subnet has run out of addresses: 10.98.0.0/29 has 5 usable, 5 in use");
    expect(r.verdict.evidence).toContain('4 task address(es), 0 virtual IP(s), 1 load-balancer endpoint(s) (one per node the overlay runs on)');
    await t.call('services:scale', { service: 'tinyfill', replicas: 0 });
    await tasksRunning(t, 'tinyback', 1, 1);
    await overlayConverged(t, lab, 'tiny', ['tinyback']);
    expect(explain(await t.call('checks:run', { from: 'tinyfront', to: 'tinyback', port: 80 }))).toMatch(/^reachable/);
  }, 240_000);

  it('a host-mode port taken on every node: the explanation says one per node', async () => {
    await sshRun(lab[0], ['docker', 'service', 'create', '--detach', '--name', 'hostport', '--publish', 'mode=host,target=80,published=8088', '--replicas', '4', 'lab/web']);
    await tasksRunning(t, 'hostport', 3, 3);
    await swarmSays('hostport', /host-mode port already in use/);
    const why = whyPending((await snapshot()) as ClusterModel, 'hostport')!;
    expect(why).toMatchObject({ running: 3, desired: 4 });
    expect(why.reasons[0]).toMatchObject({ code: 'port-conflict' });
    expect(why.reasons[0].ours).toBe('Port 8088 is published in host mode: each node can run one such task, and 3 node(s) are usable.');
    void views;
  }, 180_000);
});
