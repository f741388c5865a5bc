// Swarm secrets and configs (not the app's own password store, which is ../secrets): list with
// the services that use each, create from text or a file's bytes, remove (refused while in use,
// naming the users), and rotate: a new version, every user moved to it at the same target path,
// the old one removed. Content goes to the manager once and is never read back, logged, stored
// or put in a CLI equivalent (those read it from stdin: `-`).
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { CliCommand } from '../../shared/model';
import type { RotateResult, SwarmObjectList } from '../../shared/stacks';
import { engineApi, type Config, type Secret, type Service, type ServiceSpec } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { STACK_LABEL } from '../stacks/compose-convert';
import { dockerCommand } from '../swarm/cli-equivalent';
import { pickManager } from '../swarm/managers';

type Kind = 'secret' | 'config';
type SwarmObject = Secret | Config;
/** A service's reference to a secret or a config: each kind has its own id and name fields. */
type ObjectRef = { File?: { Name?: string; UID?: string; GID?: string; Mode?: number }; SecretID?: string; SecretName?: string; ConfigID?: string; ConfigName?: string };
type ObjectMethods = Pick<Handlers, 'secrets:list' | 'secrets:create' | 'secrets:remove' | 'secrets:rotate' | 'configs:list' | 'configs:create' | 'configs:remove' | 'configs:rotate'>;

const refsKey = (kind: Kind) => (kind === 'secret' ? 'Secrets' : 'Configs');
const nameKey = (kind: Kind) => (kind === 'secret' ? 'SecretName' : 'ConfigName');
const idKey = (kind: Kind) => (kind === 'secret' ? 'SecretID' : 'ConfigID');

/** The next version's name: web_cert → web_cert_v2, web_cert_v2 → web_cert_v3. */
export function nextVersionName(name: string): string {
  const m = /^(.*?)([_.-]v)(\d+)$/.exec(name);
  return m ? `${m[1]}${m[2]}${Number(m[3]) + 1}` : `${name}_v2`;
}

/** A service's references to objects of this kind (none when it has no container spec). */
function refsOf(spec: ServiceSpec | undefined, kind: Kind): ObjectRef[] {
  return spec?.TaskTemplate?.ContainerSpec?.[refsKey(kind)] ?? [];
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

  private list(session: HostSession, kind: Kind): Promise<SwarmObject[]> {
    return session.run((d) => (kind === 'secret' ? engineApi.secrets(d) : engineApi.configs(d)));
  }

  private removeObject(session: HostSession, kind: Kind, id: string) {
    return session.run((d) => (kind === 'secret' ? engineWrites.secretRemove(d, id) : engineWrites.configRemove(d, id)));
  }

  private async find(session: HostSession, kind: Kind, ref: string): Promise<SwarmObject> {
    const all = await this.list(session, kind);
    const found = all.find((o) => o.Spec?.Name === ref || o.ID === ref);
    if (!found) throw new ApiError('not-found', `no ${kind} ${ref}`, { hint: 'Refresh the list.' });
    return found;
  }

  private users(services: Service[], kind: Kind, id: string | undefined) {
    return services.flatMap((s) =>
      refsOf(s.Spec, kind)
        .filter((r) => r[idKey(kind)] === id)
        .map((r) => ({ serviceId: s.ID as string, serviceName: s.Spec?.Name as string, target: r.File?.Name ?? '(runtime)' })),
    );
  }

  private async views(kind: Kind): Promise<SwarmObjectList> {
    const { session } = await pickManager(this.hosts);
    const [objects, services] = await Promise.all([this.list(session, kind), session.run((d) => engineApi.services(d))]);
    const items = objects
      .map((o) => ({
        id: o.ID as string,
        name: o.Spec?.Name as string,
        labels: o.Spec?.Labels ?? {},
        ...(o.Spec?.Labels?.[STACK_LABEL] ? { stack: o.Spec.Labels[STACK_LABEL] } : {}),
        createdAt: o.CreatedAt as string,
        updatedAt: o.UpdatedAt as string,
        usedBy: this.users(services, kind, o.ID),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { items, commands: [dockerCommand(session.host, [kind, 'ls'])] };
  }

  private async create(session: HostSession, kind: Kind, name: string, data: string, labels: Record<string, string>): Promise<{ id: string; command: CliCommand }> {
    const spec = { Name: name, Labels: labels, Data: data };
    const created = await session.run((d) => (kind === 'secret' ? engineWrites.secretCreate(d, spec) : engineWrites.configCreate(d, spec)));
    const labelArgs = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    return { id: created.ID as string, command: dockerCommand(session.host, [kind, 'create', ...labelArgs, name, '-']) };
  }

  private async remove(kind: Kind, ref: string) {
    return this.changing(async () => {
      const { session } = await pickManager(this.hosts);
      const target = await this.find(session, kind, ref);
      const users = this.users(await session.run((d) => engineApi.services(d)), kind, target.ID);
      if (users.length) {
        const names = [...new Set(users.map((u) => u.serviceName))];
        throw new ApiError('conflict', `${kind} ${target.Spec?.Name} is in use by service${names.length > 1 ? 's' : ''} ${names.join(', ')}`, {
          hint: `Rotate it to a new version, or remove it from ${names.length > 1 ? 'those services' : 'that service'} first (docker service update --${kind}-rm ${target.Spec?.Name} …).`,
        });
      }
      await this.removeObject(session, kind, target.ID as string);
      return { message: `Removed ${kind} ${target.Spec?.Name}`, commands: [dockerCommand(session.host, [kind, 'rm', target.Spec?.Name as string])] };
    });
  }

  private async rotate(kind: Kind, input: { name: string; newName?: string; data?: string; dataBase64?: string; removeOld: boolean }): Promise<RotateResult> {
    return this.changing(async () => {
      const { session } = await pickManager(this.hosts);
      const old = await this.find(session, kind, input.name);
      const oldName = old.Spec?.Name as string;
      const newName = input.newName ?? nextVersionName(oldName);
      const all = await this.list(session, kind);
      if (all.some((o) => o.Spec?.Name === newName)) throw new ApiError('conflict', `a ${kind} named ${newName} exists already`, { field: 'newName', hint: 'Give the new version another name.' });
      const steps: RotateResult['steps'] = [];
      const created = await this.create(session, kind, newName, content(input), old.Spec?.Labels ?? {});
      steps.push({ step: `create ${newName}`, ok: true, message: `Created ${kind} ${newName}`, commands: [created.command] });
      const services = await session.run((d) => engineApi.services(d));
      const users = services.filter((s) => this.users([s], kind, old.ID).length);
      for (const svc of users) {
        const current = await session.run((d) => engineApi.service(d, svc.ID as string));
        const spec = structuredClone(current.Spec) as ServiceSpec;
        // Every user has a container spec: the references are in it.
        const refs: ObjectRef[] = spec.TaskTemplate!.ContainerSpec![refsKey(kind)] ?? [];
        const moved = refs.filter((r) => r[idKey(kind)] === old.ID);
        for (const r of moved) {
          r[idKey(kind)] = created.id;
          r[nameKey(kind)] = newName;
        }
        // Sorted by name, as the CLI keeps them.
        refs.sort((a, b) => String(a[nameKey(kind)]).localeCompare(String(b[nameKey(kind)])));
        const name = current.Spec?.Name as string;
        await session.run((d) => engineWrites.serviceUpdate(d, current.ID as string, current.Version!.Index as number, spec));
        const adds = moved.map((r) => (r.File ? `source=${newName},target=${r.File.Name},uid=${r.File.UID},gid=${r.File.GID},mode=0${Number(r.File.Mode).toString(8)}` : `source=${newName}`));
        steps.push({
          step: `update ${name}`,
          ok: true,
          message: `${name} now uses ${newName} at ${moved.map((r) => r.File?.Name ?? '(runtime)').join(', ')}; its tasks roll`,
          commands: [dockerCommand(session.host, ['service', 'update', '--detach', `--${kind}-rm`, oldName, ...adds.flatMap((a) => [`--${kind}-add`, a]), name])],
        });
      }
      if (input.removeOld) {
        await this.removeObject(session, kind, old.ID as string);
        steps.push({ step: `remove ${oldName}`, ok: true, message: `Removed the old ${kind} ${oldName}`, commands: [dockerCommand(session.host, [kind, 'rm', oldName])] });
      }
      return {
        message: `Rotated ${kind} ${oldName} → ${newName}: ${users.length} service${users.length === 1 ? '' : 's'} moved${input.removeOld ? ', old version removed' : ''}`,
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
