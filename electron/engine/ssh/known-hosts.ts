// The app's own known-hosts file, in OpenSSH's format (`[host]:port type base64`).
// This skeleton trusts a host's key on first use and refuses a changed one; reading
// ~/.ssh/known_hosts and asking the user first come with the hosts work.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-file';
import { keyType } from './host-key';

export type HostKeyVerdict = 'known' | 'unknown' | 'changed';

export function hostPattern(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export class KnownHosts {
  constructor(readonly file: string) {}

  private async lines(): Promise<string[]> {
    try {
      return (await readFile(this.file, 'utf8')).split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async check(address: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    const pattern = hostPattern(address, port);
    const type = keyType(blob);
    const mine = (await this.lines()).map((l) => l.split(/\s+/)).filter(([hosts]) => hosts.split(',').includes(pattern));
    const sameType = mine.filter(([, t]) => t === type);
    if (sameType.some(([, , key]) => key === blob.toString('base64'))) return 'known';
    return sameType.length > 0 ? 'changed' : 'unknown';
  }

  async add(address: string, port: number, blob: Buffer): Promise<void> {
    const lines = await this.lines();
    lines.push(`${hostPattern(address, port)} ${keyType(blob)} ${blob.toString('base64')}`);
    await writeFileAtomic(this.file, `${lines.join('\n')}\n`, 0o644);
  }
}
