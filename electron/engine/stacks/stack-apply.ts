// Carries out a stack plan on a manager, in the CLI's order: prune, networks, secrets, configs,
// services. Unlike the CLI, services whose spec did not change are not updated at all (their
// version stays), and services are sent a few at a time rather than one by one.
import pLimit from 'p-limit';
import { ApiError } from '../../shared/errors';
import type { HostSession } from '../hosts/host-session';
import { promised } from './untyped-docker';
import type { StackPlan } from './stack-plan';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PARALLEL = 4;

export async function applyStackPlan(session: HostSession, plan: StackPlan): Promise<void> {
  const limit = pLimit(PARALLEL);
  await Promise.all(plan.prune.map((s) => limit(() => session.run((d) => promised(d.getService(s.ID)).remove()))));
  await Promise.all(plan.networks.map((n) => limit(() => session.run((d) => d.createNetwork({ Name: n.name, ...n.create } as never)))));

  const objectIds = new Map<string, string>();
  const writeObject = async (kind: 'secret' | 'config', o: StackPlan['secrets'][number]) => {
    if (o.currentId) {
      try {
        const handle = kind === 'secret' ? (d: Any) => d.getSecret(o.currentId) : (d: Any) => d.getConfig(o.currentId);
        await session.run((d) => promised(handle(d)).update({ _query: { version: o.currentVersion }, _body: o.spec }));
      } catch (err) {
        const e = err as ApiError;
        if (/only updates to Labels are allowed/i.test(e.message)) {
          throw new ApiError('conflict', `${kind} ${o.name} exists with other content, and a swarm ${kind} cannot change`, {
            field: 'compose',
            hint: `Rotate it on the Secrets & Configs page (new version, services moved to it, old one removed), or give the new content another name.`,
          });
        }
        throw err;
      }
      objectIds.set(o.name, o.currentId);
      return;
    }
    const created = (await session.run((d) => (kind === 'secret' ? d.createSecret(o.spec) : d.createConfig(o.spec)))) as unknown as { id?: string; ID?: string };
    objectIds.set(o.name, (created.id ?? created.ID)!);
  };
  await Promise.all(plan.secrets.map((o) => limit(() => writeObject('secret', o))));
  await Promise.all(plan.configs.map((o) => limit(() => writeObject('config', o))));

  await Promise.all(
    plan.services
      .filter((s) => s.action !== 'unchanged')
      .map((step) =>
        limit(async () => {
          const spec = structuredClone(step.spec) as Any;
          const c = spec.TaskTemplate.ContainerSpec;
          for (const r of (c.Secrets ?? []) as Any[]) r.SecretID = objectIds.get(r.SecretName) ?? r.SecretID;
          for (const r of (c.Configs ?? []) as Any[]) r.ConfigID = objectIds.get(r.ConfigName) ?? r.ConfigID;
          if (step.action === 'create') await session.run((d) => d.createService(spec as never));
          else await session.run((d) => promised(d.getService(step.current!.ID)).update({ _query: { version: step.current!.Version.Index }, _body: spec }));
        }),
      ),
  );
}
