// The bench's side of engine-process.ts: the same call() a bench uses in-process, the engine's
// events, and its memory and CPU read inside its own process.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { LabHostEnv } from '../test/lab/lab';
import type { BenchCall } from './bench-engine';
import type { EngineUsage } from './process-usage';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface EngineChild {
  call: BenchCall;
  ids: string[];
  /** Memory after GC. */
  usage(): Promise<EngineUsage>;
  /** CPU ms the engine's process has used so far. */
  cpuMs(): Promise<number>;
  dispose(): void;
}

export async function spawnBenchEngine(name: string, hosts: LabHostEnv[], onEvent: (name: string, payload: unknown) => void): Promise<EngineChild> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/engine-process.ts', '--name', name, '--hosts', JSON.stringify(hosts)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let ready: (ids: string[]) => void = () => {};
  let failed: (e: Error) => void = () => {};
  const started = new Promise<string[]>((resolve, reject) => ((ready = resolve), (failed = reject)));
  child.on('exit', (code) => {
    const err = new Error(`the bench engine process ended (exit ${code})`);
    failed(err);
    for (const w of waiting.values()) w.reject(err);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line) as { ready?: boolean; ids?: string[]; event?: { name: string; payload: unknown }; id?: number; ok?: boolean; result?: unknown; error?: string };
    if (msg.ready) return ready(msg.ids!);
    if (msg.event) return onEvent(msg.event.name, msg.event.payload);
    const w = waiting.get(msg.id!);
    waiting.delete(msg.id!);
    if (msg.ok) w?.resolve(msg.result);
    else w?.reject(new Error(msg.error));
  });
  const send = <T>(msg: object) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.stdin.write(`${JSON.stringify({ id, ...msg })}\n`);
    });
  const ids = await started;
  return {
    ids,
    call: <T>(method: Parameters<BenchCall>[0], input: unknown) => send<T>({ call: { method, input } }),
    usage: () => send<EngineUsage>({ usage: true }),
    cpuMs: () => send<number>({ cpu: true }),
    dispose: () => child.stdin.end(),
  };
}
