// From a compose file (interpolated, valid against the schema) to the swarm objects a stack
// deploy creates, following the docker CLI's conversion (cli/compose/convert, read at v20.10):
// `<stack>_<name>` names, a `<stack>_default` overlay for services that name no network, the
// stack label on everything, the service's short name as an alias on each stack network,
// external networks, secrets and configs looked up rather than created. The JSON built here is
// what the CLI sends to the Engine API, field for field, so the daemon stores the same specs.
import path from 'node:path';
import type { ComposeProblem, ComposeWarning } from '../../shared/stacks';
import type { NetworkCreateRequest, SecretSpec, ServiceSpec } from '../docker/engine-writes';
import { asList, asMap, asString, type ComposeMap } from './compose-data';
import type { ComposeDocument, ComposePath } from './compose-document';
import { parseEnvFile } from './compose-env';
import { commandList, mappingOf, parseBytes, parseCpus, parseDuration, parsePortShort, parseVolumeShort, stringList, ValueError, type PortConfig } from './compose-values';

export const STACK_LABEL = 'com.docker.stack.namespace';
export const IMAGE_LABEL = 'com.docker.stack.image';

type TaskSpec = NonNullable<ServiceSpec['TaskTemplate']>;
type ContainerSpec = NonNullable<TaskSpec['ContainerSpec']>;
type Mount = NonNullable<ContainerSpec['Mounts']>[number];
type HealthConfig = NonNullable<ContainerSpec['Healthcheck']>;
type CredentialSpec = NonNullable<ContainerSpec['Privileges']>['CredentialSpec'];

/** A ServiceSpec as the conversion builds it: its labels, task template, container spec and endpoint spec are always there. */
export type StackServiceSpec = ServiceSpec & {
  Labels: Record<string, string>;
  TaskTemplate: TaskSpec & { ContainerSpec: ContainerSpec };
  EndpointSpec: NonNullable<ServiceSpec['EndpointSpec']>;
};

export interface ConvertedService {
  /** The name in the file. */
  key: string;
  /** `<stack>_<key>`. */
  name: string;
  /** ServiceSpec as the CLI sends it; secret and config references still lack their ids. */
  spec: StackServiceSpec;
}
export interface ConvertedNetwork {
  key: string;
  name: string;
  external: boolean;
  /** NetworkCreate body (without Name) for stack networks. */
  create?: Omit<NetworkCreateRequest, 'Name'>;
}
export interface ConvertedObject {
  key: string;
  name: string;
  external: boolean;
  /** SecretSpec / ConfigSpec (Data base64) for objects the stack creates (a config's has no Driver). */
  spec?: SecretSpec;
}
export interface ConvertedStack {
  services: ConvertedService[];
  networks: ConvertedNetwork[];
  secrets: ConvertedObject[];
  configs: ConvertedObject[];
  volumes: { key: string; name: string; external: boolean }[];
  warnings: ComposeWarning[];
  problems: ComposeProblem[];
}

export interface ConvertInput {
  stack: string;
  doc: ComposeDocument;
  data: Record<string, unknown>;
  vars: ReadonlyMap<string, string>;
  /** Texts of the files the compose file names (env_file, secrets' and configs' file), by path. */
  files: ReadonlyMap<string, string>;
}

// What `docker stack deploy` refuses, ignores with a warning, or silently leaves out.
const FORBIDDEN: Record<string, string> = {
  extends: 'Support for `extends` is not implemented by docker stack deploy.',
  volume_driver: 'Define a volume in the top-level volumes: section with its driver instead.',
  volumes_from: 'Share a volume by defining it in the top-level volumes: section and naming it in each service.',
  cpu_quota: 'Set resource limits with deploy.resources.',
  cpu_shares: 'Set resource limits with deploy.resources.',
  cpuset: 'Set resource limits with deploy.resources.',
  mem_limit: 'Set resource limits with deploy.resources.',
  memswap_limit: 'Set resource limits with deploy.resources.',
};
const IGNORED: Record<string, string> = {
  build: 'stacks deploy images that exist already: build and push the image first',
  depends_on: 'swarm starts services in any order: make each one wait for what it needs',
  container_name: 'swarm names the containers (<stack>_<service>.<slot>.<id>)',
  links: 'services on a shared network reach each other by name',
  external_links: 'services on a shared network reach each other by name',
  restart: 'docker stack deploy reports it as unsupported, yet uses it as the restart policy when deploy.restart_policy is absent; prefer deploy.restart_policy',
  expose: 'services on the same network reach each other on any port',
  cgroup_parent: 'not supported by swarm services',
  cgroupns_mode: 'not supported by swarm services',
  devices: 'not supported by swarm services',
  domainname: 'not supported by swarm services',
  ipc: 'not supported by swarm services',
  mac_address: 'not supported by swarm services',
  network_mode: 'swarm services use networks:',
  pid: 'not supported by swarm services',
  privileged: 'not supported by swarm services',
  security_opt: 'not supported by swarm services',
  shm_size: 'not supported by swarm services',
  userns_mode: 'not supported by swarm services',
  tmpfs: 'docker stack deploy does not convert it: use a volume of type tmpfs',
};
const HANDLED = new Set([
  'image', 'command', 'entrypoint', 'environment', 'env_file', 'hostname', 'user', 'working_dir', 'stop_grace_period', 'stop_signal', 'tty', 'stdin_open',
  'read_only', 'init', 'labels', 'deploy', 'ports', 'healthcheck', 'volumes', 'secrets', 'configs', 'networks', 'extra_hosts', 'dns', 'dns_search',
  'logging', 'sysctls', 'ulimits', 'cap_add', 'cap_drop', 'isolation', 'credential_spec',
]);
const DEPLOY_HANDLED = new Set(['mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy', 'placement', 'endpoint_mode']);

export const scope = (stack: string, name: string) => `${stack}_${name}`;
const withStackLabel = (stack: string, labels?: Record<string, string>) => ({ ...(labels ?? {}), [STACK_LABEL]: stack });

/** The docker client tags an untagged image `:latest` before sending it (imageWithTagString). */
export function taggedImage(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

function fileKey(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '');
}

export function convertStack(input: ConvertInput): ConvertedStack {
  const { stack, doc, data } = input;
  const problems: ComposeProblem[] = [];
  const warnings: ComposeWarning[] = [];
  const files = new Map([...input.files].map(([k, v]) => [fileKey(k), v]));
  /** Runs `fn`; a ValueError becomes a problem at `where`. */
  const at = <T>(where: ComposePath, fn: () => T, fallback?: T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      problems.push(doc.problem(where, err.message));
      return fallback;
    }
  };
  const fileText = (where: ComposePath, p: string, what: string): string | undefined => {
    const text = files.get(fileKey(p));
    if (text === undefined) problems.push(doc.problem(where, `${what} ${p} was not given`, { hint: `Add the text of ${p} to the stack's files (the app reads no file from disk).` }));
    return text;
  };

  const services = asMap(data.services);
  const networkDefs = asMap(data.networks);
  const volumeDefs = asMap(data.volumes);
  const secretDefs = asMap(data.secrets);
  const configDefs = asMap(data.configs);

  // ---- top-level objects -----------------------------------------------------------------
  const externalName = (key: string, def: ComposeMap, kind: string): { external: boolean; name?: string } => {
    const ext = def.external;
    if (!ext) return { external: false, name: asString(def.name) };
    if (typeof ext === 'object') {
      const extName = asString(asMap(ext).name);
      if (extName && def.name) problems.push(doc.problem([kind, key], `${kind.slice(0, -1)}.external.name and ${kind.slice(0, -1)}.name conflict; only use name`));
      return { external: true, name: extName ?? asString(def.name) ?? key };
    }
    return { external: true, name: asString(def.name) ?? key };
  };

  const usedNetworks = new Set<string>();
  for (const [key, svc] of Object.entries(services)) {
    const nets = asMap(svc).networks;
    const names = Array.isArray(nets) ? nets.map(String) : nets && typeof nets === 'object' ? Object.keys(nets) : [];
    if (names.length === 0) usedNetworks.add('default');
    for (const n of names) {
      if (n !== 'default' && !(n in networkDefs)) problems.push(doc.problem(['services', key, 'networks', ...(Array.isArray(nets) ? [nets.indexOf(n)] : [n])], `undefined network "${n}"`, { hint: `Declare it in the top-level networks: section, or fix the name.` }));
      usedNetworks.add(n);
    }
  }
  const networks: ConvertedNetwork[] = [];
  for (const key of [...usedNetworks].sort()) {
    const def = asMap(networkDefs[key]);
    const ext = externalName(key, def, 'networks');
    if (ext.external) {
      networks.push({ key, name: ext.name!, external: true });
      continue;
    }
    const create: Omit<NetworkCreateRequest, 'Name'> = { Labels: withStackLabel(stack, mapOrUndefined(def.labels, '=')), Driver: asString(def.driver) || 'overlay' };
    if (def.driver_opts) create.Options = stringMap(def.driver_opts);
    if (def.internal) create.Internal = true;
    if (def.attachable) create.Attachable = true;
    const ipam = asMap(def.ipam);
    const ipamConfig = asList(ipam.config);
    if (ipam.driver || ipamConfig?.length) {
      create.IPAM = { ...(ipam.driver ? { Driver: asString(ipam.driver) } : {}), ...(ipamConfig?.length ? { Config: ipamConfig.map((c) => ({ Subnet: asString(asMap(c).subnet) ?? '' })) } : {}) };
    }
    for (const k of Object.keys(def)) {
      if (!['name', 'driver', 'driver_opts', 'internal', 'attachable', 'ipam', 'labels', 'external'].includes(k) && !k.startsWith('x-')) warnings.push({ key: `networks.${key}.${k}`, message: `networks.${key}.${k} is not used by docker stack deploy` });
    }
    networks.push({ key, name: ext.name || scope(stack, key), external: false, create });
  }

  const volumes = Object.entries(volumeDefs).map(([key, value]) => {
    const def = asMap(value);
    const ext = externalName(key, def, 'volumes');
    if (ext.external && (def.driver || def.driver_opts || def.labels)) problems.push(doc.problem(['volumes', key], 'an external volume cannot also set driver, driver_opts or labels'));
    return { key, name: ext.name || scope(stack, key), external: ext.external };
  });

  const fileObjects = (kind: 'secrets' | 'configs', defs: ComposeMap): ConvertedObject[] =>
    Object.entries(defs).map(([key, value]) => {
      const def = asMap(value);
      const ext = externalName(key, def, kind);
      const name = ext.name || scope(stack, key);
      if (ext.external) return { key, name, external: true };
      const spec: SecretSpec = { Name: name, Labels: withStackLabel(stack, mapOrUndefined(def.labels, '=')) };
      if (kind === 'secrets' && def.driver) {
        if (def.file) problems.push(doc.problem([kind, key], 'driver and file conflict; only use driver'));
        spec.Data = '';
        spec.Driver = { Name: String(def.driver), ...(def.driver_opts ? { Options: stringMap(def.driver_opts) } : {}) };
      } else if (typeof def.file === 'string') {
        const text = fileText([kind, key, 'file'], def.file, `${kind.slice(0, -1)} file`);
        spec.Data = Buffer.from(text ?? '', 'utf8').toString('base64');
      } else {
        problems.push(doc.problem([kind, key], `needs file: (its content), or external: true`, { hint: 'docker stack deploy creates secrets and configs from files only.' }));
      }
      if (def.template_driver) spec.Templating = { Name: String(def.template_driver) };
      return { key, name, external: false, spec };
    });
  const secrets = fileObjects('secrets', secretDefs);
  const configs = fileObjects('configs', configDefs);

  // ---- services ----------------------------------------------------------------------------
  const out: ConvertedService[] = [];
  for (const [key, svc] of Object.entries(services)) {
    const where = (...p: ComposePath): ComposePath => ['services', key, ...p];
    const s = asMap(svc);
    for (const k of Object.keys(s)) {
      if (k in FORBIDDEN) problems.push(doc.problem(where(k), `is not allowed in a stack file: ${FORBIDDEN[k]}`, { key: true }));
      else if (k in IGNORED) warnings.push({ service: key, key: k, message: `${key}: ${k} is ignored by docker stack deploy (${IGNORED[k]})` });
      else if (!HANDLED.has(k) && !k.startsWith('x-')) warnings.push({ service: key, key: k, message: `${key}: ${k} is not used by docker stack deploy` });
    }
    const deploy = asMap(s.deploy);
    // Counts the CLI reads as unsigned integers: a negative or fractional one is refused here.
    const counts: [ComposePath, unknown][] = [
      [['deploy', 'replicas'], deploy.replicas],
      [['deploy', 'update_config', 'parallelism'], asMap(deploy.update_config).parallelism],
      [['deploy', 'rollback_config', 'parallelism'], asMap(deploy.rollback_config).parallelism],
      [['deploy', 'restart_policy', 'max_attempts'], asMap(deploy.restart_policy).max_attempts],
      [['deploy', 'placement', 'max_replicas_per_node'], asMap(deploy.placement).max_replicas_per_node],
      [['healthcheck', 'retries'], asMap(s.healthcheck).retries],
    ];
    for (const [p, v] of counts) if (v !== undefined && v !== null && !(Number.isInteger(v) && (v as number) >= 0)) problems.push(doc.problem(where(...p), `must be a whole number, 0 or more (got ${JSON.stringify(v)})`));
    for (const k of Object.keys(deploy)) if (!DEPLOY_HANDLED.has(k) && !k.startsWith('x-')) warnings.push({ service: key, key: `deploy.${k}`, message: `${key}: deploy.${k} is not used by docker stack deploy` });
    if (typeof s.image !== 'string' || !s.image) {
      problems.push(doc.problem(where(), 'needs an image: stacks do not build images', { hint: 'Give the image the service runs (build and push it first).' }));
      continue;
    }

    const container: ContainerSpec = { Image: taggedImage(s.image) };
    const entry = at(where('entrypoint'), () => commandList(s.entrypoint));
    if (entry) container.Command = entry;
    const args = at(where('command'), () => commandList(s.command));
    if (args) container.Args = args;
    if (s.hostname) container.Hostname = String(s.hostname);
    const hosts = at(where('extra_hosts'), () => extraHosts(s.extra_hosts));
    if (hosts?.length) container.Hosts = hosts;
    const dns = at(where('dns'), () => stringList(s.dns));
    const dnsSearch = at(where('dns_search'), () => stringList(s.dns_search));
    if (dns || dnsSearch) container.DNSConfig = { ...(dns ? { Nameservers: dns } : {}), ...(dnsSearch ? { Search: dnsSearch } : {}) };
    const health = at(where('healthcheck'), () => healthcheck(s.healthcheck));
    if (health) container.Healthcheck = health;
    const env = environment(s, key, input.vars, (p, name, what) => fileText(where(...p), name, what), at);
    if (env.length) container.Env = env;
    container.Labels = withStackLabel(stack, mapOrUndefined(s.labels, '='));
    if (s.working_dir) container.Dir = String(s.working_dir);
    if (s.user !== undefined && s.user !== null) container.User = String(s.user);
    const mounts = (s.volumes as unknown[] | undefined)?.map((v, i) => at(where('volumes', i), () => mount(v, stack, volumes, volumeDefs))).filter((m): m is Mount => Boolean(m));
    if (mounts?.length) container.Mounts = mounts;
    if (s.stop_grace_period !== undefined) {
      const d = at(where('stop_grace_period'), () => parseDuration(s.stop_grace_period));
      if (d !== undefined) container.StopGracePeriod = d;
    }
    if (s.stop_signal) container.StopSignal = String(s.stop_signal);
    if (s.tty) container.TTY = true;
    if (s.stdin_open) container.OpenStdin = true;
    const secretRefs = fileRefs(s.secrets, secrets, 'secrets', key);
    if (secretRefs.length) container.Secrets = secretRefs.map((r) => ({ File: r.File, SecretName: r.name }));
    const configRefs = fileRefs(s.configs, configs, 'configs', key);
    if (configRefs.length) container.Configs = configRefs.map((r) => ({ File: r.File, ConfigName: r.name }));
    if (s.read_only) container.ReadOnly = true;
    container.Privileges = { CredentialSpec: credentialSpec(s.credential_spec, where('credential_spec')), SELinuxContext: null };
    if (s.isolation) container.Isolation = String(s.isolation);
    if (typeof s.init === 'boolean') container.Init = s.init;
    if (s.sysctls) container.Sysctls = Object.fromEntries(mappingOf(s.sysctls, '=', false)) as Record<string, string>;
    const caps = capabilities(s.cap_add, s.cap_drop);
    if (caps.add.length) container.CapabilityAdd = caps.add;
    if (caps.drop.length) container.CapabilityDrop = caps.drop;
    const ulimits = at(where('ulimits'), () => convertUlimits(s.ulimits));
    if (ulimits?.length) container.Ulimits = ulimits;

    const task: StackServiceSpec['TaskTemplate'] = { ContainerSpec: container };
    const logging = asMap(s.logging);
    if (s.logging) task.LogDriver = { Name: asString(logging.driver) ?? '', ...(logging.options ? { Options: stringMap(logging.options) } : {}) };
    task.Resources = at(where('deploy', 'resources'), () => resources(deploy.resources)) ?? {};
    const restart = at(where('deploy', 'restart_policy'), () => restartPolicy(s.restart, deploy.restart_policy));
    if (restart) task.RestartPolicy = restart;
    const placement = asMap(deploy.placement);
    const constraints = asList(placement.constraints);
    const preferences = asList(placement.preferences);
    task.Placement = {
      ...(constraints?.length ? { Constraints: constraints.map(String) } : {}),
      ...(preferences?.length ? { Preferences: preferences.map((p) => ({ Spread: { SpreadDescriptor: String(asMap(p).spread ?? '') } })) } : {}),
      ...(placement.max_replicas_per_node ? { MaxReplicas: Number(placement.max_replicas_per_node) } : {}),
    };
    task.Networks = serviceNetworks(s.networks, key, stack, networks);

    const ports = at(where('ports'), () => convertPorts(s.ports), []) ?? [];
    const endpointMode = String(deploy.endpoint_mode ?? '').toLowerCase();
    if (endpointMode === 'dnsrr') {
      const ingress = ports.findIndex((p) => (p.PublishMode ?? 'ingress') === 'ingress');
      if (ingress >= 0) {
        problems.push(doc.problem(where('ports'), 'a port published through the routing mesh (mode: ingress) cannot be used with deploy.endpoint_mode: dnsrr', { hint: 'Publish it with mode: host (long syntax), or use endpoint_mode: vip.' }));
      }
    }
    const mode = deploy.mode ?? 'replicated';
    if (mode === 'global' && deploy.replicas !== undefined) problems.push(doc.problem(where('deploy', 'replicas'), 'replicas can only be used with replicated mode'));
    if (typeof mode !== 'string' || !['global', 'replicated'].includes(mode)) problems.push(doc.problem(where('deploy', 'mode'), `unknown mode ${mode}: replicated or global (docker 20.10)`));
    const spec: StackServiceSpec = {
      Name: scope(stack, key),
      Labels: { ...withStackLabel(stack, mapOrUndefined(deploy.labels, '=')), [IMAGE_LABEL]: s.image },
      TaskTemplate: task,
      Mode: mode === 'global' ? { Global: {} } : { Replicated: deploy.replicas === undefined ? {} : { Replicas: Number(deploy.replicas) } },
      EndpointSpec: { ...(endpointMode ? { Mode: endpointMode } : {}), ...(ports.length ? { Ports: ports } : {}) },
    };
    const update = at(where('deploy', 'update_config'), () => updateConfig(deploy.update_config));
    if (update) spec.UpdateConfig = update;
    const rollback = at(where('deploy', 'rollback_config'), () => updateConfig(deploy.rollback_config));
    if (rollback) spec.RollbackConfig = rollback;
    out.push({ key, name: scope(stack, key), spec });
  }
  return { services: out, networks, secrets, configs, volumes, warnings, problems };

  // ---- helpers that need the document -----------------------------------------------------
  function fileRefs(list: unknown, objects: ConvertedObject[], kind: 'secrets' | 'configs', service: string) {
    const refs: { name: string; File: { Name: string; UID: string; GID: string; Mode: number } }[] = [];
    ((list ?? []) as unknown[]).forEach((item, i) => {
      const ref = asMap(typeof item === 'string' ? { source: item } : item);
      const obj = objects.find((o) => o.key === ref.source);
      if (!obj) {
        problems.push(doc.problem(['services', service, kind, i], `undefined ${kind.slice(0, -1)} "${ref.source}"`, { hint: `Declare it in the top-level ${kind}: section.` }));
        return;
      }
      refs.push({
        name: obj.name,
        File: { Name: String(ref.target ?? ref.source), UID: String(ref.uid ?? '0'), GID: String(ref.gid ?? '0'), Mode: typeof ref.mode === 'number' ? ref.mode : 0o444 },
      });
    });
    // Sorted by name, as the CLI does, so a reordered file changes nothing.
    return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  function credentialSpec(value: unknown, where: ComposePath): CredentialSpec {
    if (!value || typeof value !== 'object') return null;
    const c = asMap(value);
    const set = ['config', 'file', 'registry'].filter((k) => c[k]);
    if (set.length > 1) problems.push(doc.problem(where, `invalid credential spec: cannot specify both ${set.join(' and ')}`));
    if (c.config) {
      problems.push(doc.problem(where, 'credential_spec.config is not supported here (Windows only)'));
      return null;
    }
    if (c.file) return { File: String(c.file) };
    if (c.registry) return { Registry: String(c.registry) };
    return null;
  }
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(mappingOf(value, '=', false)) as Record<string, string>;
}
function mapOrUndefined(value: unknown, sep: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  return Object.fromEntries(mappingOf(value, sep, false)) as Record<string, string>;
}

function extraHosts(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value.map(String) : Object.entries(asMap(value)).filter(([, v]) => v !== null).map(([k, v]) => `${k}:${v}`).sort();
  return list.flatMap((entry) => {
    const i = entry.indexOf(':');
    return i < 0 ? [] : [`${entry.slice(i + 1)} ${entry.slice(0, i)}`];
  });
}

function healthcheck(value: unknown): HealthConfig | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const h = asMap(value);
  const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : Array.isArray(h.test) ? h.test.map(String) : undefined;
  if (h.disable) {
    if (test?.length) throw new ValueError("test and disable can't be set at the same time");
    return { Test: ['NONE'] };
  }
  const out: HealthConfig = {};
  if (test) out.Test = test;
  if (h.interval !== undefined) out.Interval = parseDuration(h.interval);
  if (h.timeout !== undefined) out.Timeout = parseDuration(h.timeout);
  if (h.start_period !== undefined) out.StartPeriod = parseDuration(h.start_period);
  if (h.retries !== undefined) out.Retries = Number(h.retries);
  return out;
}

function environment(
  s: ComposeMap,
  service: string,
  vars: ReadonlyMap<string, string>,
  fileText: (where: ComposePath, name: string, what: string) => string | undefined,
  at: <T>(where: ComposePath, fn: () => T, fallback?: T) => T | undefined,
): string[] {
  const env = new Map<string, string | null>();
  // A variable without a value (or an empty one) takes its value from the variables given, as
  // the CLI takes it from its environment.
  const update = (from: Map<string, string | null>) => {
    for (const [k, v] of from) env.set(k, (v === null || v === '') && vars.has(k) ? vars.get(k)! : v);
  };
  const envFiles = stringList(s.env_file) ?? [];
  if (envFiles.length) {
    const lines: string[] = [];
    envFiles.forEach((f, i) => {
      const text = fileText(['env_file', ...(Array.isArray(s.env_file) ? [i] : [])], f, 'env_file');
      if (text === undefined) return;
      const parsed = at(['services', service, 'env_file'], () => {
        try {
          return parseEnvFile(text, f, vars);
        } catch (err) {
          throw new ValueError((err as Error).message);
        }
      });
      if (parsed) lines.push(...parsed);
    });
    update(mappingOf(lines, '=', true));
  }
  update(mappingOf(s.environment, '=', true));
  return [...env].map(([k, v]) => (v === null ? k : `${k}=${v}`)).sort();
}

function mount(value: unknown, stack: string, volumes: ConvertedStack['volumes'], defs: ComposeMap): Mount {
  const v = asMap(typeof value === 'string' ? parseVolumeShort(value) : value);
  const type = asString(v.type) || 'volume';
  const m: Mount = { Type: type, Target: String(v.target ?? '') };
  if (v.source) m.Source = String(v.source);
  if (v.read_only) m.ReadOnly = true;
  if (v.consistency) m.Consistency = String(v.consistency);
  if (type === 'volume') {
    if (v.tmpfs) throw new ValueError('tmpfs options are incompatible with type volume');
    if (v.bind) throw new ValueError('bind options are incompatible with type volume');
    if (!v.source) return m;
    const vol = volumes.find((x) => x.key === v.source);
    if (!vol) throw new ValueError(`undefined volume "${v.source}": declare it in the top-level volumes: section`);
    m.Source = vol.name;
    const options: NonNullable<Mount['VolumeOptions']> = asMap(v.volume).nocopy ? { NoCopy: true } : {};
    m.VolumeOptions = options;
    if (vol.external) return m;
    const def = asMap(defs[vol.key]);
    options.Labels = withStackLabel(stack, mapOrUndefined(def.labels, '='));
    if (def.driver || def.driver_opts) options.DriverConfig = { ...(def.driver ? { Name: asString(def.driver) } : {}), ...(def.driver_opts ? { Options: stringMap(def.driver_opts) } : {}) };
    return m;
  }
  if (type === 'bind') {
    if (!v.source) throw new ValueError('invalid bind source, source cannot be empty');
    if (v.volume) throw new ValueError('volume options are incompatible with type bind');
    if (v.tmpfs) throw new ValueError('tmpfs options are incompatible with type bind');
    if (!String(v.source).startsWith('/')) throw new ValueError(`bind source ${v.source} is relative: give an absolute path on the nodes (the app has no working folder to resolve it against)`);
    const propagation = asMap(v.bind).propagation;
    if (propagation) m.BindOptions = { Propagation: String(propagation) };
    return m;
  }
  if (type === 'tmpfs') {
    if (v.source) throw new ValueError('invalid tmpfs source, source must be empty');
    if (v.bind) throw new ValueError('bind options are incompatible with type tmpfs');
    if (v.volume) throw new ValueError('volume options are incompatible with type tmpfs');
    const size = asMap(v.tmpfs).size;
    if (v.tmpfs) m.TmpfsOptions = size !== undefined ? { SizeBytes: parseBytes(size) } : {};
    return m;
  }
  throw new ValueError(`volume type ${type} is not supported by stacks: volume, bind or tmpfs`);
}

function resources(value: unknown): NonNullable<TaskSpec['Resources']> {
  const r = asMap(value);
  const out: NonNullable<TaskSpec['Resources']> = {};
  if (r.limits) {
    const limits = asMap(r.limits);
    out.Limits = {
      ...(limits.cpus !== undefined ? { NanoCPUs: parseCpus(limits.cpus) } : {}),
      ...(limits.memory !== undefined ? { MemoryBytes: parseBytes(limits.memory) } : {}),
      ...(limits.pids !== undefined ? { Pids: Number(limits.pids) } : {}),
    };
  }
  if (r.reservations) {
    const reservations = asMap(r.reservations);
    const generic = ((reservations.generic_resources ?? []) as unknown[]).map((g) => {
      const discrete = asMap(g).discrete_resource_spec;
      return discrete ? { DiscreteResourceSpec: { Kind: String(asMap(discrete).kind), Value: Number(asMap(discrete).value) } } : {};
    });
    out.Reservations = {
      ...(reservations.cpus !== undefined ? { NanoCPUs: parseCpus(reservations.cpus) } : {}),
      ...(reservations.memory !== undefined ? { MemoryBytes: parseBytes(reservations.memory) } : {}),
      ...(generic.length ? { GenericResources: generic } : {}),
    };
  }
  return out;
}

function restartPolicy(restart: unknown, policy: unknown): TaskSpec['RestartPolicy'] {
  if (!policy) {
    const text = restart === undefined || restart === null ? '' : String(restart);
    const [name, count] = text.split(':');
    if (name === '' || name === 'no') return undefined;
    if (name === 'always' || name === 'unless-stopped') return { Condition: 'any' };
    if (name === 'on-failure') return { Condition: 'on-failure', MaxAttempts: count ? Number(count) : 0 };
    throw new ValueError(`unknown restart policy: ${text}`);
  }
  const p = asMap(policy);
  return {
    ...(p.condition ? { Condition: String(p.condition) } : {}),
    ...(p.delay !== undefined ? { Delay: parseDuration(p.delay) } : {}),
    ...(p.max_attempts !== undefined ? { MaxAttempts: Number(p.max_attempts) } : {}),
    ...(p.window !== undefined ? { Window: parseDuration(p.window) } : {}),
  };
}

function updateConfig(value: unknown): ServiceSpec['UpdateConfig'] {
  if (!value) return undefined;
  const u = asMap(value);
  return {
    Parallelism: u.parallelism === undefined ? 1 : Number(u.parallelism),
    ...(u.delay !== undefined ? { Delay: parseDuration(u.delay) } : {}),
    ...(u.failure_action ? { FailureAction: String(u.failure_action) } : {}),
    ...(u.monitor !== undefined ? { Monitor: parseDuration(u.monitor) } : {}),
    ...(u.max_failure_ratio !== undefined ? { MaxFailureRatio: Number(u.max_failure_ratio) } : {}),
    ...(u.order ? { Order: String(u.order) } : {}),
  };
}

function convertPorts(value: unknown): PortConfig[] {
  const ports: PortConfig[] = [];
  for (const p of (value ?? []) as unknown[]) {
    if (typeof p === 'string' || typeof p === 'number') ports.push(...parsePortShort(p));
    else {
      const l = asMap(p);
      if (!Number.isInteger(Number(l.target)) || Number(l.target) < 1 || Number(l.target) > 65535) throw new ValueError(`target port ${JSON.stringify(l.target)} must be from 1 to 65535`);
      const port: PortConfig = { TargetPort: Number(l.target) };
      if (l.protocol) port.Protocol = String(l.protocol);
      if (l.published !== undefined && l.published !== null) {
        const published = String(l.published);
        if (!/^\d+$/.test(published) || Number(published) > 65535) throw new ValueError(`published port "${published}" must be a single port number (0 to 65535) for a stack`);
        port.PublishedPort = Number(published);
      }
      if (l.mode) port.PublishMode = String(l.mode);
      ports.push(port);
    }
  }
  // Sorted by published port, as the CLI does (a stable sort keeps equal ones in file order).
  return ports.sort((a, b) => (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0));
}

function serviceNetworks(value: unknown, key: string, stack: string, networks: ConvertedNetwork[]): NonNullable<TaskSpec['Networks']> {
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((n) => [String(n), null]) : value && typeof value === 'object' ? Object.entries(value) : [['default', null]];
  if (entries.length === 0) entries.push(['default', null]);
  const out = entries.map(([name, cfg]) => {
    const net = networks.find((n) => n.key === name);
    const target = net?.name ?? scope(stack, name);
    const aliases = [...((asMap(cfg).aliases ?? []) as unknown[]).map(String)];
    // The short name is an alias on user-defined networks (not on host, bridge, none).
    if (!['host', 'bridge', 'none', 'default'].includes(target) && !target.startsWith('container:')) aliases.push(key);
    return { Target: target, Aliases: aliases };
  });
  return out.sort((a, b) => (a.Target < b.Target ? -1 : a.Target > b.Target ? 1 : 0));
}

function capabilities(add: unknown, drop: unknown): { add: string[]; drop: string[] } {
  // opts.EffectiveCapAddCapDrop: CAP_ names, ALL stands alone, RESET dropped, an add beats a drop.
  const norm = (c: string) => {
    const u = c.trim().toUpperCase();
    return u === 'ALL' || u === 'RESET' || u.startsWith('CAP_') ? u : `CAP_${u}`;
  };
  let a = new Set(((add ?? []) as unknown[]).map((c) => norm(String(c))));
  let d = new Set(((drop ?? []) as unknown[]).map((c) => norm(String(c))));
  if (a.has('ALL')) a = new Set(['ALL']);
  if (d.has('ALL')) d = new Set(['ALL']);
  return { add: [...a].filter((c) => c !== 'RESET').sort(), drop: [...d].filter((c) => !a.has(c) && c !== 'RESET').sort() };
}

function convertUlimits(value: unknown): ContainerSpec['Ulimits'] {
  if (!value || typeof value !== 'object') return undefined;
  return Object.entries(asMap(value))
    .map(([name, u]) => (typeof u === 'number' ? { Name: name, Soft: u, Hard: u } : { Name: name, Soft: Number(asMap(u).soft), Hard: Number(asMap(u).hard) }))
    .sort((a, b) => (a.Name < b.Name ? -1 : 1));
}
