// The swarm step's choices (manager host, advertise address from that host's own interfaces),
// held by the track so its command preview shows what will run.
import { reactive, watch } from 'vue';
import type { HostAddress } from '../../../electron/shared/model';
import { api } from '../api/client';
import { useClusterStore } from '../stores/cluster';
import { connectedHosts } from './swarm-steps';

export function useSwarmForm() {
  const store = useClusterStore();
  const form = reactive({ managerId: null as string | null, advertiseAddr: null as string | null, addresses: [] as HostAddress[] });
  watch(
    () => connectedHosts(store.model),
    (hosts) => (form.managerId ??= hosts[0]?.hostId ?? null),
    { immediate: true },
  );
  watch(
    () => form.managerId,
    async (id) => {
      form.addresses = id ? await api.call('hosts:addresses', { id }).catch(() => []) : [];
      form.advertiseAddr = form.addresses.find((a) => a.recommended)?.address ?? form.addresses[0]?.address ?? null;
    },
    { immediate: true },
  );
  return form;
}

export type SwarmForm = ReturnType<typeof useSwarmForm>;
