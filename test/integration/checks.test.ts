// One-click connectivity checks on the 3-host lab, each asserting the verdict the user sees:
// dnsrr all reachable, VIP broken (this kernel has no IPVS), a refused port, a tool-less source
// through the helper, UDP 4789 dropped on one host, an encrypted overlay, and no tasks at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, HostView } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';
import { engineOnLab, type TestEngine } from '../support/engine';
import { SUBNET_PREFIX } from '../lab/config';

/** The lab's subnet as a regular expression fragment (labs can run side by side on other /24s). */
const LAB_NET = SUBNET_PREFIX.replaceAll('.', '\\.');

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const id = (name: string) => views.find((v) => v.name === name)!.id;
const cli = (i: number, args: string[]) => sshRun(lab[i], args);
const DROP_VXLAN = ['iptables', '-I', 'INPUT', '-p', 'udp', '--dport', '4789', '-j', 'DROP'];

async function runningOnEveryHost(service: string, n = 3) {
  const nodes = async () => new Set((await cli(0, ['docker', 'service', 'ps', service, '--filter', 'desired-state=running', '--format', "'{{.Node}} {{.CurrentState}}'"])).split('\n').filter((l) => l.includes('Running')).map((l) => l.split(' ')[0])).size;
  for (const deadline = Date.now() + 60_000; (await nodes()) !== n; await new Promise((r) => setTimeout(r, 300))) {
    if (Date.now() > deadline) throw new Error(`${service} is not running on ${n} hosts`);
  }
}

/** The overlay needs a moment after tasks start (gossip, DNS): retry until the verdict settles. */
async function checkUntil(input: Parameters<TestEngine['call']>[1] & object, code: string, timeoutMs = 30_000): Promise<CheckResult> {
  let last: CheckResult | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    last = await t.call('checks:run', input as never);
    if (last.verdict.code === code) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`verdict stayed ${last?.verdict.code}: ${last?.verdict.title} — ${last?.verdict.evidence.join(' | ')}`);
}

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'appnet', attachable: true, subnet: '10.91.0.0/24' });
  await t.call('networks:create', { name: 'secnet', encrypted: true, subnet: '10.92.0.0/24' });
  const spread = { replicas: 3, image: 'lab/web' };
  await t.call('services:create', { name: 'frontend', ...spread, networks: ['appnet'] });
  await t.call('services:create', { name: 'backend', ...spread, networks: ['appnet'], endpointMode: 'dnsrr' });
  await t.call('services:create', { name: 'api', ...spread, networks: ['appnet'] });
  for (const s of ['frontend', 'backend', 'api']) await runningOnEveryHost(s);
}, 180_000);

afterAll(async () => {
  await cli(2, ['iptables', '-D', ...DROP_VXLAN.slice(2), '2>/dev/null', '||', 'true']).catch(() => {});
  t?.engine.handlers['checks:watchStop']({ watchId: 'none' });
  await t?.stop();
  await leaveSwarmEverywhere(lab);
});

describe('connectivity checks', () => {
  it('dnsrr: frontend reaches every task of backend, across all three hosts', async () => {
    const r = await checkUntil({ from: 'frontend', to: 'backend', port: 80 }, 'reachable');
    expect(r.verdict.level).toBe('ok');
    expect(r.sources.map((s) => s.node).sort()).toEqual(['h1', 'h2', 'h3']);
    expect(r.sources.every((s) => s.via === 'exec')).toBe(true);
    expect(r.pairs).toHaveLength(9);
    expect(r.pairs.filter((p) => !p.sameHost)).toHaveLength(6);
    expect(r.pairs.every((p) => p.reachable && p.tcp?.result === 'ok' && p.icmp.result === 'ok' && typeof p.latencyMs === 'number')).toBe(true);
    // dnsrr: the name itself resolves to the task IPs.
    const taskIps = (await cli(0, ['docker', 'network', 'inspect', 'appnet', '--verbose', '--format', "'{{range (index .Services \"backend\").Tasks}}{{.EndpointIP}} {{end}}'"])).split(' ').filter(Boolean).sort();
    for (const s of r.sources) expect(s.dns.find((d) => d.name === 'backend')?.addresses.sort()).toEqual(taskIps);
    expect(r.commands.map((c) => c.text).join('\n')).toMatch(new RegExp(`docker -H ssh://root@${LAB_NET}\\.1\\d exec \\w{12} nc -w 2 10\\.91\\.0\\.\\d+ 80`));
  });

  it('vip: the VIP failure is diagnosed as such while the task IPs pass', async () => {
    const r = await checkUntil({ from: 'frontend', to: 'api', port: 80 }, 'vip-unreachable');
    expect(r.vip).toMatch(/^10\.91\.0\.\d+$/);
    expect(r.pairs.filter((p) => p.kind === 'vip').every((p) => !p.reachable)).toBe(true);
    expect(r.pairs.filter((p) => p.kind === 'task').every((p) => p.reachable)).toBe(true);
    expect(r.verdict.next).toContain('dnsrr');
    expect(r.sources[0].dns.find((d) => d.name === 'api')?.addresses).toEqual([r.vip]);
  });

  it('switching the target to dnsrr makes it reachable by name', async () => {
    const res = await t.call('services:update', { service: 'api', endpointMode: 'dnsrr' });
    expect(res.commands[0].text).toContain('service update --detach --endpoint-mode dnsrr api');
    expect(await cli(0, ['docker', 'service', 'inspect', 'api', '--format', '{{.Spec.EndpointSpec.Mode}}'])).toBe('dnsrr');
    const r = await checkUntil({ from: 'frontend', to: 'api', port: 80 }, 'reachable', 60_000);
    expect(r.vip).toBeUndefined();
  });

  it('a port with nothing listening is reported as refused', async () => {
    const r = await checkUntil({ from: 'frontend', to: 'backend', port: 81 }, 'port-refused');
    expect(r.verdict.title).toContain('port 81');
    expect(r.pairs.every((p) => p.tcp?.result === 'refused')).toBe(true);
  });

  it('a source whose image has no shell is probed through a helper container', async () => {
    await t.call('services:create', { name: 'barefront', image: 'lab/bare', replicas: 2, networks: ['appnet'] });
    await expect.poll(async () => (await cli(0, ['docker', 'service', 'ps', 'barefront', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}'])).split('\n').filter((l) => l.startsWith('Running')).length, { timeout: 60_000 }).toBe(2);
    const r = await checkUntil({ from: 'barefront', to: 'backend', port: 80 }, 'reachable');
    expect(r.sources.every((s) => s.via === 'helper' && s.helperImage === 'lab/web:latest')).toBe(true);
    expect(r.commands[0].text).toMatch(/run --rm --network container:\w{12} lab\/web:latest nslookup backend/);
    // The helper containers are gone afterwards.
    for (let i = 0; i < 3; i++) expect(await cli(i, ['docker', 'ps', '-a', '--filter', 'label=archipelago.role=probe-helper', '-q'])).toBe('');
    await t.call('services:remove', { service: 'barefront' });
  });

  it('UDP 4789 dropped on one host: cross-host failure diagnosed as the underlay, same-host pairs still pass', async () => {
    await cli(2, DROP_VXLAN);
    try {
      const r = await checkUntil({ from: 'frontend', to: 'backend', port: 80 }, 'underlay-blocked');
      expect(r.verdict.title).toContain('h3');
      expect(r.verdict.next).toContain('UDP 4789');
      const same = r.pairs.filter((p) => p.sameHost);
      expect(same.length).toBe(3);
      expect(same.every((p) => p.reachable)).toBe(true);
      // Pairs between h1 and h2 are untouched.
      expect(r.pairs.filter((p) => !p.sameHost && ![p.sourceNode, p.targetNode].includes('h3')).every((p) => p.reachable)).toBe(true);
    } finally {
      await cli(2, ['iptables', '-D', ...DROP_VXLAN.slice(2)]);
    }
    await checkUntil({ from: 'frontend', to: 'backend', port: 80 }, 'reachable');
  });

  it('an encrypted overlay that cannot carry traffic across hosts is diagnosed as encryption/ESP', async () => {
    await t.call('services:create', { name: 'encfront', image: 'lab/web', replicas: 3, networks: ['secnet'] });
    await t.call('services:create', { name: 'encback', image: 'lab/web', replicas: 3, networks: ['secnet'], endpointMode: 'dnsrr' });
    for (const s of ['encfront', 'encback']) await runningOnEveryHost(s);
    const r = await checkUntil({ from: 'encfront', to: 'encback', port: 80 }, 'encrypted-overlay');
    expect(r.network).toMatchObject({ name: 'secnet', encrypted: true });
    expect(r.verdict.next).toContain('ESP');
    expect(r.pairs.filter((p) => p.sameHost).every((p) => p.reachable)).toBe(true);
  });

  it('a target scaled to 0 has no running tasks', async () => {
    await t.call('services:scale', { service: 'api', replicas: 0 });
    const r = await checkUntil({ from: 'frontend', to: 'api' }, 'no-target-tasks');
    expect(r.verdict.title).toBe('api has no running tasks');
    expect(r.pairs).toEqual([]);
  });

  it('watches a check, streaming results until stopped, and refuses bad input before any probe', async () => {
    const { watchId } = await t.call('checks:watch', { from: 'frontend', to: 'backend', port: 80, intervalSec: 2 });
    const results = () => t.events.filter((e) => e.name === 'checks:result' && (e.payload as { watchId: string }).watchId === watchId);
    await expect.poll(() => results().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect((await t.call('checks:watchStop', { watchId })).stopped).toBe(true);
    const n = results().length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(results().length).toBeLessThanOrEqual(n + 1);
    expect(await t.fail('checks:run', { from: 'frontend; rm -rf /', to: 'backend' })).toMatchObject({ code: 'invalid-input', field: 'from' });
    expect(await t.fail('checks:run', { from: 'frontend', to: 'backend', port: 70000 })).toMatchObject({ code: 'invalid-input', field: 'port' });
    expect(await t.fail('checks:run', { from: 'frontend', to: 'nosuch' })).toMatchObject({ code: 'not-found', field: 'to' });
  });

  it('runs the matrix over every pair of services on a network', async () => {
    const matrixId = 'matrix-1';
    const m = await t.call('checks:matrix', { network: 'appnet', port: 80, matrixId });
    expect(m.services).toEqual(['api', 'backend', 'frontend']);
    expect(m.results).toHaveLength(6);
    // Each pair also arrived as it finished, counted up to the total.
    const progress = t.events.filter((e) => e.name === 'checks:matrixProgress').map((e) => e.payload as { matrixId: string; done: number; total: number });
    expect(progress.map((p) => `${p.matrixId} ${p.done}/${p.total}`)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `matrix-1 ${n}/6`));
    expect(m.results.find((r) => r.from === 'frontend' && r.to === 'backend')?.verdict.code).toBe('reachable');
    expect(m.results.find((r) => r.to === 'api')?.verdict.code).toBe('no-target-tasks');
  });
});

describe('console', () => {
  it('opens a shell in a task on another host, runs hostname in it, and closes', async () => {
    const model = await t.call('cluster:snapshot', {});
    const h3 = model.nodes.find((n) => n.hostname === 'h3')!;
    const fe = model.services.find((s) => s.name === 'frontend')!;
    const task = model.tasks.find((k) => k.serviceId === fe.id && k.nodeId === h3.id && k.state === 'running')!;
    const { consoleId, shell, node, command } = await t.call('console:open', { taskId: task.id, cols: 80, rows: 24 });
    expect({ shell, node }).toEqual({ shell: '/bin/sh', node: 'h3' });
    expect(command.text).toMatch(new RegExp(`docker -H ssh://root@${LAB_NET}\\.13 exec -it \\w{12} /bin/sh`));
    const output = () => t.events.filter((e) => e.name === 'console:output' && (e.payload as { consoleId: string }).consoleId === consoleId).map((e) => (e.payload as { data: string }).data).join('');
    await t.call('console:resize', { consoleId, cols: 120, rows: 40 });
    await t.call('console:input', { consoleId, data: 'hostname; stty size\n' });
    const containerHostname = task.containerId!.slice(0, 12);
    await expect.poll(output, { timeout: 10_000 }).toContain(containerHostname);
    await expect.poll(output, { timeout: 10_000 }).toContain('40 120');
    expect((await t.call('console:close', { consoleId })).closed).toBe(true);
    expect(await t.fail('console:input', { consoleId, data: 'x' })).toMatchObject({ code: 'not-found' });
  });

  it('says clearly when the image has no shell', async () => {
    await t.call('services:create', { name: 'bareone', image: 'lab/bare', replicas: 1 });
    let task;
    for (const deadline = Date.now() + 60_000; !task && Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      const m = await t.call('cluster:snapshot', {});
      const s = m.services.find((x) => x.name === 'bareone');
      task = m.tasks.find((k) => k.serviceId === s?.id && k.state === 'running');
    }
    const err = await t.fail('console:open', { taskId: task!.id });
    expect(err.message).toContain('has no shell');
    expect(err.hint).toContain('checks');
  });
});

// Last in the file: it leaves h3 cut off from the others' gossip for a while (the swarm is left
// afterwards anyway).
describe('gossip lag', () => {
  it('a task on a host whose gossip does not reach the others: the check says gossip, names the hosts and port 7946', async () => {
    const h3 = lab[2].address;
    const rules = ['udp', 'tcp'].flatMap((proto) => ['--dport', '--sport'].map((dir) => ['INPUT', '-s', h3, '-p', proto, dir, '7946', '-j', 'DROP']));
    for (const i of [0, 1]) for (const r of rules) await cli(i, ['iptables', '-I', ...r]);
    try {
      await t.call('services:create', { name: 'late', image: 'lab/web', replicas: 1, networks: ['appnet'], endpointMode: 'dnsrr', constraints: ['node.hostname==h3'] });
      const r = await checkUntil({ from: 'frontend', to: 'late', port: 80 }, 'gossip-pending', 60_000);
      expect(r.verdict.title).toMatch(/^h1, h2 do not know late's task\(s\) yet/);
      expect(r.verdict.next).toContain('7946');
      // frontend's task on h3 itself reaches late: the task is fine, only the news is missing.
      expect(r.pairs.find((p) => p.sourceNode === 'h3')?.reachable).toBe(true);
    } finally {
      for (const i of [0, 1]) for (const r of rules) await cli(i, ['iptables', '-D', ...r]).catch(() => {});
    }
    await t.call('services:remove', { service: 'late' });
  });
});
