// Where passwords and passphrases live. Never in the inventory, never in a log, never in
// anything sent to the UI. In Electron they are encrypted by the OS keychain (safeStorage)
// and saved; elsewhere (browser mode, tests) they stay in this process's memory only.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-file';

export interface SecretStore {
  readonly kind: 'os-keychain' | 'memory';
  get(id: string): Promise<string | undefined>;
  set(id: string, secret: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory';
  private readonly secrets = new Map<string, string>();
  async get(id: string) {
    return this.secrets.get(id);
  }
  async set(id: string, secret: string) {
    this.secrets.set(id, secret);
  }
  async delete(id: string) {
    this.secrets.delete(id);
  }
}

/** What Electron's safeStorage offers, passed in so the engine never imports electron. */
export interface Cipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

const fileSchema = z.record(z.string(), z.string());

/** Secrets encrypted with the OS keychain's key, in a file of base64 ciphertexts. */
export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'os-keychain';
  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
  ) {}

  private async read(): Promise<Record<string, string>> {
    try {
      return fileSchema.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch {
      return {};
    }
  }

  async get(id: string) {
    const blob = (await this.read())[id];
    return blob === undefined ? undefined : this.cipher.decrypt(Buffer.from(blob, 'base64'));
  }

  async set(id: string, secret: string) {
    const all = await this.read();
    all[id] = this.cipher.encrypt(secret).toString('base64');
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }

  async delete(id: string) {
    const all = await this.read();
    if (!(id in all)) return;
    delete all[id];
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }
}
