// The host inventory: the hosts the user added, persisted atomically. Secrets are not here.
import path from 'node:path';
import { ApiError } from '../../shared/errors';
import { JsonStore } from '../store/json-store';
import { inventoryFile, type HostRecord, type InventoryFile } from './host-record';

export class HostInventory {
  private readonly store: JsonStore<InventoryFile>;
  private hosts: HostRecord[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(configDir: string) {
    this.store = new JsonStore(path.join(configDir, 'hosts.json'), inventoryFile, () => ({ version: 2, hosts: [] }));
  }

  get file(): string {
    return this.store.file;
  }

  /** Loads the file; returns the problem if it was unreadable and had to be kept aside. */
  async load(): Promise<ApiError | undefined> {
    const { value, problem } = await this.store.load();
    this.hosts = value.hosts;
    return problem;
  }

  list(): HostRecord[] {
    return [...this.hosts];
  }

  get(id: string): HostRecord {
    const host = this.hosts.find((h) => h.id === id);
    if (!host) throw new ApiError('not-found', `no host with id ${id}`, { hint: 'It may have been removed; refresh the host list.' });
    return host;
  }

  add(record: HostRecord): Promise<void> {
    return this.update((hosts) => {
      this.assertNameFree(hosts, record);
      return [...hosts, record];
    });
  }

  replace(record: HostRecord): Promise<void> {
    return this.update((hosts) => {
      if (!hosts.some((h) => h.id === record.id)) this.get(record.id);
      this.assertNameFree(hosts, record);
      return hosts.map((h) => (h.id === record.id ? record : h));
    });
  }

  remove(id: string): Promise<void> {
    return this.update((hosts) => {
      if (!hosts.some((h) => h.id === id)) this.get(id);
      return hosts.filter((h) => h.id !== id);
    });
  }

  private assertNameFree(hosts: HostRecord[], record: HostRecord): void {
    if (hosts.some((h) => h.id !== record.id && h.name.toLowerCase() === record.name.toLowerCase())) {
      throw new ApiError('conflict', `a host named "${record.name}" already exists`, { field: 'name', hint: 'Pick another name or edit the existing host.' });
    }
  }

  /** Changes are queued so two quick edits never interleave; memory follows disk, so a failed write changes nothing. */
  private update(change: (hosts: HostRecord[]) => HostRecord[]): Promise<void> {
    const write = this.writing.then(async () => {
      const next = change(this.hosts);
      await this.store.save({ version: 2, hosts: next });
      this.hosts = next;
    });
    this.writing = write.catch(() => {});
    return write;
  }
}
