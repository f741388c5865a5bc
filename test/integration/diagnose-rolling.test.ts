// The service is changing under the check. backend's tasks stop listening as soon as they are
// told to stop, then linger 40 s before exiting (a slow shutdown, as real servers draining do):
// during a real rolling update the check must say `rolling`, name the update's progress, and put
// the failing addresses down to the tasks being replaced, not to the network. Then Rollback and
// Resume through the API, each with its CLI equivalent; the task model's "current spec" marks
// are compared with the engine's own `_up-to-date` task filter (what the CLI's progress uses).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterModel } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { overlayConverged, runningTasks, tasksRunning, waitUntil } from '../support/cluster-conditions';
import { engineOnLab, type TestEngine } from '../support/engine';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';

let t: TestEngine;
let lab: LabHostEnv[];
const snapshot = () => t.call('cluster:snapshot', {});
const svc = (m: ClusterModel, name: string) => m.services.find((s) => s.name === name)!;
/** httpd until told to stop; then no listener, but the task lingers for 40 s. */
const SLOW_STOP = ['/bin/sh', '-c', "httpd -f -p 80 -h /www & pid=$!; trap 'kill $pid; sleep 40; exit 0' TERM; wait $pid; wait $pid"];

beforeAll(async () => {
  ({ t, lab } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'rollnet', subnet: '10.95.0.0/24' });
  await t.call('services:create', { name: 'frontend', image: 'lab/web', replicas: 3, networks: ['rollnet'], endpointMode: 'dnsrr' });
  await t.call('services:create', { name: 'backend', image: 'lab/web', replicas: 0, networks: ['rollnet'], endpointMode: 'dnsrr', command: SLOW_STOP });
  // The stop grace period is a fixture, set the way a user would by hand (before any task runs,
  // so no task has to linger through it).
  await sshRun(lab[0], ['docker', 'service', 'update', '--detach', '--stop-grace-period', '60s', '--replicas', '3', 'backend']);
  for (const name of ['frontend', 'backend']) await tasksRunning(t, name, 3);
  await overlayConverged(t, lab, 'rollnet', ['frontend', 'backend']);
}, 300_000);

afterAll(async () => {
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

async function upToDateOracle(service: string): Promise<string[]> {
  const out = await sshRun(lab[0], ['curl', '-s', '--unix-socket', '/var/run/docker.sock', '-G', 'http://d/v1.41/tasks', '--data-urlencode', `'filters={"service":{"${service}":true},"_up-to-date":{"true":true}}'`]);
  return (JSON.parse(out) as { ID: string }[]).map((x) => x.ID).sort();
}

describe('rolling', () => {
  it('an update that cannot start its tasks pauses; Resume starts it again; Rollback is refused without a previous spec', async () => {
    await t.call('services:create', { name: 'pausing', image: 'lab/web', replicas: 1, networks: ['rollnet'] });
    await tasksRunning(t, 'pausing', 1, 1);
    await t.call('services:update', { service: 'pausing', image: 'lab/nosuch' });
    await waitUntil('pausing: its update paused', async () => {
      const u = svc(await snapshot(), 'pausing').update;
      return u?.state === 'paused' ? true : `update ${u?.state}`;
    }, 120_000);
    const before = svc(await snapshot(), 'pausing').update!.startedAt;
    const res = await t.call('services:resume', { service: 'pausing' });
    expect(res.commands[0].text).toMatch(/service update --detach pausing$/);
    // Swarm clears the paused status on any update and carries on with the tasks still to do.
    await waitUntil('pausing: no longer paused', async () => {
      const u = svc(await snapshot(), 'pausing').update;
      return u?.state !== 'paused' || u.startedAt !== before ? true : `update ${u?.state} since ${u?.startedAt}`;
    });
    // A service never updated has nothing to roll back to; a running update cannot be resumed.
    expect(await t.fail('services:rollback', { service: 'frontend' })).toMatchObject({ code: 'conflict' });
    expect(await t.fail('services:resume', { service: 'frontend' })).toMatchObject({ code: 'conflict' });
    expect(runningTasks(await snapshot(), 'frontend')).toHaveLength(3);
    await t.call('services:remove', { service: 'pausing' });
  }, 240_000);

  it('a check in the middle of a rolling update says rolling, with progress, and blames the tasks being replaced', async () => {
    const res = await t.call('services:update', { service: 'backend', env: ['VERSION=2'] });
    expect(res.commands[0].text).toContain('service update --detach --env-add VERSION=2 backend');
    // A task told to stop, no longer listening, and still there: the window a user falls into.
    // (Swarm waits ~2 s for gossip after taking it out of the service before it signals it.)
    await waitUntil('backend updating, with a task shutting down that no longer listens', async () => {
      const m = await snapshot();
      const s = svc(m, 'backend');
      const leaving = m.tasks.filter((x) => x.serviceId === s.id && x.state === 'running' && x.desiredState === 'shutdown');
      if (s.update?.state !== 'updating' || leaving.length !== 1) return `update ${s.update?.state}, ${leaving.length} task(s) shutting down`;
      const node = lab.find((h) => h.name === m.nodes.find((n) => n.id === leaving[0].nodeId)?.hostname)!;
      const listens = await sshRun(node, ['docker', 'exec', leaving[0].containerId!, 'sh', '-c', "'nc -w 1 127.0.0.1 80 </dev/null >/dev/null 2>&1 && echo yes || echo no'"]);
      return listens === 'no' ? true : `the leaving task on ${node.name} still listens`;
    });
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    const m = await snapshot();
    const u = svc(m, 'backend').update!;
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('rolling');
    expect(r.verdict.level).toBe('warning');
    expect(r.verdict.title).toMatch(/^backend is rolling, \d of 3 tasks updated; the failing addresses are tasks being replaced$/);
    // Never a network fault.
    expect(r.findings.map((f) => f.code).filter((c) => ['underlay-blocked', 'unreachable', 'port-refused', 'mtu-blackhole'].includes(c))).toEqual([]);
    const failing = r.pairs.filter((p) => !p.reachable);
    expect(failing.length).toBeGreaterThan(0);
    const leavingIps = m.tasks.filter((x) => x.serviceId === svc(m, 'backend').id && x.desiredState === 'shutdown').flatMap((x) => x.addresses.map((a) => a.address.replace(/\/\d+$/, '')));
    for (const p of failing) expect(leavingIps).toContain(p.targetIp);
    // The model's progress and "current spec" marks agree with the engine's own filter.
    expect(u.total).toBe(3);
    const mine = m.tasks.filter((x) => x.serviceId === svc(m, 'backend').id);
    expect(mine.filter((x) => x.upToDate).map((x) => x.id).sort()).toEqual(await upToDateOracle('backend'));
  }, 180_000);

  it('once the update has completed, the same check says reachable', async () => {
    await waitUntil('backend: update completed, 3 of 3 updated', async () => {
      const u = svc(await snapshot(), 'backend').update;
      return u?.state === 'completed' && u.updated === 3 ? true : `update ${u?.state}, ${u?.updated} of ${u?.total}`;
    }, 240_000);
    await overlayConverged(t, lab, 'rollnet', ['frontend', 'backend']);
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('reachable');
  }, 300_000);

  it('Rollback goes back to the previous spec; its CLI equivalent is docker service rollback', async () => {
    const res = await t.call('services:rollback', { service: 'backend' });
    expect(res.commands[0].text).toMatch(/docker -H ssh:\/\/root@[\d.]+ service rollback --detach backend$/);
    await waitUntil('backend: rollback under way or done', async () => {
      const u = svc(await snapshot(), 'backend').update;
      return u?.state.startsWith('rollback') ? true : `update ${u?.state}`;
    });
    expect(await sshRun(lab[0], ['docker', 'service', 'inspect', 'backend', '--format', "'{{.Spec.TaskTemplate.ContainerSpec.Env}}'"])).toBe('[]');
  });


});
