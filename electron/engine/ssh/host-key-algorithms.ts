// Which host key algorithms to offer, in which order. OpenSSH puts the algorithms of key types
// it already knows for a host first, so a host with a recorded ed25519 key is asked for that key
// and not for, say, an ECDSA one it has never seen (and would have to be trusted anew).
import type { ServerHostKeyAlgorithm } from 'ssh2';

/** ssh2's own default order (lib/protocol/constants.js), which every list here starts from. */
const DEFAULT_ORDER: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** The signature algorithms a key type can be used with (an RSA key signs with SHA-2 first). */
function algorithmsOf(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return DEFAULT_ORDER.filter((a) => a === keyType);
}

export function hostKeyAlgorithms(knownTypes: string[]): ServerHostKeyAlgorithm[] {
  const preferred = knownTypes.flatMap(algorithmsOf);
  return [...new Set([...preferred, ...DEFAULT_ORDER])];
}
