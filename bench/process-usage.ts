// What a benchmark's engine process costs, read from inside it: memory that stays live after
// garbage collection, and CPU time used. Shared by the engine processes of the load and scale
// benches (run with --expose-gc; without it the figures include garbage).

export interface EngineUsage {
  /** After two garbage collections: what stays live. */
  rssMb: number;
  heapMb: number;
  heapTotalMb: number;
  externalMb: number;
  peakRssMb: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** CPU time used by this process since it started (user + system), in ms. */
export function cpuMs(): number {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
}

/** Memory after a collection, a pause (finalizers, freed buffers) and another collection. */
export async function usage(): Promise<EngineUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), peakRssMb: process.resourceUsage().maxRSS / 1024 };
}
