// Host keys checked as OpenSSH does: the system-wide files (/etc/ssh/ssh_known_hosts) and the
// user's (~/.ssh/known_hosts) read-only, plus the app's own file, where keys the user trusted in
// Archipelago are written (0600, hashed names). Nothing is ever trusted without the user's word.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-file';
import { fingerprint, keyType } from './host-key';
import { hashedName, hostPattern, hostsFieldMatches, readKnownHosts, type KnownHostsEntry } from './known-hosts-file';

export { hostPattern, hostsFieldMatches, parseKnownHosts } from './known-hosts-file';

/** A key already recorded for the host, as the UI names it. */
export interface KnownKey {
  type: string;
  fingerprint: string;
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { verdict: 'known'; file: string }
  /** Nothing recorded; a `@cert-authority` line covering the host is named (ssh2 cannot check host certificates). */
  | { verdict: 'unknown'; certAuthority?: KnownKey }
  /** Another key of the same type is recorded: OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED". */
  | { verdict: 'changed'; file: string; line: number; known: KnownKey }
  /** Only keys of other types are recorded: OpenSSH warns, and so must we (a MITM offering another type). */
  | { verdict: 'other-type'; file: string; line: number; known: KnownKey[] }
  | { verdict: 'revoked'; file: string; line: number };

export const SYSTEM_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

const knownKey = (e: KnownHostsEntry): KnownKey => ({ type: e.type, fingerprint: fingerprint(Buffer.from(e.key, 'base64')), file: e.file, line: e.line });

export class KnownHosts {
  /**
   * @param appFile Archipelago's own known-hosts file, the only one it writes.
   * @param userFiles OpenSSH's files (usually ~/.ssh/known_hosts), read and never changed.
   * @param systemFiles The machine's files (GlobalKnownHostsFile), read and never changed.
   */
  constructor(
    readonly appFile: string,
    readonly userFiles: string[],
    readonly systemFiles: string[] = SYSTEM_KNOWN_HOSTS,
  ) {}

  private async entriesFor(address: string, port: number): Promise<KnownHostsEntry[]> {
    const name = hostPattern(address, port);
    const all = (await Promise.all([...this.systemFiles, ...this.userFiles, this.appFile].map(readKnownHosts))).flat();
    return all.filter((e) => hostsFieldMatches(e.hosts, name));
  }

  async check(address: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    const type = keyType(blob);
    const key = blob.toString('base64');
    const mine = await this.entriesFor(address, port);
    const revoked = mine.find((e) => e.marker === '@revoked' && e.key === key);
    if (revoked) return { verdict: 'revoked', file: revoked.file, line: revoked.line };
    const plain = mine.filter((e) => e.marker === '');
    const same = plain.find((e) => e.type === type && e.key === key);
    if (same) return { verdict: 'known', file: same.file };
    const sameType = plain.find((e) => e.type === type);
    if (sameType) return { verdict: 'changed', file: sameType.file, line: sameType.line, known: knownKey(sameType) };
    if (plain.length) return { verdict: 'other-type', file: plain[0].file, line: plain[0].line, known: plain.map(knownKey) };
    const ca = mine.find((e) => e.marker === '@cert-authority');
    return ca ? { verdict: 'unknown', certAuthority: knownKey(ca) } : { verdict: 'unknown' };
  }

  /** Key types recorded for the host, in file order: offered first when negotiating, as OpenSSH does. */
  async knownTypes(address: string, port: number): Promise<string[]> {
    const plain = (await this.entriesFor(address, port)).filter((e) => e.marker === '');
    return [...new Set(plain.map((e) => e.type))];
  }

  /**
   * Records a key the user trusted. `replace` first drops the app's other keys for the host
   * (the user confirmed the old one was retired).
   */
  async trust(address: string, port: number, blob: Buffer, opts: { replace?: boolean } = {}): Promise<void> {
    const name = hostPattern(address, port);
    let lines = await this.appLines();
    if (opts.replace) lines = lines.filter((l) => !hostsFieldMatches(l.split(/\s+/)[0], name));
    lines.push(`${hashedName(name)} ${keyType(blob)} ${blob.toString('base64')}`);
    await this.writeApp(lines);
  }

  /** Removes the app's entries for a host (OpenSSH's files are the user's to edit). Returns how many. */
  async forget(address: string, port: number): Promise<number> {
    const name = hostPattern(address, port);
    const lines = await this.appLines();
    const kept = lines.filter((l) => !hostsFieldMatches(l.split(/\s+/)[0], name));
    if (kept.length !== lines.length) await this.writeApp(kept);
    return lines.length - kept.length;
  }

  private async appLines(): Promise<string[]> {
    const text = await readFile(this.appFile, 'utf8').catch(() => '');
    return text.split('\n').filter((l) => l.trim());
  }

  /** Written 0600, and any plain name left by an older version is hashed on the way. */
  private async writeApp(lines: string[]): Promise<void> {
    const hashed = lines.map((l) => {
      const [hosts, ...rest] = l.split(/\s+/);
      return hosts.startsWith('|1|') || hosts.startsWith('@') || /[*?,!]/.test(hosts) ? l : [hashedName(hosts), ...rest].join(' ');
    });
    await writeFileAtomic(this.appFile, hashed.length ? `${hashed.join('\n')}\n` : '', 0o600);
  }
}
