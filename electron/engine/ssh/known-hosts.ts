// Host keys checked as OpenSSH does: the user's known_hosts files (plain, wildcard and hashed
// `|1|salt|hash` entries, `@revoked` keys) read-only, plus the app's own file, where keys the
// user trusted in Archipelago are written. Nothing is ever trusted without the user's word.
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-file';
import { keyType } from './host-key';

export type HostKeyVerdict =
  | { verdict: 'known'; file: string }
  | { verdict: 'unknown' }
  | { verdict: 'changed'; file: string; line: number }
  | { verdict: 'revoked'; file: string; line: number };

interface Entry {
  file: string;
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  hosts: string;
  type: string;
  key: string;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` elsewhere. */
export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Does a known_hosts host field (comma list, `!negations`, wildcards or one hashed name) match? */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string, file: string): Entry[] {
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? (fields.shift() as Entry['marker']) : '';
    const [hosts, type, key] = fields;
    if (hosts && type && key) entries.push({ file, line: i + 1, marker, hosts, type, key });
  });
  return entries;
}

async function readEntries(file: string): Promise<Entry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export class KnownHosts {
  /**
   * @param appFile Archipelago's own known-hosts file, the only one it writes.
   * @param userFiles OpenSSH's files (usually ~/.ssh/known_hosts), read and never changed.
   */
  constructor(
    readonly appFile: string,
    readonly userFiles: string[],
  ) {}

  async check(address: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    const name = hostPattern(address, port);
    const type = keyType(blob);
    const key = blob.toString('base64');
    const entries = (await Promise.all([...this.userFiles, this.appFile].map(readEntries))).flat();
    const mine = entries.filter((e) => hostsFieldMatches(e.hosts, name));
    const revoked = mine.find((e) => e.marker === '@revoked' && e.key === key);
    if (revoked) return { verdict: 'revoked', file: revoked.file, line: revoked.line };
    const plain = mine.filter((e) => e.marker === '');
    const same = plain.find((e) => e.type === type && e.key === key);
    if (same) return { verdict: 'known', file: same.file };
    // OpenSSH only cries "changed" for a different key of the same type; another type is new.
    const other = plain.find((e) => e.type === type);
    return other ? { verdict: 'changed', file: other.file, line: other.line } : { verdict: 'unknown' };
  }

  async trust(address: string, port: number, blob: Buffer): Promise<void> {
    const lines = (await readFile(this.appFile, 'utf8').catch(() => '')).split('\n').filter((l) => l.trim());
    lines.push(`${hostPattern(address, port)} ${keyType(blob)} ${blob.toString('base64')}`);
    await writeFileAtomic(this.appFile, `${lines.join('\n')}\n`, 0o644);
  }

  /** Removes the app's entries for a host (OpenSSH's files are the user's to edit). Returns how many. */
  async forget(address: string, port: number): Promise<number> {
    const name = hostPattern(address, port);
    const text = await readFile(this.appFile, 'utf8').catch(() => '');
    const lines = text.split('\n').filter((l) => l.trim());
    const kept = lines.filter((l) => !hostsFieldMatches(l.split(/\s+/)[0], name));
    if (kept.length !== lines.length) await writeFileAtomic(this.appFile, kept.length ? `${kept.join('\n')}\n` : '', 0o644);
    return lines.length - kept.length;
  }
}
