// A host as the inventory stores it. No secrets live here: passwords and passphrases are in
// the SecretStore, keys stay in their files.
import { z } from 'zod';
import { DEFAULT_DOCKER_SOCKET, hostAddress, hostId, hostName, keyPath, port, socketPath, sshUser } from '../../shared/schemas';

const storedAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), keyPath, moreKeyPaths: z.array(keyPath).optional(), hasPassphrase: z.boolean().default(false) }),
  z.object({ kind: z.literal('agent'), socketPath: z.string().optional() }),
  z.object({ kind: z.literal('password') }),
]);

/** The jump hop as stored: its own user and login (none: the host's key or agent, never its password). */
const storedJump = z.object({ address: hostAddress, port: port.default(22), user: sshUser.optional(), auth: storedAuth.optional() });

export const sshHostRecord = z.object({
  id: hostId,
  kind: z.literal('ssh'),
  name: hostName,
  address: hostAddress,
  port,
  user: sshUser,
  auth: storedAuth,
  dockerSocket: socketPath.default(DEFAULT_DOCKER_SOCKET),
  proxyJump: storedJump.optional(),
});

export const localHostRecord = z.object({ id: hostId, kind: z.literal('local'), name: hostName, socketPath });

export const hostRecord = z.discriminatedUnion('kind', [sshHostRecord, localHostRecord]);
export type SshHostRecord = z.output<typeof sshHostRecord>;
export type LocalHostRecord = z.output<typeof localHostRecord>;
export type HostRecord = z.output<typeof hostRecord>;
export type StoredAuth = SshHostRecord['auth'];

// Version 1 (the first skeleton) stored SSH hosts without `kind`; they are read as version 2.
const v1 = z.object({ version: z.literal(1), hosts: z.array(z.record(z.string(), z.unknown())) }).transform((f) => ({
  version: 2 as const,
  hosts: f.hosts.map((h) => hostRecord.parse({ kind: 'ssh', ...h })),
}));
const v2 = z.object({ version: z.literal(2), hosts: z.array(hostRecord) });
export const inventoryFile = z.union([v2, v1]);
export type InventoryFile = z.output<typeof v2>;

export type Hop = 'host' | 'jump';

/** The SSH endpoint of a host's ProxyJump hop, with the user falling back to the host's. */
export function jumpEndpoint(host: SshHostRecord): { address: string; port: number; user: string } | undefined {
  if (!host.proxyJump) return undefined;
  return { address: host.proxyJump.address, port: host.proxyJump.port, user: host.proxyJump.user ?? host.user };
}

/**
 * How the jump hop logs in: its own auth, else the host's key or agent. Never the host's password
 * (undefined then: the jump host needs its own login).
 */
export function jumpAuth(host: SshHostRecord): StoredAuth | undefined {
  if (!host.proxyJump) return undefined;
  if (host.proxyJump.auth) return host.proxyJump.auth;
  return host.auth.kind === 'password' ? undefined : host.auth;
}

/**
 * Where a hop's secret was given for: a saved password or passphrase is used only while the
 * endpoint is this one (editing the address, port, user or jump host drops it).
 */
export function secretEndpoint(host: SshHostRecord, hop: Hop): string {
  const jump = jumpEndpoint(host);
  const at = (e: { user: string; address: string; port: number }) => `${e.user}@${e.address}:${e.port}`;
  if (hop === 'jump') return jump ? at(jump) : '';
  return `${at(host)}${jump ? ` via ${at(jump)}` : ''}`;
}
