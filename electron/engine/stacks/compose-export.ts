// From running services back to a compose file that recreates them: every field the stack
// conversion reads is written so that converting the file again gives the same spec. Secrets
// and configs are written as external (their content is never read back), and so are networks
// and volumes that belong to no stack. Subnets the daemon chose are not written (a second copy
// of the stack would clash with them).
import { stringify } from 'yaml';
import type { Network, Service } from '../docker/engine-api';
import { IMAGE_LABEL, STACK_LABEL } from './compose-convert';
import type { ComposeMap } from './compose-data';

/** A service's reference to a secret or config. */
type ObjectRef = { File?: { Name?: string; UID?: string; GID?: string; Mode?: number }; SecretName?: string; ConfigName?: string };

export interface ExportInput {
  /** The stack the services belong to; null for services deployed one by one. */
  stack: string | null;
  services: Service[];
  /** Every swarm network (to name the ids in the specs). */
  networks: Network[];
}

/** Go's time.Duration.String(): 1m30s, 1.5s, 500ms, 0s. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  if (n < 1e3) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${trim(n / 1e3)}µs`;
  if (n < 1e9) return `${sign}${trim(n / 1e6)}ms`;
  let out = '';
  const h = Math.floor(n / 3600e9);
  n -= h * 3600e9;
  const m = Math.floor(n / 60e9);
  n -= m * 60e9;
  if (h) out += `${h}h`;
  if (h || m) out += `${m}m`;
  return `${sign}${out}${trim(n / 1e9)}s`;
}
const trim = (x: number) => String(Number(x.toFixed(9)));

const without = (labels: Record<string, string> | undefined, ...keys: string[]) => {
  const out = Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !keys.includes(k)));
  return Object.keys(out).length ? out : undefined;
};

function set(target: ComposeMap, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0) return;
  target[key] = value;
}

export function exportCompose(input: ExportInput): string {
  const { stack } = input;
  const short = (name: string) => (stack && name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name);
  const netById = new Map(input.networks.map((n) => [n.Id, n]));
  const services: Record<string, ComposeMap> = {};
  const out: ComposeMap = { version: '3.9', services };
  const networks: ComposeMap = {};
  const volumes: ComposeMap = {};
  const secrets: ComposeMap = {};
  const configs: ComposeMap = {};

  for (const svc of [...input.services].sort((a, b) => String(a.Spec?.Name).localeCompare(String(b.Spec?.Name)))) {
    const spec = svc.Spec ?? {};
    const key = short(spec.Name as string);
    const task = spec.TaskTemplate ?? {};
    const c = task.ContainerSpec ?? {};
    const s: ComposeMap = { image: spec.Labels?.[IMAGE_LABEL] ?? String(c.Image ?? '').replace(/@sha256:[a-f0-9]+$/, '') };
    set(s, 'entrypoint', c.Command);
    set(s, 'command', c.Args);
    set(s, 'environment', c.Env);
    set(s, 'hostname', c.Hostname);
    set(s, 'user', c.User);
    set(s, 'working_dir', c.Dir);
    set(s, 'labels', without(c.Labels, STACK_LABEL));
    if (c.StopGracePeriod !== undefined) s.stop_grace_period = goDuration(c.StopGracePeriod);
    set(s, 'stop_signal', c.StopSignal);
    if (c.TTY) s.tty = true;
    if (c.OpenStdin) s.stdin_open = true;
    if (c.ReadOnly) s.read_only = true;
    if (typeof c.Init === 'boolean') s.init = c.Init;
    if (c.Isolation && c.Isolation !== 'default') s.isolation = c.Isolation;
    set(s, 'sysctls', c.Sysctls);
    set(s, 'cap_add', c.CapabilityAdd);
    set(s, 'cap_drop', c.CapabilityDrop);
    if (c.Ulimits?.length) s.ulimits = Object.fromEntries(c.Ulimits.map((u) => [u.Name as string, { soft: u.Soft, hard: u.Hard }]));
    set(s, 'extra_hosts', (c.Hosts ?? []).map((h) => {
      const [ip, ...names] = h.split(/\s+/);
      return `${names.join(' ')}:${ip}`;
    }));
    set(s, 'dns', c.DNSConfig?.Nameservers);
    set(s, 'dns_search', c.DNSConfig?.Search);
    if (c.Healthcheck) {
      const h = c.Healthcheck;
      if (h.Test?.length === 1 && h.Test[0] === 'NONE') s.healthcheck = { disable: true };
      else {
        const hc: ComposeMap = {};
        set(hc, 'test', h.Test);
        if (h.Interval) hc.interval = goDuration(h.Interval);
        if (h.Timeout) hc.timeout = goDuration(h.Timeout);
        if (h.StartPeriod) hc.start_period = goDuration(h.StartPeriod);
        if (h.Retries) hc.retries = h.Retries;
        s.healthcheck = hc;
      }
    }
    if (c.Privileges?.CredentialSpec?.File) s.credential_spec = { file: c.Privileges.CredentialSpec.File };
    else if (c.Privileges?.CredentialSpec?.Registry) s.credential_spec = { registry: c.Privileges.CredentialSpec.Registry };

    set(s, 'volumes', (c.Mounts ?? []).map((m) => {
      const v: ComposeMap = { type: m.Type ?? 'volume', target: m.Target };
      if (m.ReadOnly) v.read_only = true;
      if (m.Consistency) v.consistency = m.Consistency;
      if (m.Type === 'bind') {
        v.source = m.Source;
        if (m.BindOptions?.Propagation) v.bind = { propagation: m.BindOptions.Propagation };
      } else if (m.Type === 'tmpfs') {
        if (m.TmpfsOptions?.SizeBytes !== undefined) v.tmpfs = { size: m.TmpfsOptions.SizeBytes };
      } else if (m.Source) {
        const ours = stack && m.VolumeOptions?.Labels?.[STACK_LABEL] === stack;
        const vkey = ours ? short(m.Source) : m.Source;
        v.source = vkey;
        if (m.VolumeOptions?.NoCopy) v.volume = { nocopy: true };
        const def: ComposeMap = {};
        if (ours) {
          if (vkey !== short(m.Source) || !m.Source.startsWith(`${stack}_`)) def.name = m.Source;
          set(def, 'labels', without(m.VolumeOptions?.Labels, STACK_LABEL));
          set(def, 'driver', m.VolumeOptions?.DriverConfig?.Name);
          set(def, 'driver_opts', m.VolumeOptions?.DriverConfig?.Options);
        } else {
          def.external = true;
          def.name = m.Source;
        }
        volumes[vkey] = def;
      }
      return v;
    }));

    const refs = (list: ObjectRef[] | undefined, nameKey: 'SecretName' | 'ConfigName', bucket: ComposeMap) =>
      (list ?? [])
        .filter((r) => r.File)
        .map((r) => {
          const name = r[nameKey] as string;
          const k = short(name);
          bucket[k] = { external: true, name };
          return { source: k, target: r.File?.Name, uid: r.File?.UID, gid: r.File?.GID, mode: r.File?.Mode };
        });
    set(s, 'secrets', refs(c.Secrets, 'SecretName', secrets));
    set(s, 'configs', refs(c.Configs, 'ConfigName', configs));

    const nets: ComposeMap = {};
    for (const n of task.Networks ?? spec.Networks ?? []) {
      const net = netById.get(n.Target) ?? input.networks.find((x) => x.Name === n.Target);
      const name = (net?.Name ?? n.Target) as string;
      const ours = stack && net?.Labels?.[STACK_LABEL] === stack;
      const nkey = ours ? short(name) : name;
      const aliases = (n.Aliases ?? []).filter((a, i, all) => !(a === key && i === all.lastIndexOf(key)));
      nets[nkey] = aliases.length ? { aliases } : null;
      if (ours && net) {
        const def: ComposeMap = {};
        if (!name.startsWith(`${stack}_`)) def.name = name;
        def.driver = net.Driver ?? 'overlay';
        set(def, 'driver_opts', without(net.Options, 'com.docker.network.driver.overlay.vxlanid_list'));
        if (net.Internal) def.internal = true;
        if (net.Attachable) def.attachable = true;
        set(def, 'labels', without(net.Labels, STACK_LABEL));
        networks[nkey] = def;
      } else {
        networks[nkey] = { external: true, name };
      }
    }
    if (Object.keys(nets).length) s.networks = nets;

    const ports = (spec.EndpointSpec?.Ports ?? []).map((p) => {
      const port: ComposeMap = { target: p.TargetPort };
      if (p.PublishedPort) port.published = p.PublishedPort;
      if (p.Protocol) port.protocol = p.Protocol;
      if (p.PublishMode) port.mode = p.PublishMode;
      return port;
    });
    set(s, 'ports', ports);

    const deploy: ComposeMap = {};
    if (spec.Mode?.Global) deploy.mode = 'global';
    else if (spec.Mode?.Replicated?.Replicas !== undefined) deploy.replicas = spec.Mode.Replicated.Replicas;
    if (spec.EndpointSpec?.Mode) deploy.endpoint_mode = spec.EndpointSpec.Mode;
    set(deploy, 'labels', without(spec.Labels, STACK_LABEL, IMAGE_LABEL));
    const placement: ComposeMap = {};
    set(placement, 'constraints', task.Placement?.Constraints);
    set(placement, 'preferences', (task.Placement?.Preferences ?? []).map((p) => ({ spread: p.Spread?.SpreadDescriptor })));
    if (task.Placement?.MaxReplicas) placement.max_replicas_per_node = task.Placement.MaxReplicas;
    set(deploy, 'placement', placement);
    const resources: ComposeMap = {};
    const cpus = (n: number) => String(n / 1e9);
    if (task.Resources?.Limits) {
      const l = task.Resources.Limits;
      const limits: ComposeMap = {};
      if (l.NanoCPUs) limits.cpus = cpus(l.NanoCPUs);
      if (l.MemoryBytes) limits.memory = String(l.MemoryBytes);
      if (l.Pids) limits.pids = l.Pids;
      set(resources, 'limits', limits);
    }
    if (task.Resources?.Reservations) {
      const r = task.Resources.Reservations;
      const res: ComposeMap = {};
      if (r.NanoCPUs) res.cpus = cpus(r.NanoCPUs);
      if (r.MemoryBytes) res.memory = String(r.MemoryBytes);
      set(res, 'generic_resources', (r.GenericResources ?? []).filter((g) => g.DiscreteResourceSpec).map((g) => ({ discrete_resource_spec: { kind: g.DiscreteResourceSpec?.Kind, value: g.DiscreteResourceSpec?.Value } })));
      set(resources, 'reservations', res);
    }
    set(deploy, 'resources', resources);
    if (task.RestartPolicy) {
      const r = task.RestartPolicy;
      const rp: ComposeMap = {};
      set(rp, 'condition', r.Condition);
      if (r.Delay !== undefined) rp.delay = goDuration(r.Delay);
      if (r.MaxAttempts !== undefined) rp.max_attempts = r.MaxAttempts;
      if (r.Window !== undefined) rp.window = goDuration(r.Window);
      set(deploy, 'restart_policy', rp);
    }
    for (const [from, to] of [['UpdateConfig', 'update_config'], ['RollbackConfig', 'rollback_config']] as const) {
      const u = spec[from];
      if (!u) continue;
      const uc: ComposeMap = { parallelism: u.Parallelism ?? 0 };
      if (u.Delay) uc.delay = goDuration(u.Delay);
      set(uc, 'failure_action', u.FailureAction);
      if (u.Monitor) uc.monitor = goDuration(u.Monitor);
      if (u.MaxFailureRatio) uc.max_failure_ratio = u.MaxFailureRatio;
      set(uc, 'order', u.Order);
      deploy[to] = uc;
    }
    set(s, 'deploy', deploy);
    if (task.LogDriver?.Name) s.logging = { driver: task.LogDriver.Name, ...(task.LogDriver.Options ? { options: task.LogDriver.Options } : {}) };
    services[key] = s;
  }
  set(out, 'networks', networks);
  set(out, 'volumes', volumes);
  set(out, 'secrets', secrets);
  set(out, 'configs', configs);
  const header = stack ? `# Stack ${stack}, exported by Archipelago. Secrets and configs are external: their content is never read back.\n` : `# Exported by Archipelago. Secrets, configs and networks are external.\n`;
  return header + stringify(escapeDollars(out), { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

/** Every value is interpolated when the file is read again: a literal `$` is written `$$`. */
function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  return value;
}
