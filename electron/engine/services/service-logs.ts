// Service logs through a manager (which gathers them from every node): the last lines at once,
// and, when followed, new lines pushed as events on a stream that holds its own channel and is
// closed when stopped, when it ends, or when the engine stops.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Handlers } from '../../shared/contract';
import type { EventSink } from '../../shared/events';
import type { LogLine } from '../../shared/model';
import type { HostService } from '../hosts/host-handlers';
import { pickManager } from '../swarm/managers';
import { engineApi } from '../docker/engine-api';
import { engineWrites } from '../docker/engine-writes';
import { LogFrameParser, splitDetails, type RawLogLine } from './log-frames';

type LogMethods = Pick<Handlers, 'services:logs' | 'services:logsStop'>;

/** Docker writes `<timestamp> <k=v,k=v details> <text>` for each line. */
function toLogLine(raw: RawLogLine, nodes: Map<string, string>): LogLine {
  const space = raw.text.indexOf(' ');
  const time = space > 0 && /^\d{4}-\d\d-\d\dT/.test(raw.text) ? raw.text.slice(0, space) : undefined;
  const { attrs, text } = splitDetails(time ? raw.text.slice(space + 1) : raw.text);
  return { stream: raw.stream, time, text, task: attrs['com.docker.swarm.task.id'], node: nodes.get(attrs['com.docker.swarm.node.id'] ?? '') };
}

export class ServiceLogs {
  private readonly streams = new Map<string, Readable>();

  constructor(
    private readonly hosts: HostService,
    private readonly emit: EventSink,
  ) {}

  readonly handlers: LogMethods = {
    'services:logs': async ({ service, tail, follow }) => {
      const { session } = await pickManager(this.hosts);
      const nodes = new Map((await session.run((d) => engineApi.nodes(d))).map((n) => [n.ID ?? '', n.Description?.Hostname ?? n.ID ?? '']));
      const options = { stdout: true, stderr: true, timestamps: true, details: true, tail };
      const id = (await session.run((d) => engineApi.service(d, service))).ID ?? service;
      const parser = new LogFrameParser();
      if (!follow) {
        const body = await session.run((d) => engineWrites.serviceLogs(d, id, options));
        return { lines: parser.push(Buffer.isBuffer(body) ? body : Buffer.from(String(body))).map((l) => toLogLine(l, nodes)) };
      }
      const stream = await session.run((d) => engineWrites.serviceLogStream(d, id, options));
      const streamId = randomUUID();
      this.streams.set(streamId, stream);
      let pending: LogLine[] = [];
      let timer: NodeJS.Timeout | null = null;
      const flush = () => {
        timer = null;
        // Stopped by logsStop: nothing more may arrive after it answered (a batch was pending).
        if (!this.streams.has(streamId)) return;
        if (pending.length) this.emit('logs:lines', { streamId, lines: pending });
        pending = [];
      };
      stream.on('data', (chunk: Buffer) => {
        pending.push(...parser.push(chunk).map((l) => toLogLine(l, nodes)));
        timer ??= setTimeout(flush, 100);
      });
      const ended = () => {
        if (timer) clearTimeout(timer);
        flush();
        this.streams.delete(streamId);
      };
      stream.on('end', ended);
      stream.on('close', ended);
      stream.on('error', ended);
      return { lines: [], streamId };
    },

    'services:logsStop': async ({ streamId }) => {
      const stream = this.streams.get(streamId);
      stream?.destroy();
      this.streams.delete(streamId);
      return { stopped: Boolean(stream) };
    },
  };

  stopAll(): void {
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
  }
}
