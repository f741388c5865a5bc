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
