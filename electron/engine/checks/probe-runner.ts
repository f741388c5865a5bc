// Runs the probe in a task's network namespace on the task's own node, through that node's
// SSH connection: by exec inside the task when its image has the tools, otherwise in a
// short-lived helper container that shares the task's network (`--network container:<id>`).
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ApiError } from '../../shared/errors';
import type { HostSession } from '../hosts/host-session';
import { LogFrameParser } from '../services/log-frames';
import { probeArgv, type ProbeGroup } from './probe-script';

export interface ProbeRun {
  via: 'exec' | 'helper';
  helperImage?: string;
  output: string;
  /** The argv that was run (for the CLI equivalent). */
  argv: string[];
}

/** Images that carry sh, nslookup, nc and ping, in order of preference, when none is given. */
const HELPER_CANDIDATES = [/^nicolaka\/netshoot(:|$)/, /^busybox(:|$)/, /^alpine(:|$)/, /^lab\/web(:|$)/];
const NO_SHELL = /executable file not found|no such file or directory/i;

async function collect(stream: Readable): Promise<string> {
  const parser = new LogFrameParser();
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => lines.push(...parser.push(chunk).map((l) => l.text)));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  return lines.join('\n');
}

async function execIn(session: HostSession, containerId: string, argv: string[]): Promise<{ code: number | null; output: string }> {
  return session.run(async (d: Docker) => {
    const exec = await d.getContainer(containerId).exec({ Cmd: ['sh', ...argv], AttachStdout: true, AttachStderr: true });
    const stream: Readable = await exec.start({ hijack: false, stdin: false });
    const output = await collect(stream);
    const info = await exec.inspect();
    return { code: info.ExitCode ?? null, output };
  });
}

export async function pickHelperImage(session: HostSession, wanted?: string): Promise<string> {
  const images = (await session.run((d) => d.listImages())).flatMap((i) => i.RepoTags ?? []);
  if (wanted) {
    const has = images.some((t) => t === wanted || t === `${wanted}:latest`);
    if (!has) throw new ApiError('not-found', `the helper image ${wanted} is not on ${session.name}`, { field: 'helperImage', hint: `Load it there (docker load / docker pull), or pick an image ${session.name} has.` });
    return wanted;
  }
  for (const pattern of HELPER_CANDIDATES) {
    const found = images.find((t) => pattern.test(t));
    if (found) return found;
  }
  throw new ApiError('not-found', `no helper image with a shell and network tools on ${session.name}`, { field: 'helperImage', hint: 'Name one that has sh, nslookup, nc and ping (busybox or nicolaka/netshoot), present on every node.' });
}

async function inHelper(session: HostSession, containerId: string, image: string, argv: string[]): Promise<string> {
  return session.run(async (d: Docker) => {
    const helper = await d.createContainer({
      Image: image,
      Entrypoint: ['sh'],
      Cmd: argv,
      Labels: { 'archipelago.role': 'probe-helper' },
      HostConfig: { NetworkMode: `container:${containerId}` },
    });
    try {
      await helper.start();
      await helper.wait();
      const logs: Buffer | string = await helper.logs({ stdout: true, stderr: true, follow: false });
      return new LogFrameParser()
        .push(Buffer.isBuffer(logs) ? logs : Buffer.from(String(logs)))
        .map((l) => l.text)
        .join('\n');
    } finally {
      await helper.remove({ force: true }).catch(() => {});
    }
  });
}

export async function runProbe(session: HostSession, containerId: string, groups: ProbeGroup[], helperImage?: string): Promise<ProbeRun> {
  return runInTask(session, containerId, probeArgv(groups), helperImage);
}

/**
 * Runs `sh <argv>` in a container's network namespace on its node: by exec inside it, or, when
 * its image lacks the tools (the script exits 3, or there is no shell), in a helper sharing its
 * network. Also used by the Learn page's lessons, with their own constant scripts.
 */
export async function runInTask(session: HostSession, containerId: string, argv: string[], helperImage?: string): Promise<ProbeRun> {
  const inside = await execIn(session, containerId, argv).catch((err: unknown) => ({ code: null, output: String((err as Error)?.message ?? err) }));
  const noTools = inside.code === 3 || inside.code === 126 || inside.code === 127 || (inside.code !== 0 && NO_SHELL.test(inside.output));
  if (!noTools && inside.code === 0) return { via: 'exec', output: inside.output, argv };
  if (!noTools) throw new ApiError('docker-error', `the probe failed inside the task: ${inside.output.split('\n')[0] || `exit ${inside.code}`}`);
  const image = await pickHelperImage(session, helperImage);
  return { via: 'helper', helperImage: image, output: await inHelper(session, containerId, image, argv), argv };
}
