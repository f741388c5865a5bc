// What the overlay-vs-bridge lesson needs beyond services: a bridge network on one host,
// standalone containers on one host attached to a network (a bridge there, or an attachable
// overlay), and a network as one host sees it (its scope, driver, device, addresses). Everything
// made here carries the lesson's label, so the lesson's cleanup finds it on every host.
import type Docker from 'dockerode';
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { LESSON_LABEL, type LessonContainer, type LocalNetworkView } from '../../shared/lessons';
import { pickHelperImage } from '../checks/probe-runner';
import { engineApi } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand } from '../swarm/cli-equivalent';

type StandaloneMethods = Pick<Handlers, 'lessons:localNetworkCreate' | 'lessons:containerRun' | 'lessons:containerInspect' | 'lessons:networkInspect'>;

/** Sleeps until stopped, and stops at once on SIGTERM (a shell as PID 1 would ignore it). */
const IDLE = ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600; done & wait'];
const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');

export class StandaloneService {
  constructor(private readonly hosts: HostService) {}

  private session(hostId: string): HostSession {
    const session = this.hosts.connectedSessions().find((s) => s.host.id === hostId);
    if (!session) throw new ApiError('unreachable', 'that host is not connected', { field: 'hostId', hint: 'Connect it on the Hosts page, or pick another host.' });
    return session;
  }

  private async inspectContainer(session: HostSession, ref: string): Promise<LessonContainer | null> {
    const c = await session.run((d: Docker) => d.getContainer(ref).inspect()).catch(() => null);
    if (!c) return null;
    const networks = Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({ name, ip: String(n.IPAddress ?? '') }));
    return { id: c.Id, name: String(c.Name).replace(/^\//, ''), hostId: session.host.id, host: session.name, state: c.State?.Status ?? 'unknown', image: c.Config?.Image ?? '', networks };
  }

  readonly handlers: StandaloneMethods = {
    'lessons:localNetworkCreate': async ({ hostId, name, lesson }) => {
      const session = this.session(hostId);
      const existing = await session.run((d) => engineApi.network(d, name)).catch(() => null);
      if (existing && existing.Scope !== 'local') throw new ApiError('conflict', `${name} exists already as a ${existing.Scope} network`, { field: 'name', hint: 'Remove it, or start the lesson over.' });
      if (!existing) await session.run((d) => engineWrites.networkCreate(d, { Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [LESSON_LABEL]: lesson } }));
      return { message: existing ? `${name} exists on ${session.name} already` : `Created bridge network ${name} on ${session.name}`, commands: [dockerCommand(session.host, ['network', 'create', '--driver', 'bridge', '--label', `${LESSON_LABEL}=${lesson}`, name])] };
    },

    'lessons:containerRun': async ({ hostId, name, network, lesson, image }) => {
      const session = this.session(hostId);
      const picked = await pickHelperImage(session, image);
      let current = await this.inspectContainer(session, name);
      if (current && current.state !== 'running') {
        await session.run((d) => d.getContainer(name).remove({ force: true }));
        current = null;
      }
      if (!current) {
        await session.run(async (d) => {
          const c = await d.createContainer({ name, Image: picked, Entrypoint: [IDLE[0]], Cmd: IDLE.slice(1), Labels: { [LESSON_LABEL]: lesson }, HostConfig: { NetworkMode: network } });
          await c.start();
        });
        current = await this.inspectContainer(session, name);
      }
      if (!current) throw new ApiError('docker-error', `${name} did not start on ${session.name}`, { hint: 'Look at `docker ps -a` on that host.' });
      const command = dockerCommand(session.host, ['run', '--detach', '--name', name, '--label', `${LESSON_LABEL}=${lesson}`, '--network', network, '--entrypoint', 'sh', picked, '-c', IDLE[2]]);
      return { container: current, commands: [command] };
    },

    'lessons:containerInspect': async ({ hostId, container }) => {
      const session = this.session(hostId);
      return { container: await this.inspectContainer(session, container) };
    },

    'lessons:networkInspect': async ({ hostId, network }) => {
      const session = this.session(hostId);
      const n = await session.run((d) => engineApi.network(d, network)).catch(() => null);
      const commands = [dockerCommand(session.host, ['network', 'inspect', network])];
      if (!n) return { found: false, host: session.name, name: network, containers: [], commands } satisfies LocalNetworkView;
      const ipam = n.IPAM?.Config?.[0] ?? {};
      const options = n.Options ?? {};
      const vni = Number(String(options['com.docker.network.driver.overlay.vxlanid_list'] ?? '').split(',')[0]);
      const view: LocalNetworkView = {
        found: true,
        host: session.name,
        name: n.Name ?? network,
        id: n.Id,
        driver: n.Driver,
        scope: n.Scope,
        subnet: ipam.Subnet,
        gateway: ipam.Gateway,
        device: n.Driver === 'bridge' ? (options['com.docker.network.bridge.name'] ?? `br-${String(n.Id).slice(0, 12)}`) : undefined,
        masquerade: n.Driver === 'bridge' ? options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false' : undefined,
        vni: Number.isFinite(vni) && vni > 0 ? vni : undefined,
        containers: Object.values(n.Containers ?? {}).map((c) => ({ name: String(c.Name), ip: bare(String(c.IPv4Address ?? '')) })),
        commands,
      };
      return view;
    },
  };
}
