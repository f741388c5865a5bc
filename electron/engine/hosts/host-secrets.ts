// A host's passwords and passphrases, each bound to the endpoint it was given for. A secret
// saved for root@10.0.0.5:22 is never offered to another address, port, user or jump host: if
// the record no longer matches, the secret is treated as missing and the user is asked again.
import type { SecretStore } from '../secrets/secret-store';
import { secretEndpoint, type Hop, type HostRecord, type SshHostRecord } from './host-record';

interface Bound {
  bound: 1;
  for: string;
  secret: string;
}

function parseBound(raw: string): Bound | undefined {
  if (!raw.startsWith('{"bound":1')) return undefined;
  try {
    const v = JSON.parse(raw) as Bound;
    return v.bound === 1 && typeof v.for === 'string' && typeof v.secret === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Which stored secret a hop logs in with: its own, or (a jump without its own login) the host's key passphrase. */
export function secretHop(host: SshHostRecord, hop: Hop): Hop {
  return hop === 'jump' && !host.proxyJump?.auth ? 'host' : hop;
}

/** Does the hop's login need a secret (a password, or a key's passphrase)? */
export function hopNeedsSecret(host: HostRecord, hop: Hop): boolean {
  if (host.kind !== 'ssh') return false;
  const auth = hop === 'host' ? host.auth : host.proxyJump?.auth;
  return !!auth && (auth.kind === 'password' || (auth.kind === 'key' && auth.hasPassphrase));
}

export class HostSecrets {
  constructor(readonly store: SecretStore) {}

  get kind(): SecretStore['kind'] {
    return this.store.kind;
  }

  static slot(id: string, hop: Hop): string {
    return hop === 'host' ? id : `${id}:jump`;
  }

  /** The secret for a hop, only if it was given for the hop's current endpoint. */
  async get(host: SshHostRecord, hop: Hop): Promise<string | undefined> {
    const from = secretHop(host, hop);
    const raw = await this.store.get(HostSecrets.slot(host.id, from));
    if (raw === undefined) return undefined;
    const bound = parseBound(raw);
    // Saved before secrets were bound: bind it to the endpoint it is used with now.
    if (!bound) {
      await this.set(host, from, raw);
      return raw;
    }
    return bound.for === secretEndpoint(host, from) ? bound.secret : undefined;
  }

  set(host: SshHostRecord, hop: Hop, secret: string): Promise<void> {
    const value: Bound = { bound: 1, for: secretEndpoint(host, hop), secret };
    return this.store.set(HostSecrets.slot(host.id, hop), JSON.stringify(value));
  }

  delete(id: string, hop: Hop): Promise<void> {
    return this.store.delete(HostSecrets.slot(id, hop));
  }
}
