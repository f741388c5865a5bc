// Steering a rolling update: roll back to the previous spec, resume a paused update, or force
// every task to be replaced (which also refreshes the overlay's records of the service).
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { engineApi, type Service } from '../docker/engine-api';
import { engineWrites, type ServiceSpec } from '../docker/engine-writes';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand } from '../swarm/cli-equivalent';

type RolloutMethods = Pick<Handlers, 'services:rollback' | 'services:resume' | 'services:forceUpdate'>;

export class ServiceRollout {
  constructor(
    /** A manager of the swarm the service (name or id) is in. */
    private readonly managerOf: (service: string) => Promise<HostSession>,
    private readonly changing: <T>(operation: () => Promise<T>) => Promise<T>,
  ) {}

  /** Writes the service's spec back at the version read, with a rollback request or a change. */
  private async rewrite(service: string, opts: { rollback?: true; check?: (current: Service) => void; change?: (spec: ServiceSpec) => ServiceSpec }) {
    const session = await this.managerOf(service);
    const current = await session.run((d) => engineApi.service(d, service));
    opts.check?.(current);
    const before = structuredClone(current.Spec ?? {});
    const spec = opts.change ? opts.change(before) : before;
    const id = current.ID ?? service;
    await session.run((d) => engineWrites.serviceUpdate(d, id, current.Version?.Index ?? 0, spec, opts.rollback ? { rollback: 'previous' } : {}));
    return { session, name: current.Spec?.Name ?? service };
  }

  readonly handlers: RolloutMethods = {
    'services:rollback': ({ service }) =>
      this.changing(async () => {
        const { session, name } = await this.rewrite(service, {
          rollback: true,
          check: (cur) => {
            if (!cur.PreviousSpec) throw new ApiError('conflict', `${cur.Spec?.Name ?? service} has no previous spec to roll back to`, { hint: 'A service can roll back only after an update.' });
          },
        });
        return { message: `Rolling ${name} back to its previous spec: its tasks are replaced one by one`, commands: [dockerCommand(session.host, ['service', 'rollback', '--detach', name])] };
      }),

    // Any update of a service clears its paused state and the orchestrator carries on with the
    // tasks still on the old spec: the CLI does the same with a bare `docker service update`.
    'services:resume': ({ service }) =>
      this.changing(async () => {
        const { session, name } = await this.rewrite(service, {
          check: (cur) => {
            const state: string | undefined = cur.UpdateStatus?.State;
            if (state !== 'paused' && state !== 'rollback_paused') throw new ApiError('conflict', `${cur.Spec?.Name ?? service} has no paused update (its update is ${state ?? 'not started'})`, { hint: 'Resume applies to an update that paused after a task failed.' });
          },
        });
        return { message: `Resuming the update of ${name}`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', name])] };
      }),

    'services:forceUpdate': ({ service }) =>
      this.changing(async () => {
        const { session, name } = await this.rewrite(service, {
          change: (spec) => ({ ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate?.ForceUpdate ?? 0) + 1 } }),
        });
        return { message: `Replacing every task of ${name} (a forced update)`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', '--force', name])] };
      }),
  };
}
