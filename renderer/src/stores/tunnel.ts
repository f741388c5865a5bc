// A tunnel watch that outlives the page that started it: its samples per host (the last
// minute), and which overlays have packets flowing right now (a counter moved between a host's
// last two samples), so the map can animate that bridge while the lesson runs elsewhere.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { TunnelSample } from '../../../electron/shared/lessons';
import { api } from '../api/client';

const KEEP = 120;
const total = (s: TunnelSample) => s.devices.reduce((n, d) => n + d.rxPackets + d.txPackets, 0);

export const useTunnelStore = defineStore('tunnel', () => {
  const watchId = ref<string | null>(null);
  const networkId = ref<string | null>(null);
  const samples = ref<Record<string, TunnelSample[]>>({});

  api.on('lessons:tunnelSample', (s) => {
    if (s.watchId !== watchId.value) return;
    samples.value = { ...samples.value, [s.hostId]: [...(samples.value[s.hostId] ?? []), s].slice(-KEEP) };
  });

  /** Hosts whose last sample moved since the one before: packets are crossing the tunnel there. */
  const flowingHosts = computed(() =>
    Object.entries(samples.value)
      .filter(([, list]) => list.length >= 2 && total(list[list.length - 1]) !== total(list[list.length - 2]))
      .map(([hostId]) => hostId),
  );
  const flowing = computed(() => (watchId.value && networkId.value && flowingHosts.value.length ? new Set([networkId.value]) : new Set<string>()));

  /** Starts watching an overlay, given by id (the map knows bridges by id). */
  async function start(network: string, seconds = 300, ipsec = false) {
    await stop();
    const res = await api.call('lessons:tunnelWatch', { network, seconds, ipsec });
    samples.value = {};
    watchId.value = res.watchId;
    networkId.value = network;
    return res;
  }

  async function stop() {
    const id = watchId.value;
    watchId.value = null;
    networkId.value = null;
    if (id) await api.call('lessons:tunnelWatchStop', { watchId: id }).catch(() => {});
  }

  return { watchId, networkId, samples, flowingHosts, flowing, start, stop };
});
