// The lessons' helper container on one node, over that node's own SSH connection: host PID and
// network namespaces, and only the capabilities reading another namespace needs (SYS_ADMIN to
// enter it, SYS_PTRACE to reach dockerd's root, NET_ADMIN to read IPsec state) instead of
// --privileged, which some hosts refuse (a capability missing from their bounding set). Its image
// is one the node already has (no registry). It is labelled, so whatever is left behind (an app
// that died mid-read) is found and removed by the lesson's cleanup.
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import type { Readable } from 'node:stream';
import { HELPER_ROLE } from '../../shared/lessons';
import type { CliCommand } from '../../shared/model';
import type { HostSession } from '../hosts/host-session';
import { LogFrameParser } from '../services/log-frames';
import { dockerCommand } from '../swarm/cli-equivalent';

export const ROLE_LABEL = 'archipelago.role';
const CAPS = ['SYS_ADMIN', 'SYS_PTRACE', 'NET_ADMIN'];

/** autoRemove: dockerd removes the helper when it exits, even if the app is gone by then. */
function createOptions(image: string, argv: string[], autoRemove = false): ContainerCreateOptions {
  return {
    Image: image,
    Entrypoint: ['sh'],
    Cmd: argv,
    Labels: { [ROLE_LABEL]: HELPER_ROLE },
    HostConfig: { PidMode: 'host', NetworkMode: 'host', CapAdd: CAPS, SecurityOpt: ['apparmor=unconfined'], AutoRemove: autoRemove },
  };
}

/** What the helper equals with the docker CLI (the script shortened to the read it does). */
export function helperCommand(session: HostSession, image: string, networkId: string): CliCommand {
  const read = `D=$(pidof dockerd); nsenter --net=/proc/$D/root/run/docker/netns/1-${networkId.slice(0, 10)} cat /proc/net/dev`;
  return dockerCommand(session.host, ['run', '--rm', '--pid', 'host', '--network', 'host', ...CAPS.flatMap((c) => ['--cap-add', c]), '--security-opt', 'apparmor=unconfined', image, 'sh', '-c', read]);
}

/** A command typed on the node itself (as root, over plain ssh), for reads that have no docker CLI form. */
export function onNodeCommand(session: HostSession, command: string): CliCommand {
  const h = session.host;
  const text = h.kind === 'ssh' ? `ssh ${h.port === 22 ? '' : `-p ${h.port} `}${h.user}@${h.address} '${command.replace(/'/g, `'\\''`)}'` : `sudo sh -c '${command.replace(/'/g, `'\\''`)}'`;
  return { host: h.name, text };
}

function text(logs: Buffer | string): string {
  return new LogFrameParser()
    .push(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)))
    .map((l) => l.text)
    .join('\n');
}

/** Runs the helper to completion and returns what it printed; the container is removed in every case. */
export async function runHelper(session: HostSession, image: string, argv: string[]): Promise<string> {
  return session.run(async (d: Docker) => {
    const helper = await d.createContainer(createOptions(image, argv));
    try {
      await helper.start();
      await helper.wait();
      return text(await helper.logs({ stdout: true, stderr: true, follow: false }));
    } finally {
      await helper.remove({ force: true }).catch(() => {});
    }
  });
}

export interface StreamingHelper {
  /** Ends when the helper exits (its own time limit) or is stopped. */
  done: Promise<void>;
  /** Removes the helper (force) and waits for its stream to end. */
  stop(): Promise<void>;
}

/** Starts the helper and calls onLine for each line it prints, as it prints it. */
export async function streamHelper(session: HostSession, image: string, argv: string[], onLine: (line: string) => void): Promise<StreamingHelper> {
  // A watch ends on its own (the script's time limit): then dockerd removes it by itself.
  const helper = await session.run((d: Docker) => d.createContainer(createOptions(image, argv, true)));
  const remove = () => session.run(() => helper.remove({ force: true })).catch(() => {});
  try {
    await session.run(() => helper.start());
    const stream = (await session.run(() => helper.logs({ stdout: true, stderr: true, follow: true }))) as Readable;
    const parser = new LogFrameParser();
    const done = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => parser.push(chunk).forEach((l) => onLine(l.text)));
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    }).then(remove);
    return {
      done,
      stop: async () => {
        await remove();
        stream.destroy();
        await done;
      },
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** Removes every lesson helper on the node (running or not); returns their names. */
export async function removeHelpers(session: HostSession): Promise<string[]> {
  const found = await session.run((d: Docker) => d.listContainers({ all: true, filters: { label: [`${ROLE_LABEL}=${HELPER_ROLE}`] } }));
  await Promise.all(found.map((c) => session.run((d: Docker) => d.getContainer(c.Id).remove({ force: true })).catch(() => {})));
  return found.map((c) => (c.Names?.[0] ?? c.Id).replace(/^\//, ''));
}
