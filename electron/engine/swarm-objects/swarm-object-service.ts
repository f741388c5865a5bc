// Swarm secrets and configs (not the app's own password store, which is ../secrets): list with
// the services that use each, create from text or a file's bytes, remove (refused while in use,
// naming the users), and rotate: a new version, every user moved to it at the same target path,
// the old one removed. Content goes to the manager once and is never read back, logged, stored
// or put in a CLI equivalent (those read it from stdin: `-`).
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { CliCommand } from '../../shared/model';
import type { RotateResult, SwarmObjectList } from '../../shared/stacks';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { STACK_LABEL } from '../stacks/compose-convert';
import { dockerCommand } from '../swarm/cli-equivalent';
import { pickManager } from '../swarm/managers';
import { promised } from '../stacks/untyped-docker';

type Kind = 'secret' | 'config';
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type ObjectMethods = Pick<Handlers, 'secrets:list' | 'secrets:create' | 'secrets:remove' | 'secrets:rotate' | 'configs:list' | 'configs:create' | 'configs:remove' | 'configs:rotate'>;

const refsKey = (kind: Kind) => (kind === 'secret' ? 'Secrets' : 'Configs');
const nameKey = (kind: Kind) => (kind === 'secret' ? 'SecretName' : 'ConfigName');
const idKey = (kind: Kind) => (kind === 'secret' ? 'SecretID' : 'ConfigID');

/** The next version's name: web_cert → web_cert_v2, web_cert_v2 → web_cert_v3. */
export function nextVersionName(name: string): string {
  const m = /^(.*?)([_.-]v)(\d+)$/.exec(name);
  return m ? `${m[1]}${m[2]}${Number(m[3]) + 1}` : `${name}_v2`;
}

function content(input: { data?: string; dataBase64?: string }): string {
  if (input.dataBase64 !== undefined) return input.dataBase64;
  return Buffer.from(input.data ?? '', 'utf8').toString('base64');
}

export class SwarmObjectService {
  constructor(
    private readonly hosts: HostService,
    private readonly changing: <T>(operation: () => Promise<T>) => Promise<T>,
  ) {}

  private list(session: HostSession, kind: Kind): Promise<Any[]> {
    return session.run((d) => (kind === 'secret' ? d.listSecrets() : d.listConfigs()) as Promise<unknown>) as Promise<Any[]>;
  }

  private handle(kind: Kind, id: string) {
    return (d: Any) => promised(kind === 'secret' ? d.getSecret(id) : d.getConfig(id));
  }

  private async find(session: HostSession, kind: Kind, ref: string): Promise<Any> {
    const all = await this.list(session, kind);
    const found = all.find((o) => o.Spec?.Name === ref || o.ID === ref);
    if (!found) throw new ApiError('not-found', `no ${kind} ${ref}`, { hint: 'Refresh the list.' });
    return found;
  }

  private users(services: Any[], kind: Kind, id: string) {
    return services.flatMap((s) =>
      ((s.Spec?.TaskTemplate?.ContainerSpec?.[refsKey(kind)] ?? []) as Any[])
        .filter((r) => r[idKey(kind)] === id)
        .map((r) => ({ serviceId: s.ID as string, serviceName: s.Spec.Name as string, target: (r.File?.Name ?? '(runtime)') as string })),
    );
  }

  private async views(kind: Kind): Promise<SwarmObjectList> {
    const { session } = await pickManager(this.hosts);
    const [objects, services] = await Promise.all([this.list(session, kind), session.run((d) => d.listServices()) as Promise<Any[]>]);
    const items = objects
      .map((o) => ({
        id: o.ID,
        name: o.Spec.Name,
        labels: o.Spec.Labels ?? {},
        ...(o.Spec.Labels?.[STACK_LABEL] ? { stack: o.Spec.Labels[STACK_LABEL] } : {}),
        createdAt: o.CreatedAt,
        updatedAt: o.UpdatedAt,
        usedBy: this.users(services, kind, o.ID),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { items, commands: [dockerCommand(session.host, [kind, 'ls'])] };
  }

  private async create(session: HostSession, kind: Kind, name: string, data: string, labels: Record<string, string>): Promise<{ id: string; command: CliCommand }> {
    const spec = { Name: name, Labels: labels, Data: data };
    const created = (await session.run((d) => (kind === 'secret' ? d.createSecret(spec) : d.createConfig(spec)))) as unknown as { id?: string; ID?: string };
    const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    return { id: (created.id ?? created.ID)!, command: dockerCommand(session.host, [kind, 'create', ...labelArgs, name, '-']) };
  }

  private async remove(kind: Kind, ref: string) {
    return this.changing(async () => {
      const { session } = await pickManager(this.hosts);
      const target = await this.find(session, kind, ref);
      const users = this.users((await session.run((d) => d.listServices())) as Any[], kind, target.ID);
      if (users.length) {
        const names = [...new Set(users.map((u) => u.serviceName))];
        throw new ApiError('conflict', `${kind} ${target.Spec.Name} is in use by service${names.length > 1 ? 's' : ''} ${names.join(', ')}`, {
          hint: `Rotate it to a new version, or remove it from ${names.length > 1 ? 'those services' : 'that service'} first (docker service update --${kind}-rm ${target.Spec.Name} …).`,
        });
      }
      await session.run((d) => this.handle(kind, target.ID)(d).remove());
      return { message: `Removed ${kind} ${target.Spec.Name}`, commands: [dockerCommand(session.host, [kind, 'rm', target.Spec.Name])] };
    });
  }

  private async rotate(kind: Kind, input: { name: string; newName?: string; data?: string; dataBase64?: string; removeOld: boolean }): Promise<RotateResult> {
    return this.changing(async () => {
      const { session } = await pickManager(this.hosts);
      const old = await this.find(session, kind, input.name);
      const newName = input.newName ?? nextVersionName(old.Spec.Name);
      const all = await this.list(session, kind);
      if (all.some((o) => o.Spec.Name === newName)) throw new ApiError('conflict', `a ${kind} named ${newName} exists already`, { field: 'newName', hint: 'Give the new version another name.' });
      const steps: RotateResult['steps'] = [];
      const created = await this.create(session, kind, newName, content(input), old.Spec.Labels ?? {});
      steps.push({ step: `create ${newName}`, ok: true, message: `Created ${kind} ${newName}`, commands: [created.command] });
      const services = (await session.run((d) => d.listServices())) as Any[];
      const users = services.filter((s) => this.users([s], kind, old.ID).length);
      for (const svc of users) {
        const current: Any = await session.run((d) => promised(d.getService(svc.ID)).inspect());
        const spec = structuredClone(current.Spec) as Any;
        const refs = (spec.TaskTemplate.ContainerSpec[refsKey(kind)] ?? []) as Any[];
        const moved = refs.filter((r) => r[idKey(kind)] === old.ID);
        for (const r of moved) {
          r[idKey(kind)] = created.id;
          r[nameKey(kind)] = newName;
        }
        // Sorted by name, as the CLI keeps them.
        refs.sort((a, b) => String(a[nameKey(kind)]).localeCompare(String(b[nameKey(kind)])));
        await session.run((d) => promised(d.getService(current.ID)).update({ _query: { version: current.Version.Index }, _body: spec }));
        const adds = moved.map((r) => (r.File ? `source=${newName},target=${r.File.Name},uid=${r.File.UID},gid=${r.File.GID},mode=0${Number(r.File.Mode).toString(8)}` : `source=${newName}`));
        steps.push({
          step: `update ${current.Spec.Name}`,
          ok: true,
          message: `${current.Spec.Name} now uses ${newName} at ${moved.map((r) => r.File?.Name ?? '(runtime)').join(', ')}; its tasks roll`,
          commands: [dockerCommand(session.host, ['service', 'update', '--detach', `--${kind}-rm`, old.Spec.Name, ...adds.flatMap((a) => [`--${kind}-add`, a]), current.Spec.Name])],
        });
      }
      if (input.removeOld) {
        await session.run((d) => this.handle(kind, old.ID)(d).remove());
        steps.push({ step: `remove ${old.Spec.Name}`, ok: true, message: `Removed the old ${kind} ${old.Spec.Name}`, commands: [dockerCommand(session.host, [kind, 'rm', old.Spec.Name])] });
      }
      return {
        message: `Rotated ${kind} ${old.Spec.Name} → ${newName}: ${users.length} service${users.length === 1 ? '' : 's'} moved${input.removeOld ? ', old version removed' : ''}`,
        name: newName,
        steps,
        commands: steps.flatMap((s) => s.commands),
      };
    });
  }

  private createHandler(kind: Kind) {
    return async (input: { name: string; data?: string; dataBase64?: string; labels?: Record<string, string> }) =>
      this.changing(async () => {
        const { session } = await pickManager(this.hosts);
        const existing = await this.list(session, kind);
        if (existing.some((o) => o.Spec?.Name === input.name)) throw new ApiError('conflict', `a ${kind} named ${input.name} exists already`, { field: 'name', hint: `A ${kind} cannot change: pick another name, or rotate it.` });
        const created = await this.create(session, kind, input.name, content(input), input.labels ?? {});
        return { id: created.id, message: `Created ${kind} ${input.name}`, commands: [created.command] };
      });
  }

  readonly handlers: ObjectMethods = {
    'secrets:list': () => this.views('secret'),
    'secrets:create': this.createHandler('secret'),
    'secrets:remove': ({ name }) => this.remove('secret', name),
    'secrets:rotate': (input) => this.rotate('secret', input),
    'configs:list': () => this.views('config'),
    'configs:create': this.createHandler('config'),
    'configs:remove': ({ name }) => this.remove('config', name),
    'configs:rotate': (input) => this.rotate('config', input),
  };
}
