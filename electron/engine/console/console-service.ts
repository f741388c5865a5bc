// A shell in any running task, on any node, through that node's own SSH connection: a docker
// exec with a TTY whose output streams as events and whose input and size come as calls. No
// agent on the nodes. Images without a shell get a clear message instead of a dead terminal.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { EventSink } from '../../shared/events';
import type { ClusterModel } from '../../shared/model';
import type { ClusterReader } from '../cluster/cluster-reader';
import type { HostService } from '../hosts/host-handlers';
import { dockerCommand } from '../swarm/cli-equivalent';

type ConsoleMethods = Pick<Handlers, 'console:open' | 'console:input' | 'console:resize' | 'console:close'>;

interface OpenConsole {
  stream: Duplex;
  exec: Docker.Exec;
}

/** Shells to try, best first; the first the image has wins. */
const SHELLS = [['/bin/bash'], ['/bin/sh'], ['sh']];
const NO_SHELL = /executable file not found|no such file or directory/i;

export class ConsoleService {
  private readonly consoles = new Map<string, OpenConsole>();

  constructor(
    private readonly hosts: HostService,
    private readonly cluster: ClusterReader,
    private readonly emit: EventSink,
  ) {}

  private async locate(taskId: string) {
    const find = (m: ClusterModel) => m.tasks.find((t) => t.id === taskId || t.id.startsWith(taskId));
    // The task as the manager has it now (the model may trail a moment behind).
    await this.cluster.confirmTask(taskId);
    const fresh = await this.cluster.model();
    const task = find(fresh);
    if (!task) throw new ApiError('not-found', `no task ${taskId}`, { field: 'taskId', hint: 'Pick a running task from a service’s Tasks list.' });
    if (task.state !== 'running' || !task.containerId) throw new ApiError('conflict', `task ${taskId.slice(0, 12)} is ${task.state}, not running`, { hint: 'Open a console in a running task.' });
    const node = fresh.nodes.find((n) => n.id === task.nodeId);
    const session = node?.hostId ? this.hosts.connectedSessions().find((s) => s.host.id === node.hostId) : undefined;
    if (!session) throw new ApiError('unreachable', `the task runs on ${node?.hostname ?? 'a node'} that is not a connected Archipelago host`, { hint: 'Add and connect that host on the Hosts page.' });
    return { task, session, node: node! };
  }

  readonly handlers: ConsoleMethods = {
    'console:open': async ({ taskId, cols, rows }) => {
      const { task, session, node } = await this.locate(taskId);
      const containerId = task.containerId!;
      let lastError = '';
      for (const shell of SHELLS) {
        // A shell that is missing fails at start; probe each with a tiny non-TTY exec first.
        const probe = await session.run(async (d) => {
          const e = await d.getContainer(containerId).exec({ Cmd: [...shell, '-c', 'exit 0'], AttachStdout: true, AttachStderr: true });
          const s: NodeJS.ReadableStream = await e.start({ hijack: false, stdin: false });
          const chunks: Buffer[] = [];
          await new Promise<void>((resolve) => {
            s.on('data', (c: Buffer) => chunks.push(c));
            s.on('end', () => resolve());
            s.on('close', () => resolve());
            s.on('error', () => resolve());
          });
          return { code: (await e.inspect()).ExitCode, text: Buffer.concat(chunks).toString('utf8') };
        });
        if (probe.code === 0) {
          const consoleId = randomUUID();
          const { exec, stream } = await session.run(async (d) => {
            const e = await d.getContainer(containerId).exec({ Cmd: shell, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Env: ['TERM=xterm-256color'] });
            const s: Duplex = await e.start({ hijack: true, stdin: true, Tty: true });
            return { exec: e, stream: s };
          });
          this.consoles.set(consoleId, { exec, stream });
          stream.on('data', (chunk: Buffer) => this.emit('console:output', { consoleId, data: chunk.toString('utf8') }));
          const ended = () => {
            if (!this.consoles.delete(consoleId)) return;
            this.emit('console:exit', { consoleId, message: 'The shell ended.' });
          };
          stream.on('end', ended);
          stream.on('close', ended);
          stream.on('error', ended);
          await exec.resize({ h: rows, w: cols }).catch(() => {});
          return { consoleId, shell: shell.join(' '), node: node.hostname, command: dockerCommand(session.host, ['exec', '-it', containerId.slice(0, 12), ...shell]) };
        }
        lastError = probe.text.trim() || `exit ${probe.code}`;
        if (!NO_SHELL.test(lastError) && probe.code !== 126 && probe.code !== 127) break;
      }
      throw new ApiError('conflict', `this task's image has no shell (${SHELLS.map((s) => s[0]).join(', ')} tried)`, {
        hint: 'Slim images often ship without one. Use the connectivity checks (they bring a helper container), or add a debugging sidecar.',
      });
    },

    'console:input': async ({ consoleId, data }) => {
      const c = this.consoles.get(consoleId);
      if (!c) throw new ApiError('not-found', 'this console is closed', { hint: 'Open a new one.' });
      c.stream.write(data);
      return { ok: true };
    },

    'console:resize': async ({ consoleId, cols, rows }) => {
      const c = this.consoles.get(consoleId);
      if (!c) throw new ApiError('not-found', 'this console is closed', { hint: 'Open a new one.' });
      await c.exec.resize({ h: rows, w: cols });
      return { ok: true };
    },

    'console:close': async ({ consoleId }) => {
      const c = this.consoles.get(consoleId);
      if (!c) return { closed: false };
      this.consoles.delete(consoleId);
      c.stream.end();
      c.stream.destroy();
      return { closed: true };
    },
  };

  closeAll(): void {
    for (const c of this.consoles.values()) c.stream.destroy();
    this.consoles.clear();
  }
}
