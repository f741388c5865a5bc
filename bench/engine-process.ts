// The engine in a process of its own, driven over stdin/stdout one JSON per line, so that what
// a benchmark reports as the engine's memory and CPU is the engine's alone (not the bench's
// CLI clients, tsx's transforms of the bench, or the UI-side model it follows). Started by
// engine-child.ts with the lab hosts as JSON in --hosts. Lines in: {id, call: {method, input}},
// {id, usage: true} (memory after GC), {id, cpu: true}. Lines out: {ready, ids}, {id, ok, result | error}, {event: {name, payload}}.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { LabHostEnv } from '../test/lab/lab';
import { benchEngine } from './bench-engine';
import { cpuMs, usage } from './process-usage';

const { values } = parseArgs({ options: { name: { type: 'string' }, hosts: { type: 'string' } } });
const hosts = JSON.parse(values.hosts!) as LabHostEnv[];
const out = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

const { engine, call, ids } = await benchEngine(values.name ?? 'child', hosts, (name, payload) => out({ event: { name, payload } }));
out({ ready: true, ids });
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const msg = JSON.parse(line) as { id: number; call?: { method: Parameters<typeof call>[0]; input: unknown }; usage?: boolean; cpu?: boolean };
    const work = msg.cpu ? Promise.resolve(cpuMs()) : msg.usage ? usage() : call(msg.call!.method, msg.call!.input);
    work.then(
      (result) => out({ id: msg.id, ok: true, result }),
      (err: Error) => out({ id: msg.id, ok: false, error: err.message }),
    );
  })
  .on('close', () => {
    engine.dispose();
    process.exit(0);
  });
