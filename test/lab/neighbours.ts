// The kernel's ARP (neighbour) table is one for the whole machine, shared by every network
// namespace, and its default hard limit is 1,024 entries. Real hosts each have their own; the
// lab's hosts share this one, so a check matrix over 100 tasks (each probing every other task)
// fills it and the kernel drops new neighbours ("neighbor table overflow!" in dmesg): pairs
// that work time out, even on one host. While the lab is up the limits are those of
// MAX_HOSTS machines; `down` puts the originals back. Labs running side by side share the
// setting: the originals are saved once, and only the last lab down restores them.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LAB_NAME, LABS_UP_DIR, MAX_HOSTS } from './config';

const SYSCTL = '/proc/sys/net/ipv4/neigh/default';
const KEYS = ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'] as const;
const DEFAULTS = { gc_thresh1: 128, gc_thresh2: 512, gc_thresh3: 1024 };
const SAVED = path.join(LABS_UP_DIR, 'neigh-sysctl.json');
const MARKER = path.join(LABS_UP_DIR, `${LAB_NAME}.up`);

type Limits = Record<(typeof KEYS)[number], number>;

async function current(): Promise<Limits> {
  const entries = await Promise.all(KEYS.map(async (k) => [k, Number((await readFile(path.join(SYSCTL, k), 'utf8')).trim())] as const));
  return Object.fromEntries(entries) as Limits;
}

async function apply(limits: Limits): Promise<void> {
  // thresh3 first when raising and last when lowering keeps thresh1 ≤ thresh2 ≤ thresh3 throughout.
  const raising = limits.gc_thresh3 >= (await current()).gc_thresh3;
  for (const k of raising ? [...KEYS].reverse() : KEYS) await writeFile(path.join(SYSCTL, k), String(limits[k]));
}

export async function raiseNeighbourLimits(): Promise<void> {
  await mkdir(LABS_UP_DIR, { recursive: true });
  await writeFile(MARKER, '');
  const now = await current();
  const wanted = Object.fromEntries(KEYS.map((k) => [k, Math.max(now[k], DEFAULTS[k] * MAX_HOSTS)])) as Limits;
  if (KEYS.every((k) => wanted[k] === now[k])) return;
  if (!existsSync(SAVED)) await writeFile(SAVED, JSON.stringify(now));
  await apply(wanted);
}

export async function restoreNeighbourLimits(): Promise<void> {
  await rm(MARKER, { force: true });
  const othersUp = existsSync(LABS_UP_DIR) && (await readdir(LABS_UP_DIR)).some((f) => f.endsWith('.up'));
  if (othersUp || !existsSync(SAVED)) return;
  await apply(JSON.parse(await readFile(SAVED, 'utf8')) as Limits);
  await rm(SAVED, { force: true });
}
