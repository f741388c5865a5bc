// Passwords and passphrases in the desktop app: encrypted with the OS keychain through
// safeStorage. Where the OS offers no real keychain (Linux without a secret service, where
// safeStorage falls back to a fixed key), they stay in memory only, as in browser mode.
import path from 'node:path';
import { safeStorage } from 'electron';
import { EncryptedFileSecretStore, MemorySecretStore, type SecretStore } from '../engine/secrets/secret-store';

export function keychainSecretStore(configDir: string): SecretStore {
  const available = safeStorage.isEncryptionAvailable();
  const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!available || weak) return new MemorySecretStore();
  return new EncryptedFileSecretStore(path.join(configDir, 'secrets.json'), {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (blob) => safeStorage.decryptString(blob),
  });
}
