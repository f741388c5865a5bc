// A host key that stopped the connection: not yet trusted, changed, or revoked.
import { ApiError } from '../../shared/errors';
import type { HostKeyView } from '../../shared/model';
import { hostPattern, type HostKeyVerdict } from './known-hosts';

export class HostKeyError extends ApiError {
  constructor(
    readonly key: HostKeyView & { verdict: 'unknown' | 'changed'; knownIn?: string },
    readonly blob: Buffer,
  ) {
    const where = `${key.hop === 'jump' ? 'the jump host ' : ''}${key.address}:${key.port}`;
    if (key.verdict === 'unknown') {
      super('host-key-unknown', `${where} presented a host key Archipelago has not seen before (${key.keyType} ${key.fingerprint})`, {
        hint: 'Compare the fingerprint with the one the host’s administrator gives you (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then trust it once.',
      });
    } else {
      super('host-key-changed', `the host key of ${where} has CHANGED: it is now ${key.keyType} ${key.fingerprint}, not the one recorded in ${key.knownIn}`, {
        hint: `Someone may be intercepting the connection (man in the middle), or the host was reinstalled. Ask its administrator. Only if the new key is genuine: remove the old entry (ssh-keygen -R "${hostPattern(key.address, key.port)}" -f ${key.knownIn}), or use “Forget old key” if Archipelago recorded it, then connect again.`,
      });
    }
  }

  static from(verdict: Exclude<HostKeyVerdict, { verdict: 'known' }>, key: HostKeyView, blob: Buffer): HostKeyError {
    if (verdict.verdict === 'unknown') return new HostKeyError({ ...key, verdict: 'unknown' }, blob);
    // A revoked key is refused like a changed one: it must never be trusted from the app.
    return new HostKeyError({ ...key, verdict: 'changed', knownIn: `${verdict.file}:${verdict.line}${verdict.verdict === 'revoked' ? ' (@revoked)' : ''}` }, blob);
  }
}
