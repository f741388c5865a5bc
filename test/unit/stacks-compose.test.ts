// Compose files checked before anything remote happens: YAML syntax, the compose schema,
// interpolation, the conversion's own rules, and the plan against a swarm read (a fake one here:
// pure logic). Each bad file must fail with a message that says where (line:col) and what.
import { describe, expect, it, vi } from 'vitest';
import { loadStack } from '../../electron/engine/stacks/compose-load';
import { parseDuration, parsePortShort, parseVolumeShort, shellSplit, parseBytes, parseCpus } from '../../electron/engine/stacks/compose-values';
import { substitute } from '../../electron/engine/stacks/compose-interpolate';
import { planStack } from '../../electron/engine/stacks/stack-plan';
import { goDuration } from '../../electron/engine/stacks/compose-export';
import { canonicalServiceSpec, serviceSpecChanges } from '../../electron/engine/stacks/spec-compare';
import { nextVersionName } from '../../electron/engine/swarm-objects/swarm-object-service';
import { StackService } from '../../electron/engine/stacks/stack-service';
import type { ServiceSpec } from '../../electron/engine/docker/engine-api';
import { createDispatch } from '../../electron/shared/dispatch';
import type { Handlers } from '../../electron/shared/contract';
import type { HostService } from '../../electron/engine/hosts/host-handlers';

const check = (compose: string, extra: { env?: string; files?: Record<string, string> } = {}) => loadStack('app', { compose, ...extra }).check;

describe('bad compose files are caught with line and column', () => {
  it('YAML syntax', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    ports: [80:80\n  db:\n');
    expect(c.ok).toBe(false);
    expect(c.problems[0].message).toMatch(/^YAML: /);
    expect(c.problems[0].line).toBeGreaterThanOrEqual(4);
  });

  it('a duplicated key', () => {
    const c = check('services:\n  web:\n    image: a\n    image: b\n');
    expect(c.problems[0]).toMatchObject({ line: 4 });
    expect(c.problems[0].message).toMatch(/unique|duplicate/i);
  });

  it('schema: an unknown key, pointed at the key', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    deploy:\n      replica: 2\n');
    expect(c.problems).toEqual([expect.objectContaining({ line: 5, col: 7, path: 'services.web.deploy.replica' })]);
    expect(c.problems[0].message).toContain('is not a key the compose specification knows here');
  });

  it('schema: a wrong type, pointed at the value', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    deploy:\n      mode: replicated\n      labels: 3\n');
    expect(c.problems[0]).toMatchObject({ line: 6, col: 15, path: 'services.web.deploy.labels' });
  });

  it('a required variable that is missing, naming it and its message', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    environment:\n      - TOKEN=${TOKEN:?set the API token}\n');
    expect(c.ok).toBe(false);
    expect(c.problems[0]).toMatchObject({ line: 5, col: 9 });
    expect(c.problems[0].message).toContain('required variable TOKEN is missing a value: set the API token');
    expect(c.variables.missing).toEqual(['TOKEN']);
  });

  it('an interpolated value that cannot be the number it must be', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    deploy:\n      replicas: ${N}\n', { env: 'N=two' });
    expect(c.problems[0]).toMatchObject({ line: 5, path: 'services.web.deploy.replicas' });
    expect(c.problems[0].message).toContain('not a whole number');
  });

  it('a port published through the routing mesh in dnsrr mode', () => {
    const c = check('services:\n  db:\n    image: lab/bare\n    ports: ["5432:5432"]\n    deploy:\n      endpoint_mode: dnsrr\n');
    expect(c.problems).toEqual([expect.objectContaining({ line: 4, path: 'services.db.ports' })]);
    expect(c.problems[0].message).toContain('cannot be used with deploy.endpoint_mode: dnsrr');
    // mode: host is allowed with dnsrr.
    expect(check('services:\n  db:\n    image: lab/bare\n    ports: [{target: 5432, published: 5432, mode: host}]\n    deploy:\n      endpoint_mode: dnsrr\n').ok).toBe(true);
  });

  it('an undefined network, secret or volume, and a missing file', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    networks: [front]\n    secrets: [key]\n    volumes: ["data:/data"]\nsecrets:\n  cert:\n    file: ./cert.pem\n');
    const messages = c.problems.map((p) => `${p.line}:${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('4:services.web.networks[0]: undefined network "front"'),
        expect.stringContaining('5:services.web.secrets[0]: undefined secret "key"'),
        expect.stringContaining('undefined volume "data"'),
        expect.stringContaining('9:secrets.cert.file: secret file ./cert.pem was not given'),
      ]),
    );
  });

  it('keys a stack cannot have, and a service without an image', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    volumes_from: [db]\n  db:\n    build: .\n');
    expect(c.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringContaining('volumes_from: is not allowed in a stack file'), expect.stringContaining('services.db: needs an image')]));
  });

  it('an unknown external network stops the deploy before anything is created', () => {
    const loaded = loadStack('app', { compose: 'services:\n  web:\n    image: lab/web\n    networks: [shared]\nnetworks:\n  shared:\n    external: true\n' });
    expect(loaded.check.ok).toBe(true);
    const state = { services: [], networks: [{ Name: 'other', Id: 'n1', Scope: 'swarm' }], secrets: [], configs: [] };
    expect(() => planStack('app', loaded.converted!, state, { prune: false })).toThrow(/network "shared" is declared as external, but could not be found/);
    const local = { ...state, networks: [{ Name: 'shared', Id: 'n2', Scope: 'local' }] };
    expect(() => planStack('app', loaded.converted!, local, { prune: false })).toThrow(/not in the right scope: "local" instead of "swarm"/);
  });

  it('stacks:deploy refuses a bad file without any remote call', async () => {
    const hosts = { connectedSessions: vi.fn(() => []), records: vi.fn(() => []) } as unknown as HostService;
    const service = new StackService(hosts, (op) => op());
    const dispatch = createDispatch(service.handlers as unknown as Handlers);
    const res = await dispatch('stacks:deploy', { name: 'app', compose: 'services:\n  web:\n    image: lab/web\n    deploy:\n      replicas: -1\n' });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'compose' } });
    expect(!res.ok && res.error.message).toMatch(/^line 5:\d+: services\.web\.deploy\.replicas/);
    expect(hosts.connectedSessions).not.toHaveBeenCalled();
  });
});

describe('the CLI rules, piece by piece', () => {
  it('interpolation: defaults, required, escapes, variables reported', () => {
    const vars = new Map([['A', 'x'], ['E', '']]);
    const seen = { used: new Set<string>(), defaulted: new Set<string>(), missing: new Set<string>() };
    expect(substitute('${A}-$A.${B:-d}-${E:-e}-${E-f}-${B-g}-$$A-${C}', vars, seen)).toBe('x-x.d-e--g-$A-');
    // As in the CLI, an unbraced name runs on into a default up to the next }.
    expect(substitute('$A-${B:-d}', vars, { used: new Set(), defaulted: new Set(), missing: new Set() })).toBe('d}');
    expect([...seen.used].sort()).toEqual(['A', 'E']);
    expect([...seen.defaulted].sort()).toEqual(['B', 'E']);
    expect([...seen.missing]).toEqual(['C']);
    expect(() => substitute('${E:?empty}', vars, seen)).toThrow('required variable E is missing a value: empty');
    expect(substitute('${E?never}', vars, seen)).toBe('');
    expect(() => substitute('a $ b', vars, seen)).toThrow(/invalid interpolation format/);
  });

  it('YAML 1.1 as the CLI reads it: octal modes, yes/no, and no base-60 ports', () => {
    const c = loadStack('s', { compose: 'services:\n  web:\n    image: lab/web\n    ports: [22:22]\n    tty: yes\n    secrets: [{source: k, mode: 0440}]\nsecrets:\n  k: {file: k.txt}\n', files: { 'k.txt': 'v' } });
    const spec = c.converted!.services[0].spec;
    expect(spec.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 22, PublishedPort: 22, PublishMode: 'ingress' }]);
    expect(spec.TaskTemplate.ContainerSpec.TTY).toBe(true);
    expect(spec.TaskTemplate.ContainerSpec.Secrets?.[0].File?.Mode).toBe(0o440);
  });

  it('names, labels, the default network and aliases', () => {
    const c = loadStack('shop', { compose: 'services:\n  web:\n    image: lab/web\n  api:\n    image: lab/web:2\n    networks:\n      back:\n        aliases: [svc]\nnetworks:\n  back:\n    name: shared-back\n' });
    const [web, api] = c.converted!.services;
    expect(web.name).toBe('shop_web');
    expect(web.spec.Labels).toEqual({ 'com.docker.stack.namespace': 'shop', 'com.docker.stack.image': 'lab/web' });
    expect(web.spec.TaskTemplate.ContainerSpec.Image).toBe('lab/web:latest');
    expect(web.spec.TaskTemplate.Networks).toEqual([{ Target: 'shop_default', Aliases: ['web'] }]);
    expect(api.spec.TaskTemplate.Networks).toEqual([{ Target: 'shared-back', Aliases: ['svc', 'api'] }]);
    expect(c.converted!.networks.map((n) => n.name)).toEqual(['shared-back', 'shop_default']);
  });

  it('values: durations, sizes, CPUs, ports, volumes, commands', () => {
    expect(parseDuration('1m30s')).toBe(90e9);
    expect(parseDuration('500ms')).toBe(5e8);
    expect(parseDuration('1.5h')).toBe(5400e9);
    expect(() => parseDuration('10')).toThrow(/not a duration/);
    expect(goDuration(90e9)).toBe('1m30s');
    expect(goDuration(5e8)).toBe('500ms');
    expect(goDuration(3600e9)).toBe('1h0m0s');
    expect(parseBytes('64M')).toBe(64 * 1024 * 1024);
    expect(parseBytes('1g')).toBe(1024 ** 3);
    expect(parseCpus('0.25')).toBe(250_000_000);
    expect(() => parseCpus('0.0000000001')).toThrow(/too precise/);
    expect(parsePortShort('8000-8001:80-81/udp')).toEqual([
      { Protocol: 'udp', TargetPort: 80, PublishedPort: 8000, PublishMode: 'ingress' },
      { Protocol: 'udp', TargetPort: 81, PublishedPort: 8001, PublishMode: 'ingress' },
    ]);
    expect(parseVolumeShort('./data:/data:ro')).toMatchObject({ type: 'bind', source: './data', target: '/data', read_only: true });
    expect(parseVolumeShort('cache:/c:nocopy')).toMatchObject({ type: 'volume', source: 'cache', volume: { nocopy: true } });
    expect(parseVolumeShort('/anon')).toMatchObject({ type: 'volume', source: '', target: '/anon' });
    expect(shellSplit(`httpd -f -h "/www x" 'a b' c\\ d # comment`)).toEqual(['httpd', '-f', '-h', '/www x', 'a b', 'c d']);
  });

  it('a relative bind source is refused (the app has no working folder)', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    volumes: ["./data:/data"]\n');
    expect(c.problems[0]).toMatchObject({ line: 4, path: 'services.web.volumes[0]' });
    expect(c.problems[0].message).toContain('is relative');
  });

  it('ignored keys come back as warnings naming the service', () => {
    const c = check('services:\n  web:\n    image: lab/web\n    build: .\n    depends_on: [db]\n    container_name: web-1\n  db:\n    image: lab/bare\n    links: [web]\n    restart: always\n');
    expect(c.ok).toBe(true);
    expect(c.warnings.map((w) => `${w.service}.${w.key}`).sort()).toEqual(['db.links', 'db.restart', 'web.build', 'web.container_name', 'web.depends_on']);
  });
});

describe('deciding what a re-deploy changes', () => {
  const current: ServiceSpec = {
    Name: 'app_web',
    Labels: { 'com.docker.stack.namespace': 'app', 'com.docker.stack.image': 'lab/web' },
    TaskTemplate: {
      ContainerSpec: { Image: 'lab/web:latest', Labels: { 'com.docker.stack.namespace': 'app' }, Privileges: { CredentialSpec: null, SELinuxContext: null, NoNewPrivileges: false }, StopGracePeriod: 10e9, DNSConfig: {}, Isolation: 'default' },
      Resources: {},
      RestartPolicy: { Condition: 'any', Delay: 5e9, MaxAttempts: 0 },
      Placement: {},
      Networks: [{ Target: 'netid', Aliases: ['web'] }],
      ForceUpdate: 0,
      Runtime: 'container',
    },
    Mode: { Replicated: { Replicas: 1 } },
    UpdateConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' },
    RollbackConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'stop-first' },
    EndpointSpec: { Mode: 'vip' },
  };

  it('the daemon-filled defaults of an unchanged file are no change; a new replica count is', () => {
    const loaded = loadStack('app', { compose: 'services:\n  web:\n    image: lab/web\n' });
    const state = { services: [{ ID: 's1', Version: { Index: 5 }, Spec: current }], networks: [{ Name: 'app_default', Id: 'netid', Scope: 'swarm', Labels: { 'com.docker.stack.namespace': 'app' } }], secrets: [], configs: [] };
    const plan = planStack('app', loaded.converted!, state, { prune: false });
    expect(plan.items).toEqual([{ kind: 'network', name: 'app_default', action: 'unchanged' }, { kind: 'service', name: 'app_web', action: 'unchanged' }]);
    const scaled = loadStack('app', { compose: 'services:\n  web:\n    image: lab/web\n    deploy: {replicas: 3}\n' });
    expect(planStack('app', scaled.converted!, state, { prune: false }).services[0]).toMatchObject({ action: 'update', changes: ['Mode.Replicated.Replicas'] });
  });

  it('prune removes the stack services the file dropped, and only with prune', () => {
    const loaded = loadStack('app', { compose: 'services:\n  api:\n    image: lab/web\n' });
    const state = { services: [{ ID: 's1', Version: { Index: 5 }, Spec: current }], networks: [], secrets: [], configs: [] };
    expect(planStack('app', loaded.converted!, state, { prune: false }).prune).toEqual([]);
    const plan = planStack('app', loaded.converted!, state, { prune: true });
    expect(plan.items.filter((i) => i.kind === 'service')).toEqual([{ kind: 'service', name: 'app_api', action: 'create' }, { kind: 'service', name: 'app_web', action: 'remove' }]);
  });

  it('canonical specs: zero values and empty objects are absent', () => {
    expect(canonicalServiceSpec({ TaskTemplate: { ContainerSpec: { Image: 'x', Env: [] } } })).toEqual(canonicalServiceSpec({ TaskTemplate: { ContainerSpec: { Image: 'x' }, Placement: {} }, EndpointSpec: { Mode: 'vip' } }));
    expect(serviceSpecChanges({ TaskTemplate: { ContainerSpec: { Image: 'x', Env: ['A=1'] } } }, { TaskTemplate: { ContainerSpec: { Image: 'x' } } })).toEqual(['TaskTemplate.ContainerSpec.Env']);
  });

  it('rotation names the next version', () => {
    expect(nextVersionName('db_password')).toBe('db_password_v2');
    expect(nextVersionName('db_password_v2')).toBe('db_password_v3');
    expect(nextVersionName('cert.v9')).toBe('cert.v10');
  });
});
