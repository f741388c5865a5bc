// Host keys as OpenSSH shows them: the key type named inside the blob, and the SHA256
// fingerprint in the format of `ssh-keygen -lf` (base64 without padding).
import { createHash } from 'node:crypto';

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The first field of an SSH public key blob is its algorithm name, e.g. `ssh-ed25519`. */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** The public host key file a stock sshd keeps for a key type, for the "check it on the host" hint. */
export function hostKeyFile(type: string): string {
  if (type === 'ssh-ed25519') return '/etc/ssh/ssh_host_ed25519_key.pub';
  if (type.startsWith('ecdsa-sha2-')) return '/etc/ssh/ssh_host_ecdsa_key.pub';
  if (type === 'ssh-rsa') return '/etc/ssh/ssh_host_rsa_key.pub';
  if (type === 'ssh-dss') return '/etc/ssh/ssh_host_dsa_key.pub';
  return '/etc/ssh/ssh_host_*_key.pub';
}
