// Start over: removes what one track created, and nothing else. Its services first; services
// from outside the track are detached from its overlays; its containers and bridge networks on
// every connected host (found by label); then its overlays, once the tasks using them are gone
// (Docker refuses to remove a network still in use, so this waits for that, up to a limit).
// The tunnel helpers of every lesson are removed too.
import type Docker from 'dockerode';
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { LESSON_LABEL, TRACK_RESOURCES, type CleanupResult } from '../../shared/lessons';
import type { ClusterModel } from '../../shared/model';
import type { HostService } from '../hosts/host-handlers';
import { dockerCommand } from '../swarm/cli-equivalent';
import { pickManager } from '../swarm/managers';
import { engineApi } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';

type CleanupMethods = Pick<Handlers, 'lessons:cleanup'>;

const NETWORK_WAIT_MS = 45_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LessonCleanup {
  constructor(
    private readonly hosts: HostService,
    private readonly model: (fresh?: boolean) => Promise<ClusterModel>,
    private readonly changing: <T>(operation: () => Promise<T>) => Promise<T>,
    private readonly stopHelpers: () => Promise<string[]>,
  ) {}

  readonly handlers: CleanupMethods = {
    'lessons:cleanup': async ({ track }) => {
      const res = TRACK_RESOURCES[track];
      const out: CleanupResult = { removed: await this.stopHelpers(), left: [], commands: [] };
      const model = await this.model(true);
      const manager = model.swarm ? await pickManager(this.hosts).catch(() => null) : null;
      const cli = (args: string[]) => manager && out.commands.push(dockerCommand(manager.session.host, args));
      const ourNets = model.networks.filter((n) => res.networks.includes(n.name));

      await this.changing(async () => {
        for (const name of res.services) {
          const s = model.services.find((x) => x.name === name);
          if (!s || !manager) continue;
          await manager.session.run((d) => engineWrites.serviceRemove(d, s.id)).then(
            () => (out.removed.push(`service ${name}`), cli(['service', 'rm', name])),
            (e: unknown) => out.left.push(`service ${name}: ${(e as Error).message}`),
          );
        }
        // Services the user attached to a lesson's overlay (the isolation lesson's frontend) leave it.
        for (const s of model.services.filter((x) => !res.services.includes(x.name))) {
          const on = ourNets.filter((n) => s.networkIds.includes(n.id));
          if (!on.length || !manager) continue;
          const current = await manager.session.run((d) => engineApi.service(d, s.id));
          if (!current.Spec?.TaskTemplate) continue;
          const spec = structuredClone(current.Spec);
          spec.TaskTemplate!.Networks = (spec.TaskTemplate!.Networks ?? []).filter((n) => !on.some((o) => o.id === n.Target));
          await manager.session.run((d) => engineWrites.serviceUpdate(d, s.id, current.Version?.Index ?? 0, spec));
          for (const n of on) {
            out.removed.push(`${s.name} detached from ${n.name}`);
            cli(['service', 'update', '--detach', '--network-rm', n.name, s.name]);
          }
        }
      });

      // The removed services' task containers go away on each node a moment later: wait for it, so
      // nothing of them is left when Start over answers (and their networks can be removed).
      const gone = model.services.filter((x) => res.services.includes(x.name)).map((x) => x.id);
      // One label filter per query: Docker ANDs several.
      const taskContainers = async () => {
        let n = 0;
        for (const id of gone) for (const sess of this.hosts.connectedSessions()) n += (await sess.run((d: Docker) => d.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.id=${id}`] } })).catch(() => [])).length;
        return n;
      };
      for (const deadline = Date.now() + NETWORK_WAIT_MS; gone.length && (await taskContainers()) > 0; await pause(500)) {
        if (Date.now() > deadline) {
          out.left.push(`task containers of ${res.services.join(', ')} still stopping`);
          break;
        }
      }

      // Standalone containers and bridge networks, host by host, found by label.
      await Promise.all(
        this.hosts.connectedSessions().map(async (session) => {
          const filters = { label: [`${LESSON_LABEL}=${track}`] };
          const containers = await session.run((d: Docker) => d.listContainers({ all: true, filters })).catch(() => []);
          for (const c of containers) {
            const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '');
            await session.run((d: Docker) => d.getContainer(c.Id).remove({ force: true })).then(
              () => (out.removed.push(`${session.name}: container ${name}`), out.commands.push(dockerCommand(session.host, ['rm', '--force', name]))),
              (e: unknown) => out.left.push(`${session.name}: container ${name}: ${(e as Error).message}`),
            );
          }
          const nets = await session.run((d: Docker) => engineApi.networks(d, filters)).catch(() => []);
          for (const n of nets.filter((x) => x.Scope === 'local' && res.localNetworks.includes(x.Name ?? ''))) {
            await session.run((d) => engineWrites.networkRemove(d, n.Id ?? '')).then(
              () => (out.removed.push(`${session.name}: network ${n.Name}`), out.commands.push(dockerCommand(session.host, ['network', 'rm', n.Name ?? n.Id ?? '']))),
              (e: unknown) => out.left.push(`${session.name}: network ${n.Name}: ${(e as Error).message}`),
            );
          }
        }),
      );

      // Overlays last: in use until the tasks and containers on them are gone.
      for (const net of ourNets) {
        if (!manager) break;
        const deadline = Date.now() + NETWORK_WAIT_MS;
        let last = '';
        for (;;) {
          const ok = await this.changing(() => manager.session.run((d) => engineWrites.networkRemove(d, net.id))).then(
            () => true,
            (e: unknown) => ((last = (e as Error).message), /not found|no such network/i.test(last)),
          );
          if (ok) {
            out.removed.push(`network ${net.name}`);
            cli(['network', 'rm', net.name]);
            break;
          }
          if (Date.now() > deadline) {
            out.left.push(`network ${net.name}: ${last}`);
            break;
          }
          await pause(1000);
        }
      }
      if (out.left.length && !out.removed.length) throw new ApiError('conflict', `nothing could be removed: ${out.left.join('; ')}`, { hint: 'Reconnect the hosts named, then press Start over again.' });
      return out;
    },
  };
}
