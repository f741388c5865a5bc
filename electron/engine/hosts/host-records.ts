// From validated input to what the inventory stores, and the secrets that go elsewhere.
import { randomUUID } from 'node:crypto';
import type { ParsedInput } from '../../shared/contract';
import { secretEndpoint, type HostRecord, type SshHostRecord, type StoredAuth } from './host-record';

type AuthInput = ParsedInput<'hosts:add'>['auth'];
type JumpInput = NonNullable<ParsedInput<'hosts:update'>['proxyJump']>;

/** What to do with a stored secret: store this string, delete it (null), or keep it (undefined). */
export type SecretChange = string | null | undefined;

/** The stored part of an auth choice, and its secret (undefined: keep any stored one). */
export function splitAuth(auth: AuthInput): { stored: StoredAuth; secret?: string } {
  switch (auth.kind) {
    case 'key':
      return { stored: { kind: 'key', keyPath: auth.keyPath, ...(auth.moreKeyPaths?.length ? { moreKeyPaths: auth.moreKeyPaths } : {}), hasPassphrase: Boolean(auth.passphrase) }, secret: auth.passphrase };
    case 'agent':
      return { stored: { kind: 'agent', socketPath: auth.socketPath } };
    case 'password':
      return { stored: { kind: 'password' }, secret: auth.password };
  }
}

function storedJump(jump: JumpInput): { jump: NonNullable<SshHostRecord['proxyJump']>; secret?: string } {
  const split = jump.auth ? splitAuth(jump.auth) : undefined;
  return { jump: { address: jump.address, port: jump.port, user: jump.user, ...(split ? { auth: split.stored } : {}) }, secret: split?.secret };
}

export function newSshRecord(input: ParsedInput<'hosts:add'>): { record: SshHostRecord; secret?: string; jumpSecret?: string } {
  const { stored, secret } = splitAuth(input.auth);
  const jump = input.proxyJump ? storedJump(input.proxyJump) : undefined;
  const record: SshHostRecord = {
    id: randomUUID(),
    kind: 'ssh',
    name: input.name,
    address: input.address,
    port: input.port,
    user: input.user,
    auth: stored,
    dockerSocket: input.dockerSocket,
    proxyJump: jump?.jump,
  };
  return { record, secret, jumpSecret: jump?.secret };
}

/**
 * An auth edit: the stored auth and what happens to its secret. Leaving a password or passphrase
 * out keeps the saved one only for the same kind of login (and, for a key, the same key file).
 */
function editedAuth(before: StoredAuth | undefined, input: AuthInput): { auth: StoredAuth; secret: SecretChange } {
  const split = splitAuth(input);
  let auth = split.stored;
  let secret: SecretChange = split.secret;
  if (auth.kind === 'agent') secret = null;
  else if (secret === undefined && before?.kind !== auth.kind) secret = null;
  else if (auth.kind === 'key' && secret === undefined && before?.kind === 'key') {
    auth = { ...auth, hasPassphrase: before.hasPassphrase && before.keyPath === auth.keyPath };
    if (!auth.hasPassphrase) secret = null;
  }
  return { auth, secret };
}

/**
 * Applies an edit. A saved secret is bound to its endpoint: when the address, port, user or jump
 * host changes and no new secret comes with the edit, the old one is dropped and asked again.
 */
export function editedRecord(host: HostRecord, patch: ParsedInput<'hosts:update'>): { record: HostRecord; secret?: SecretChange; jumpSecret?: SecretChange } {
  if (host.kind === 'local') {
    return { record: { ...host, name: patch.name ?? host.name, socketPath: patch.socketPath ?? host.socketPath } };
  }
  let auth = host.auth;
  let secret: SecretChange;
  if (patch.auth) ({ auth, secret } = editedAuth(host.auth, patch.auth));

  let proxyJump = host.proxyJump;
  let jumpSecret: SecretChange;
  if (patch.proxyJump === null) {
    proxyJump = undefined;
    jumpSecret = null;
  } else if (patch.proxyJump) {
    const { jump } = storedJump(patch.proxyJump);
    if (patch.proxyJump.auth) {
      const edited = editedAuth(host.proxyJump?.auth, patch.proxyJump.auth);
      proxyJump = { ...jump, auth: edited.auth };
      jumpSecret = edited.secret;
    } else {
      proxyJump = jump;
      jumpSecret = null;
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
    proxyJump,
  };
  if (secret === undefined && secretEndpoint(host, 'host') !== secretEndpoint(record, 'host')) secret = null;
  if (jumpSecret === undefined && secretEndpoint(host, 'jump') !== secretEndpoint(record, 'jump')) jumpSecret = null;
  return { record, secret, jumpSecret };
}
