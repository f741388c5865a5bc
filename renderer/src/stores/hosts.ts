// The hosts as the UI knows them, kept current by the engine's events.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../electron/shared/contract';
import type { HostView } from '../../../electron/shared/model';
import { api } from '../api/client';

export const useHostsStore = defineStore('hosts', () => {
  const hosts = ref<HostView[]>([]);
  const loaded = ref(false);
  const probing = ref(new Set<string>());

  api.on('hosts:changed', (p) => (hosts.value = p.hosts));
  api.on('hosts:status', (p) => {
    const host = hosts.value.find((h) => h.id === p.id);
    if (host) {
      host.status = p.status;
      host.statusDetail = p.detail;
    }
  });

  async function refresh(): Promise<void> {
    hosts.value = await api.call('hosts:list', {});
    loaded.value = true;
  }

  async function add(input: Input<'hosts:add'>): Promise<HostView> {
    const host = await api.call('hosts:add', input);
    if (!hosts.value.some((h) => h.id === host.id)) hosts.value.push(host);
    return host;
  }

  async function probe(id: string): Promise<void> {
    probing.value.add(id);
    try {
      const result = await api.call('hosts:probe', { id });
      const host = hosts.value.find((h) => h.id === id);
      if (host) host.probe = result;
    } finally {
      probing.value.delete(id);
    }
  }

  async function remove(id: string): Promise<void> {
    await api.call('hosts:remove', { id });
    hosts.value = hosts.value.filter((h) => h.id !== id);
  }

  return { hosts, loaded, probing, refresh, add, probe, remove };
});
