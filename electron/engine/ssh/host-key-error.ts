// A host key that stopped the connection: not yet trusted, changed, of another type than the
// one recorded, or revoked. Each says what it may mean and what to do, as OpenSSH's warnings do.
import { ApiError } from '../../shared/errors';
import type { HostKeyView, PendingHostKey } from '../../shared/model';
import { hostKeyFile } from './host-key';
import { hostPattern, type HostKeyVerdict, type KnownKey } from './known-hosts';

type Problem = Exclude<HostKeyVerdict, { verdict: 'known' }>;

const named = (k: KnownKey) => ({ type: k.type, fingerprint: k.fingerprint, where: `${k.file}:${k.line}` });

function describe(key: PendingHostKey): { code: ApiError['code']; message: string; hint: string } {
  const where = `${key.hop === 'jump' ? 'the jump host ' : ''}${key.address}:${key.port}`;
  const forget = `remove the old entry (ssh-keygen -R "${hostPattern(key.address, key.port)}" -f ${key.knownIn?.replace(/:\d+.*$/, '')}), or use “Forget old key” if Archipelago recorded it, then connect again`;
  switch (key.verdict) {
    case 'unknown': {
      const ca = key.knownKeys?.[0];
      const caNote = ca ? ` A @cert-authority line (${ca.where}) covers this host, but Archipelago cannot check host certificates: compare the key itself.` : '';
      return {
        code: 'host-key-unknown',
        message: `${where} presented a host key Archipelago has not seen before (${key.keyType} ${key.fingerprint})`,
        hint: `Compare the fingerprint with the one the host’s administrator gives you (on the host: ssh-keygen -lf ${hostKeyFile(key.keyType)}), then trust it once.${caNote}`,
      };
    }
    case 'changed':
      return {
        code: 'host-key-changed',
        message: `the host key of ${where} has CHANGED: it is now ${key.keyType} ${key.fingerprint}, not the one recorded in ${key.knownIn}`,
        hint: `Someone may be intercepting the connection (man in the middle), or the host was reinstalled. Ask its administrator. Only if the new key is genuine: ${forget}.`,
      };
    case 'other-type': {
      const known = (key.knownKeys ?? []).map((k) => `${k.type} ${k.fingerprint} (${k.where})`).join(', ');
      return {
        code: 'host-key-other-type',
        message: `${where} presented a ${key.keyType} host key (${key.fingerprint}), but keys of another type are already known for it: ${known}`,
        hint: `Someone may be intercepting the connection and offering a key type the known key cannot vouch for. Ask the host’s administrator. Trust the new key only if they confirm its fingerprint (on the host: ssh-keygen -lf ${hostKeyFile(key.keyType)}) and that the old key was retired.`,
      };
    }
    case 'revoked':
      return {
        code: 'host-key-revoked',
        message: `the host key of ${where} (${key.keyType} ${key.fingerprint}) is REVOKED (@revoked in ${key.knownIn})`,
        hint: 'A revoked key is never accepted: it was retired, possibly because it leaked. Ask the host’s administrator for the host’s current key.',
      };
  }
}

export class HostKeyError extends ApiError {
  constructor(
    readonly key: PendingHostKey,
    readonly blob: Buffer,
  ) {
    const { code, message, hint } = describe(key);
    super(code, message, { hint });
  }

  static from(verdict: Problem, key: HostKeyView, blob: Buffer): HostKeyError {
    switch (verdict.verdict) {
      case 'unknown':
        return new HostKeyError({ ...key, verdict: 'unknown', knownKeys: verdict.certAuthority ? [named(verdict.certAuthority)] : undefined }, blob);
      case 'changed':
        return new HostKeyError({ ...key, verdict: 'changed', knownIn: `${verdict.file}:${verdict.line}`, knownKeys: [named(verdict.known)] }, blob);
      case 'other-type':
        return new HostKeyError({ ...key, verdict: 'other-type', knownIn: `${verdict.file}:${verdict.line}`, knownKeys: verdict.known.map(named) }, blob);
      case 'revoked':
        return new HostKeyError({ ...key, verdict: 'revoked', knownIn: `${verdict.file}:${verdict.line}` }, blob);
    }
  }
}
