// Steering a rolling update: roll back to the previous spec, resume a paused update, or force
// every task to be replaced (which also refreshes the overlay's records of the service).
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { HostService } from '../hosts/host-handlers';
import { dockerCommand } from '../swarm/cli-equivalent';
import { pickManager, promised } from '../swarm/managers';

type RolloutMethods = Pick<Handlers, 'services:rollback' | 'services:resume' | 'services:forceUpdate'>;
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ServiceRollout {
  constructor(
    private readonly hosts: HostService,
    private readonly changing: <T>(operation: () => Promise<T>) => Promise<T>,
  ) {}

  /** Writes the service's spec back at the version read, with a query (rollback) or a change (force). */
  private async rewrite(service: string, query: Any, check: (current: Any) => void, change: (spec: Any) => void = () => {}) {
    const { session } = await pickManager(this.hosts);
    const current: Any = await session.run((d) => promised(d.getService(service)).inspect());
    check(current);
    const spec = structuredClone(current.Spec) as Any;
    change(spec);
    await session.run((d) => promised(d.getService(current.ID)).update({ _query: { version: current.Version.Index, ...query }, _body: spec }));
    return { session, name: current.Spec.Name as string };
  }

  readonly handlers: RolloutMethods = {
    'services:rollback': ({ service }) =>
      this.changing(async () => {
        const { session, name } = await this.rewrite(service, { rollback: 'previous' }, (cur) => {
          if (!cur.PreviousSpec) throw new ApiError('conflict', `${cur.Spec.Name} has no previous spec to roll back to`, { hint: 'A service can roll back only after an update.' });
        });
        return { message: `Rolling ${name} back to its previous spec: its tasks are replaced one by one`, commands: [dockerCommand(session.host, ['service', 'rollback', '--detach', name])] };
      }),

    // Any update of a service clears its paused state and the orchestrator carries on with the
    // tasks still on the old spec: the CLI does the same with a bare `docker service update`.
    'services:resume': ({ service }) =>
      this.changing(async () => {
        const { session, name } = await this.rewrite(service, {}, (cur) => {
          const state = cur.UpdateStatus?.State;
          if (state !== 'paused' && state !== 'rollback_paused') throw new ApiError('conflict', `${cur.Spec.Name} has no paused update (its update is ${state ?? 'not started'})`, { hint: 'Resume applies to an update that paused after a task failed.' });
        });
        return { message: `Resuming the update of ${name}`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', name])] };
      }),

    'services:forceUpdate': ({ service }) =>
      this.changing(async () => {
        const { session, name } = await this.rewrite(
          service,
          {},
          () => {},
          (spec) => {
            spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
          },
        );
        return { message: `Replacing every task of ${name} (a forced update)`, commands: [dockerCommand(session.host, ['service', 'update', '--detach', '--force', name])] };
      }),
  };
}
