// The hosts as the UI knows them, kept current by the engine's events.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../electron/shared/contract';
import type { AppInfo, ConnectionTest, HostView } from '../../../electron/shared/model';
import { api } from '../api/client';

export const useHostsStore = defineStore('hosts', () => {
  const hosts = ref<HostView[]>([]);
  const loaded = ref(false);
  const busy = ref(new Set<string>());
  const tests = ref<Record<string, ConnectionTest>>({});
  const info = ref<AppInfo | null>(null);

  function upsert(host: HostView): void {
    const i = hosts.value.findIndex((h) => h.id === host.id);
    if (i >= 0) hosts.value[i] = host;
  }

  api.on('hosts:changed', (p) => (hosts.value = p.hosts));
  api.on('hosts:status', (p) => upsert(p.host));

  async function refresh(): Promise<void> {
    [hosts.value, info.value] = await Promise.all([api.call('hosts:list', {}), api.call('app:info', {})]);
    loaded.value = true;
  }

  /** Marks a host busy (spinner on its actions) while a call runs. */
  async function withBusy<T>(id: string, run: () => Promise<T>): Promise<T> {
    busy.value.add(id);
    try {
      return await run();
    } finally {
      busy.value.delete(id);
    }
  }

  /**
   * Adds a host from a call's answer unless an event brought it first. Events may overtake
   * the answer (the status moves on while the answer travels), so they win.
   */
  function remember(host: HostView): HostView {
    if (!hosts.value.some((h) => h.id === host.id)) hosts.value.push(host);
    return host;
  }

  return {
    hosts,
    loaded,
    busy,
    tests,
    info,
    refresh,
    add: async (input: Input<'hosts:add'>) => remember(await api.call('hosts:add', input)),
    addLocal: async (input: Input<'hosts:addLocal'>) => remember(await api.call('hosts:addLocal', input)),
    update: async (input: Input<'hosts:update'>) => remember(await api.call('hosts:update', input)),
    remove: async (id: string) => {
      await api.call('hosts:remove', { id });
      hosts.value = hosts.value.filter((h) => h.id !== id);
    },
    probe: (id: string) => withBusy(id, () => api.call('hosts:probe', { id })),
    test: (id: string) =>
      withBusy(id, async () => {
        const result = await api.call('hosts:test', { id });
        tests.value[id] = result;
        return result;
      }),
    trust: async (id: string, fingerprint: string, retiredFingerprint?: string) => remember(await api.call('hosts:trust', { id, fingerprint, ...(retiredFingerprint ? { retiredFingerprint } : {}) })),
    forgetHostKey: (id: string) => api.call('hosts:forgetHostKey', { id }),
    importCandidates: () => api.call('hosts:importCandidates', {}),
  };
});
