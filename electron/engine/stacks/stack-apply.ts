// Carries out a stack plan on a manager, in the CLI's order: prune, networks, secrets, configs,
// services. Unlike the CLI, services whose spec did not change are not updated at all (their
// version stays), and services are sent a few at a time rather than one by one.
import pLimit from 'p-limit';
import { ApiError } from '../../shared/errors';
import { engineWrites } from '../docker/engine-writes';
import type { HostSession } from '../hosts/host-session';
import type { StackPlan } from './stack-plan';

const PARALLEL = 4;

export async function applyStackPlan(session: HostSession, plan: StackPlan): Promise<void> {
  const limit = pLimit(PARALLEL);
  await Promise.all(plan.prune.map((s) => limit(() => session.run((d) => engineWrites.serviceRemove(d, s.ID as string)))));
  await Promise.all(plan.networks.map((n) => limit(() => session.run((d) => engineWrites.networkCreate(d, { Name: n.name, ...n.create })))));

  const objectIds = new Map<string | undefined, string | undefined>();
  const writeObject = async (kind: 'secret' | 'config', o: StackPlan['secrets'][number]) => {
    if (o.currentId) {
      const id = o.currentId;
      try {
        const version = o.currentVersion as number;
        await session.run((d) => (kind === 'secret' ? engineWrites.secretUpdate(d, id, version, o.spec) : engineWrites.configUpdate(d, id, version, o.spec)));
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
    const created = await session.run((d) => (kind === 'secret' ? engineWrites.secretCreate(d, o.spec) : engineWrites.configCreate(d, o.spec)));
    objectIds.set(o.name, created.ID);
  };
  await Promise.all(plan.secrets.map((o) => limit(() => writeObject('secret', o))));
  await Promise.all(plan.configs.map((o) => limit(() => writeObject('config', o))));

  await Promise.all(
    plan.services
      .filter((s) => s.action !== 'unchanged')
      .map((step) =>
        limit(async () => {
          const spec = structuredClone(step.spec);
          const c = spec.TaskTemplate.ContainerSpec;
          for (const r of c.Secrets ?? []) r.SecretID = objectIds.get(r.SecretName) ?? r.SecretID;
          for (const r of c.Configs ?? []) r.ConfigID = objectIds.get(r.ConfigName) ?? r.ConfigID;
          if (step.action === 'create') await session.run((d) => engineWrites.serviceCreate(d, spec));
          else await session.run((d) => engineWrites.serviceUpdate(d, step.current!.ID as string, step.current!.Version!.Index as number, spec));
        }),
      ),
  );
}
