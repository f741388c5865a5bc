// Small helpers for timing and summarising benchmark runs.
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Runs calls one after another; counts failures instead of stopping. */
export async function sequential(count: number, call: (i: number) => Promise<unknown>): Promise<{ ms: number; failed: number }> {
  let failed = 0;
  const { ms } = await timed(async () => {
    for (let i = 0; i < count; i++) await call(i).catch(() => (failed += 1));
  });
  return { ms, failed };
}

/** Runs calls all at once; counts failures. */
export async function concurrent(count: number, call: (i: number) => Promise<unknown>): Promise<{ ms: number; failed: number }> {
  const { ms, value } = await timed(() => Promise.allSettled(Array.from({ length: count }, (_, i) => call(i))));
  return { ms, failed: value.filter((r) => r.status === 'rejected').length };
}

export function table(rows: Record<string, string | number>[]): string {
  const cols = Object.keys(rows[0] ?? {});
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => String(r[c]).length));
  const line = (r: Record<string, string | number>) => cols.map((c) => String(r[c]).padEnd(width(c))).join('  ');
  return [line(Object.fromEntries(cols.map((c) => [c, c]))), ...rows.map(line)].join('\n');
}

/**
 * The protocol every side of a comparison gets: one warm-up run (not counted), then `count`
 * runs; the caller takes medians of what comes back.
 */
export async function warmThenRuns<T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> {
  await run(-1);
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(await run(i));
  return out;
}

/** baseline ÷ ours, rounded: how many times faster we are. */
export const times = (baselineMs: number, oursMs: number, digits = 1) => round(baselineMs / oursMs, digits);
