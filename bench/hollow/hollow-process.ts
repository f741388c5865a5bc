// Starts the hollow hosts in a child process and drives them: how many, how big, how busy.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Change } from './generator';
import type { WorldSize } from './world';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What the hollow process prints, one JSON per line. */
interface HollowLine {
  ready?: boolean;
  sockets?: string[];
  names?: string[];
  swarmId?: string;
  change?: Change;
  done?: number;
  requests?: Record<string, number>;
}

export interface Hollow {
  sockets: string[];
  names: string[];
  swarmId: string;
  pid: number;
  /** The Engine API requests the hollow hosts answered since the last call, by kind. */
  requests(): Promise<Record<string, number>>;
  /** Makes changes at a rate for a while; each is reported as it is made. */
  changes(perSecond: number, seconds: number, onChange: (c: Change) => void): Promise<number>;
  stop(): Promise<void>;
}

export async function startHollow(size: WorldSize): Promise<Hollow> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hollow-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/hollow/hollow-cli.ts', '--dir', dir, '--hosts', String(size.hosts), '--tasks', String(size.tasks), '--services', String(size.services), '--networks', String(size.networks)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  let onLine: (msg: HollowLine) => void = () => {};
  lines.on('line', (l) => onLine(JSON.parse(l) as HollowLine));
  const ready = await new Promise<{ sockets: string[]; names: string[]; swarmId: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the hollow hosts exited (${code})`)));
    onLine = (msg) => msg.ready && resolve({ sockets: msg.sockets ?? [], names: msg.names ?? [], swarmId: msg.swarmId ?? '' });
  });
  return {
    ...ready,
    pid: child.pid!,
    changes: (perSecond, seconds, onChange) =>
      new Promise((resolve) => {
        onLine = (msg) => {
          if (msg.change) onChange(msg.change);
          if (typeof msg.done === 'number') resolve(msg.done);
        };
        child.stdin!.write(`${JSON.stringify({ rate: perSecond, seconds })}\n`);
      }),
    requests: () =>
      new Promise((resolve) => {
        onLine = (msg) => msg.requests && resolve(msg.requests);
        child.stdin!.write(`${JSON.stringify({ requests: true })}\n`);
      }),
    stop: async () => {
      child.stdin!.write(`${JSON.stringify({ exit: true })}\n`);
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
