// What a Learn lesson measured on its own overlay, kept in localStorage across reloads and
// shown only while that very network exists: a network deleted and made again under the same
// name gets a new id, and what was measured on the old one no longer counts.
import { computed, ref, watch, type ComputedRef } from 'vue';
import type { NetworkView } from '../../../electron/shared/model';
import { networkNamed } from './stage';
import { useClusterStore } from '../stores/cluster';

export function useNetworkMemory<T extends object>(key: string, network: string) {
  const store = useClusterStore();
  type Saved = Partial<T> & { netId?: string };
  const saved = ref(JSON.parse(localStorage.getItem(key) ?? '{}') as Saved);
  watch(saved, (v) => localStorage.setItem(key, JSON.stringify(v)), { deep: true });
  const net: ComputedRef<NetworkView | undefined> = computed(() => networkNamed(store.model, network));
  const mine = computed(() => (net.value && saved.value.netId === net.value.id ? (saved.value as Partial<T>) : ({} as Partial<T>)));
  /** Adds to what is remembered for the network as it is now. */
  const remember = (patch: Partial<T>) => (saved.value = { ...mine.value, ...patch, netId: net.value!.id } as Saved);
  const forget = () => (saved.value = {} as Saved);
  return { net, mine, remember, forget };
}
