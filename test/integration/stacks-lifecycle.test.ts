// A stack's life on the lab, checked with the docker CLI: listed wherever it came from, a
// preview that changes nothing, a re-deploy that updates only the changed service (spec
// versions), prune, convergence and why a service is stuck, export of one service, and swarm
// secrets and configs (users listed, removal refused while in use, rotation, content never
// returned).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabHostEnv } from '../lab/lab';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';
import { engineOnLab, type TestEngine } from '../support/engine';

let t: TestEngine;
let lab: LabHostEnv[];
const cli = (script: string) => sshRun(lab[0], [script]);
const versions = async (stack: string) =>
  Object.fromEntries(
    (await cli(`docker service ls -q --filter label=com.docker.stack.namespace=${stack} | xargs docker service inspect --format '{{.Spec.Name}} {{.Version.Index}}'`))
      .split('\n')
      .map((l) => l.split(' '))
      .map(([n, v]) => [n, Number(v)]),
  );

const V1 = `services:
  web:
    image: lab/web
    deploy: {replicas: 2}
    networks: [front]
  api:
    image: lab/web
    environment: [MODE=one]
    networks: [front, back]
  worker:
    image: lab/bare
    networks: [back]
networks:
  front:
  back:
`;

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still not there after ${timeoutMs / 1000} s; last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
    last = await read();
  }
  return last;
}

beforeAll(async () => {
  ({ t, lab } = await engineOnLab({ swarm: true }));
});
afterAll(async () => {
  // Stacks go before the swarm does: a node that leaves while an overlay is being removed keeps a
  // stale copy of it, whose subnet then blocks new networks there (stacks:remove waits them out).
  if (t) for (const s of (await t.call('stacks:list', {}).catch(() => ({ stacks: [] }))).stacks) await t.call('stacks:remove', { name: s.name }).catch(() => {});
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

describe('a stack deployed, changed, pruned and removed', () => {
  it('previews a first deploy without creating anything', async () => {
    const preview = await t.call('stacks:deploy', { name: 'life', compose: V1, preview: true });
    expect(preview.preview).toBe(true);
    expect(preview.plan.filter((p) => p.action === 'create').map((p) => p.name).sort()).toEqual(['life_api', 'life_back', 'life_front', 'life_web', 'life_worker']);
    expect(preview.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} stack deploy --resolve-image never -c docker-stack.yml life`);
    expect(await cli('docker service ls -q --filter label=com.docker.stack.namespace=life | wc -l')).toBe('0');
  });

  it('deploys, converges, and lists the stack with running/desired counts', async () => {
    const res = await t.call('stacks:deploy', { name: 'life', compose: V1 });
    expect(res.message).toContain('5 created');
    const status = await waitFor('life converged', () => t.call('stacks:status', { name: 'life' }), (s) => s.converged);
    expect(status.services.map((s) => [s.shortName, s.running, s.desired])).toEqual([['api', 1, 1], ['web', 2, 2], ['worker', 1, 1]]);
    expect(status.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} stack services life`);
    const list = await t.call('stacks:list', {});
    expect(list.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} stack ls`);
    const life = list.stacks.find((s) => s.name === 'life')!;
    expect(life.services.map((s) => `${s.shortName} ${s.running}/${s.desired}`)).toEqual(['api 1/1', 'web 2/2', 'worker 1/1']);
    expect(life.networks.map((n) => n.name).sort()).toEqual(['life_back', 'life_front']);
  });

  it('re-deploying the same file changes nothing; a changed file updates only the changed service', async () => {
    const before = await versions('life');
    const same = await t.call('stacks:deploy', { name: 'life', compose: V1 });
    expect(same.plan.filter((p) => p.kind === 'service').every((p) => p.action === 'unchanged')).toBe(true);
    expect(await versions('life')).toEqual(before);

    const v2 = V1.replace('MODE=one', 'MODE=two');
    const preview = await t.call('stacks:deploy', { name: 'life', compose: v2, preview: true });
    expect(preview.plan.find((p) => p.name === 'life_api')).toEqual({ kind: 'service', name: 'life_api', action: 'update', changes: ['TaskTemplate.ContainerSpec.Env[0]'] });
    await t.call('stacks:deploy', { name: 'life', compose: v2 });
    const after = await versions('life');
    expect(after.life_api).toBeGreaterThan(before.life_api);
    expect(after.life_web).toBe(before.life_web);
    expect(after.life_worker).toBe(before.life_worker);
    expect(await cli(`docker service inspect life_api --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'`)).toBe('["MODE=two"]');
  });

  it('prune removes the service the file dropped, and only with prune', async () => {
    const v3 = V1.replace('MODE=one', 'MODE=two').replace(/  worker:\n    image: lab\/bare\n    networks: \[back\]\n/, '');
    await t.call('stacks:deploy', { name: 'life', compose: v3 });
    expect(await cli('docker service ls --format "{{.Name}}" --filter label=com.docker.stack.namespace=life | sort | tr "\\n" " "')).toBe('life_api life_web life_worker');
    const pruned = await t.call('stacks:deploy', { name: 'life', compose: v3, prune: true });
    expect(pruned.plan).toContainEqual({ kind: 'service', name: 'life_worker', action: 'remove' });
    expect(pruned.commands[0].text).toContain('stack deploy --prune');
    expect(await cli('docker service ls --format "{{.Name}}" --filter label=com.docker.stack.namespace=life | sort | tr "\\n" " "')).toBe('life_api life_web');
  });

  it('says why a service does not converge', async () => {
    await t.call('stacks:deploy', { name: 'stuck', compose: 'services:\n  nowhere:\n    image: lab/web\n    deploy:\n      placement:\n        constraints: [node.labels.zone == mars]\n' });
    const status = await waitFor('stuck reports a reason', () => t.call('stacks:status', { name: 'stuck' }), (s) => Boolean(s.services[0]?.reason?.includes('no suitable node')));
    expect(status.converged).toBe(false);
    expect(status.services[0].state).toBe('failing');
    expect(status.services[0].reason).toContain('scheduling constraints not satisfied');
    await t.call('stacks:remove', { name: 'stuck' });
  });

  it('lists a stack the CLI deployed, and exports a single service', async () => {
    await cli(`printf 'version: "3.8"\\nservices:\\n  solo:\\n    image: lab/bare\\n    deploy:\\n      replicas: 0\\n' > /tmp/l15-cli-stack.yml && /usr/bin/docker stack deploy -c /tmp/l15-cli-stack.yml bycli >/dev/null 2>&1`);
    const { stacks } = await t.call('stacks:list', {});
    expect(stacks.find((s) => s.name === 'bycli')?.services.map((s) => s.name)).toEqual(['bycli_solo']);
    const one = await t.call('services:export', { service: 'life_api' });
    expect(one.fileName).toBe('life_api.yml');
    expect(one.compose).toContain('  api:\n');
    expect(one.compose).toContain('MODE=two');
    await t.call('stacks:remove', { name: 'bycli' });
  });

  it('removes the stack: services, then its networks once their tasks are gone', async () => {
    const res = await t.call('stacks:remove', { name: 'life' });
    expect(res.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} stack rm life`);
    expect(await cli('docker service ls -q --filter label=com.docker.stack.namespace=life | wc -l')).toBe('0');
    // Not only from the swarm: stacks:remove returns once no host lists its own copy either.
    for (const h of lab) expect(await sshRun(h, ['docker network ls --format "{{.Name}}" --filter label=com.docker.stack.namespace=life']), h.name).toBe('');
    expect((await t.call('stacks:list', {})).stacks.find((s) => s.name === 'life')).toBeUndefined();
  });
});

describe('swarm secrets and configs', () => {
  const SECRET_TEXT = 'p4ss-w0rd-never-returned';

  it('creates from text or bytes, lists users, refuses removal in use, rotates', async () => {
    const created = await t.call('secrets:create', { name: 'db_pass', data: SECRET_TEXT });
    expect(created.commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} secret create db_pass -`);
    await t.call('configs:create', { name: 'app_conf', dataBase64: Buffer.from('listen 80\n').toString('base64') });
    await t.call('stacks:deploy', {
      name: 'sec',
      compose: 'services:\n  app:\n    image: lab/web\n    secrets: [{source: pass, target: db.pass, mode: 0400}]\n    configs: [{source: conf, target: /etc/app.conf}]\nsecrets:\n  pass: {external: true, name: db_pass}\nconfigs:\n  conf: {external: true, name: app_conf}\n',
    });
    const { items: secrets, commands } = await t.call('secrets:list', {});
    expect(commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} secret ls`);
    const mine = secrets.find((s) => s.name === 'db_pass')!;
    expect(mine.usedBy).toEqual([expect.objectContaining({ serviceName: 'sec_app', target: 'db.pass' })]);
    expect(JSON.stringify(secrets)).not.toContain(SECRET_TEXT);
    expect((await t.call('configs:list', {})).items.find((c) => c.name === 'app_conf')!.usedBy[0]).toMatchObject({ serviceName: 'sec_app', target: '/etc/app.conf' });

    const refused = await t.fail('secrets:remove', { name: 'db_pass' });
    expect(refused).toMatchObject({ code: 'conflict', message: 'secret db_pass is in use by service sec_app' });

    const rotated = await t.call('secrets:rotate', { name: 'db_pass', data: 'n3w-p4ss' });
    expect(rotated.name).toBe('db_pass_v2');
    expect(rotated.steps.map((s) => s.step)).toEqual(['create db_pass_v2', 'update sec_app', 'remove db_pass']);
    expect(rotated.steps[1].commands[0].text).toBe(`docker -H ssh://root@${lab[0].address} service update --detach --secret-rm db_pass --secret-add source=db_pass_v2,target=db.pass,uid=0,gid=0,mode=0400 sec_app`);
    expect(JSON.stringify(rotated)).not.toContain('n3w-p4ss');
    expect(await cli(`docker service inspect sec_app --format '{{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.SecretName}}:{{.File.Name}}:{{json .File.Mode}}{{end}}'`)).toBe('db_pass_v2:db.pass:256');
    expect(await cli(`docker secret ls --format '{{.Name}}' | grep '^db_pass' | tr '\\n' ' '`)).toBe('db_pass_v2');

    // The task sees the new content at the same path once the service has rolled.
    await waitFor('sec converged', () => t.call('stacks:status', { name: 'sec' }), (s) => s.converged);
    const node = await cli(`docker service ps sec_app --filter desired-state=running --format '{{.Node}}' | head -1`);
    const host = lab.find((h) => h.name === node)!;
    const container = await sshRun(host, [`docker ps -q --filter label=com.docker.swarm.service.name=sec_app | head -1`]);
    expect(await sshRun(host, [`docker exec ${container} cat /run/secrets/db.pass`])).toBe('n3w-p4ss');
    await t.call('stacks:remove', { name: 'sec' });
    await t.call('secrets:remove', { name: 'db_pass_v2' });
    await t.call('configs:remove', { name: 'app_conf' });
    expect(await cli(`docker secret ls -q --filter name=db_pass | wc -l`)).toBe('0');
  });

  it('refuses a second secret with the same name and bad input before any call', async () => {
    await t.call('secrets:create', { name: 'dup', data: 'x' });
    expect(await t.fail('secrets:create', { name: 'dup', data: 'y' })).toMatchObject({ code: 'conflict', field: 'name' });
    expect(await t.fail('secrets:create', { name: 'bad name', data: 'y' })).toMatchObject({ code: 'invalid-input', field: 'name' });
    expect(await t.fail('secrets:create', { name: 'both', data: 'y', dataBase64: 'eQ==' })).toMatchObject({ code: 'invalid-input', field: 'data' });
    await t.call('secrets:remove', { name: 'dup' });
  });
});
