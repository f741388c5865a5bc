// The image the tracks deploy: the seed's nginx when every host has it, else one every host has
// (the lab's lab/web), since a host may have no registry to pull from.
import { ref } from 'vue';
import type { ImageView } from '../../../electron/shared/model';
import { api } from '../api/client';
import { connectedHosts } from './swarm-steps';
import { useClusterStore } from '../stores/cluster';

export function useDefaultImage() {
  const store = useClusterStore();
  const image = ref('');
  async function load() {
    const images: ImageView[] = await api.call('images:list', {}).catch(() => []);
    const everywhere = images.filter((i) => i.hosts.length === connectedHosts(store.model).length);
    image.value = (everywhere.find((i) => /^nginx(:|$)/.test(i.tag)) ?? everywhere.find((i) => i.tag.startsWith('lab/web')) ?? everywhere[0])?.tag ?? 'nginx';
  }
  return { image, load };
}
