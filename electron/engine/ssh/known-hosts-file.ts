// The known_hosts format as OpenSSH reads and writes it: one entry per line, an optional
// marker (`@revoked`, `@cert-authority`), a host field (a comma list of patterns with `!`
// negations and wildcards, or one `|1|salt|hash` hashed name), the key type and the key.
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface KnownHostsEntry {
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

function hmacName(salt: Buffer, name: string): string {
  return createHmac('sha1', salt).update(name).digest('base64');
}

/** `|1|salt|hash` for a name, as `ssh-keygen -H` writes it, so the file does not list the hosts. */
export function hashedName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${hmacName(salt, name)}`;
}

/** Does a known_hosts host field (comma list, `!negations`, wildcards or one hashed name) match? */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return hmacName(Buffer.from(salt, 'base64'), name) === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string, file: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift()! : '';
    if (marker !== '' && marker !== '@revoked' && marker !== '@cert-authority') return;
    const [hosts, type, key] = fields;
    if (hosts && type && key) entries.push({ file, line: i + 1, marker, hosts, type, key });
  });
  return entries;
}

/** A missing file is an empty one; any other read error is the caller's to report. */
export async function readKnownHosts(file: string): Promise<KnownHostsEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
