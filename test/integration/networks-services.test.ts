// Overlay networks and services by API on the 3-host lab, checked with the docker CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';
import { engineOnLab, type TestEngine } from '../support/engine';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const id = (name: string) => views.find((v) => v.name === name)!.id;
const cli = (i: number, args: string[]) => sshRun(lab[i], args);
const running = async (service: string) =>
  (await cli(0, ['docker', 'service', 'ps', service, '--filter', 'desired-state=running', '--format', "'{{.Node}} {{.CurrentState}}'"])).split('\n').filter((l) => l.includes('Running'));

const leaveAll = () => leaveSwarmEverywhere(lab);

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab({ swarm: true }));
});
afterAll(async () => {
  await t?.stop();
  await leaveAll();
});

describe('overlay networks and services', () => {
  it('creates an attachable overlay and an encrypted one', async () => {
    const app = await t.call('networks:create', { name: 'appnet', attachable: true, subnet: '10.77.0.0/24', gateway: '10.77.0.1' });
    expect(app.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} network create --driver overlay --attachable --subnet 10.77.0.0/24 --gateway 10.77.0.1 appnet`);
    const sec = await t.call('networks:create', { name: 'secnet', encrypted: true });
    expect(sec.message).toContain('for the checks to tell');
    expect(await cli(0, ['docker', 'network', 'inspect', 'appnet', '--format', "'{{.Driver}} {{.Attachable}} {{(index .IPAM.Config 0).Subnet}}'"])).toBe('overlay true 10.77.0.0/24');
    expect(await cli(0, ['docker', 'network', 'inspect', 'secnet', '--format', "'{{index .Options \"encrypted\"}}|{{.Driver}}'"])).toBe('|overlay');
    const model = await t.call('cluster:snapshot', {});
    expect(model.networks.find((n) => n.name === 'secnet')).toMatchObject({ encrypted: true, driver: 'overlay' });
  });

  it('refuses bad inputs with field-level errors', async () => {
    const cases: [object, string][] = [
      [{ name: 'my net' }, 'name'],
      [{ name: 'n1', subnet: '10.0.0.0/33' }, 'subnet'],
      [{ name: 'n2', subnet: '10.80.0.0/24', gateway: '10.81.0.1' }, 'gateway'],
      [{ name: 'n3', subnet: '10.77.0.128/25' }, 'subnet'],
    ];
    for (const [input, field] of cases) {
      const err = await t.fail('networks:create', input as never);
      expect(err, JSON.stringify(input)).toMatchObject({ code: 'invalid-input', field });
    }
    expect((await t.fail('networks:create', { name: 'n3', subnet: '10.77.0.128/25' })).message).toContain('overlaps 10.77.0.0/24 of network appnet');
    expect(await t.fail('services:create', { name: 'bad', image: 'lab/web', replicas: -1 })).toMatchObject({ code: 'invalid-input', field: 'replicas' });
    expect(await cli(0, ['docker', 'network', 'ls', '--filter', 'name=n', '--format', '{{.Name}}'])).not.toMatch(/^n[123]$/m);
  });

  it('lists the images present on the hosts, those on every host first', async () => {
    const images = await t.call('images:list', {});
    const web = images.find((i) => i.tag === 'lab/web:latest');
    expect(web?.hosts.map((h) => h.name).sort()).toEqual(['h1', 'h2', 'h3']);
    const cliTags = await cli(1, ['docker', 'image', 'ls', '--format', "'{{.Repository}}:{{.Tag}}'"]);
    for (const tag of cliTags.split('\n').filter((l) => !l.includes('<none>'))) expect(images.map((i) => i.tag)).toContain(tag);
    expect(images[0].hosts.length).toBe(3);
  });

  it('deploys frontend and backend on both overlays, spread over the three hosts', async () => {
    const fe = await t.call('services:create', { name: 'frontend', image: 'lab/web', replicas: 3, networks: ['appnet', 'secnet'] });
    expect(fe.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} service create --detach --no-resolve-image --name frontend --replicas 3 --network appnet --network secnet lab/web`);
    await t.call('services:create', { name: 'backend', image: 'lab/web', replicas: 3, networks: ['appnet', 'secnet'], endpointMode: 'dnsrr' });
    for (const s of ['frontend', 'backend']) {
      await expect.poll(async () => (await running(s)).length, { timeout: 60_000 }).toBe(3);
      expect(new Set((await running(s)).map((l) => l.split(' ')[0])).size).toBe(3);
    }
    // Both overlays now exist on every host, as the CLI on each host sees it.
    for (let i = 0; i < 3; i++) expect(await cli(i, ['docker', 'network', 'ls', '--filter', 'driver=overlay', '--format', '{{.Name}}'])).toMatch(/appnet[\s\S]*|secnet/);
    const detail = await t.call('networks:inspect', { network: 'appnet' });
    expect(detail.hosts.filter((h) => h.instantiated).length).toBe(3);
    expect(detail.services.find((s) => s.name === 'frontend')?.tasks.length).toBe(3);
    const tasks = await t.call('services:tasks', { service: 'backend' });
    expect(tasks.filter((k) => k.state === 'running').map((k) => k.nodeName).sort()).toEqual(['h1', 'h2', 'h3']);
    expect(tasks[0].addresses.length).toBeGreaterThanOrEqual(2);
  });

  it('scales a service up and down', async () => {
    const up = await t.call('services:scale', { service: 'frontend', replicas: 5 });
    expect(up.commands[0].text).toContain('service scale --detach frontend=5');
    await expect.poll(async () => (await running('frontend')).length, { timeout: 60_000 }).toBe(5);
    await t.call('services:scale', { service: 'frontend', replicas: 2 });
    await expect.poll(async () => (await running('frontend')).length, { timeout: 60_000 }).toBe(2);
    expect(await cli(0, ['docker', 'service', 'inspect', 'frontend', '--format', '{{.Spec.Mode.Replicated.Replicas}}'])).toBe('2');
  });

  it('attaches a service to a second network and detaches it again', async () => {
    await t.call('networks:create', { name: 'extra', attachable: true });
    const nets = () => cli(0, ['docker', 'service', 'inspect', 'backend', '--format', "'{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}'"]);
    const extraId = await cli(0, ['docker', 'network', 'inspect', 'extra', '--format', '{{.Id}}']);
    const res = await t.call('services:attachNetwork', { service: 'backend', network: 'extra' });
    expect(res.commands[0].text).toContain('service update --detach --network-add extra backend');
    expect(await nets()).toContain(extraId);
    expect((await t.call('services:attachNetwork', { service: 'backend', network: 'extra' })).message).toContain('already on extra');
    await t.call('services:detachNetwork', { service: 'backend', network: 'extra' });
    expect(await nets()).not.toContain(extraId);
  });

  it('refuses to remove a network in use, naming the services', async () => {
    const err = await t.fail('networks:remove', { network: 'appnet' });
    expect(err).toMatchObject({ code: 'conflict' });
    expect(err.message).toContain('frontend');
    expect(err.message).toContain('backend');
    expect(await cli(0, ['docker', 'network', 'ls', '--filter', 'name=appnet', '-q'])).not.toBe('');
    await t.call('networks:remove', { network: 'extra' });
    expect(await cli(0, ['docker', 'network', 'ls', '--filter', 'name=^extra$', '-q'])).toBe('');
  });

  it('shows a service’s logs from every node, and follows them until stopped', async () => {
    await t.call('services:create', { name: 'talker', image: 'lab/web', replicas: 2, command: ['sh', '-c', 'while true; do echo "hello from $(hostname)"; sleep 0.3; done'] });
    await expect.poll(async () => (await t.call('services:logs', { service: 'talker', tail: 20 })).lines.filter((l) => l.text.startsWith('hello from')).length, { timeout: 30_000 }).toBeGreaterThan(2);
    const { lines } = await t.call('services:logs', { service: 'talker', tail: 20 });
    expect(lines[0]).toMatchObject({ stream: 'stdout', node: expect.stringMatching(/^h[123]$/), time: expect.stringMatching(/^\d{4}-/) });
    const { streamId } = await t.call('services:logs', { service: 'talker', tail: 0, follow: true });
    expect(streamId).toBeTruthy();
    const seen = () => t.events.flatMap((e) => (e.name === 'logs:lines' && (e.payload as { streamId: string }).streamId === streamId ? (e.payload as { lines: unknown[] }).lines : []));
    await expect.poll(() => seen().length, { timeout: 10_000 }).toBeGreaterThan(2);
    expect((await t.call('services:logsStop', { streamId: streamId! })).stopped).toBe(true);
    const after = seen().length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen().length).toBe(after);
    await t.call('services:remove', { service: 'talker' });
  });

  it('passes shell metacharacters in valid names, env, labels and arguments as data, never running them', async () => {
    const marker = `/tmp/archipelago-pwned-${Date.now()}`;
    const evil = [`$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, `| touch ${marker}`];
    await t.call('networks:create', { name: 'meta_net-1x', labels: { 'a.b': evil[0] } });
    await t.call('services:create', { name: 'meta-svc', image: 'lab/web', replicas: 1, env: evil.map((e, i) => `E${i}=${e}`), command: ['sh', '-c', 'sleep 1000', ...evil] });
    await t.call('services:update', { service: 'meta-svc', env: [`X=${evil[1]}`] });
    await t.call('checks:run', { from: 'frontend', to: 'meta-svc' }).catch(() => undefined);
    // Stored literally by Docker…
    expect(await cli(0, ['docker', 'network', 'inspect', 'meta_net-1x', '--format', "'{{index .Labels \"a.b\"}}'"])).toBe(evil[0]);
    expect(await cli(0, ['docker', 'service', 'inspect', 'meta-svc', '--format', "'{{json .Spec.TaskTemplate.ContainerSpec.Args}}'"])).toBe(JSON.stringify(['sh', '-c', 'sleep 1000', ...evil]));
    // …and run nowhere: not on any host, not here.
    for (let i = 0; i < 3; i++) expect(await cli(i, ['test', '-e', marker, '&&', 'echo', 'yes', '||', 'echo', 'no'])).toBe('no');
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
    await t.call('services:remove', { service: 'meta-svc' });
  });

  it('updates and removes a service', async () => {
    await t.call('services:update', { service: 'frontend', env: ['COLOR=blue'] });
    expect(await cli(0, ['docker', 'service', 'inspect', 'frontend', '--format', "'{{.Spec.TaskTemplate.ContainerSpec.Env}}'"])).toBe('[COLOR=blue]');
    await t.call('services:remove', { service: 'frontend' });
    expect(await cli(0, ['docker', 'service', 'ls', '--filter', 'name=frontend', '-q'])).toBe('');
  });
});
