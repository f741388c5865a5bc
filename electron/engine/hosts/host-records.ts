// From validated input to what the inventory stores, and the secret that goes elsewhere.
import { randomUUID } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract';
import type { HostRecord, SshHostRecord, StoredAuth } from './host-record';

type AuthInput = ParsedInput<'hosts:add'>['auth'];

/** The stored part of an auth choice, and its secret (undefined: keep any stored one). */
export function splitAuth(auth: AuthInput): { stored: StoredAuth; secret?: string } {
  switch (auth.kind) {
    case 'key':
      return { stored: { kind: 'key', keyPath: auth.keyPath, hasPassphrase: Boolean(auth.passphrase) }, secret: auth.passphrase };
    case 'agent':
      return { stored: { kind: 'agent', socketPath: auth.socketPath } };
    case 'password':
      return { stored: { kind: 'password' }, secret: auth.password };
  }
}

export function newSshRecord(input: ParsedInput<'hosts:add'>): { record: SshHostRecord; secret?: string } {
  const { stored, secret } = splitAuth(input.auth);
  const record: SshHostRecord = {
    id: randomUUID(),
    kind: 'ssh',
    name: input.name,
    address: input.address,
    port: input.port,
    user: input.user,
    auth: stored,
    dockerSocket: input.dockerSocket,
    proxyJump: input.proxyJump,
  };
  return { record, secret };
}

/**
 * Applies an edit. `secret` is what to store (a string), to delete (null), or to keep (undefined).
 * A key edited without a passphrase keeps the old one only if it had one and the path is unchanged.
 */
export function editedRecord(host: HostRecord, patch: ParsedInput<'hosts:update'>): { record: HostRecord; secret?: string | null } {
  if (host.kind === 'local') {
    return { record: { ...host, name: patch.name ?? host.name, socketPath: patch.socketPath ?? host.socketPath } };
  }
  let auth = host.auth;
  let secret: string | null | undefined;
  if (patch.auth) {
    const split = splitAuth(patch.auth);
    auth = split.stored;
    secret = split.secret;
    const sameKind = host.auth.kind === split.stored.kind;
    if (split.stored.kind === 'agent') secret = null;
    else if (secret === undefined && !sameKind) secret = null;
    else if (split.stored.kind === 'key' && secret === undefined && host.auth.kind === 'key') {
      // Keeping the key file and leaving the passphrase blank keeps the saved passphrase.
      auth = { ...split.stored, hasPassphrase: host.auth.hasPassphrase && host.auth.keyPath === split.stored.keyPath };
      if (!auth.hasPassphrase) secret = null;
    }
  }
  const record: SshHostRecord = {
    ...host,
    name: patch.name ?? host.name,
    address: patch.address ?? host.address,
    port: patch.port ?? host.port,
    user: patch.user ?? host.user,
    auth,
    dockerSocket: patch.dockerSocket ?? host.dockerSocket,
    proxyJump: patch.proxyJump === null ? undefined : (patch.proxyJump ?? host.proxyJump),
  };
  return { record, secret };
}
