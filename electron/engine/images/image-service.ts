// Images present on the connected hosts, so a service can be created from one every node
// already has (this lab, and many real sites, have no registry to pull from).
import type { Handlers } from '../../shared/contract';
import type { ImageView } from '../../shared/model';
import type { HostService } from '../hosts/host-handlers';

type ImageMethods = Pick<Handlers, 'images:list'>;

export class ImageService {
  constructor(private readonly hosts: HostService) {}

  readonly handlers: ImageMethods = {
    'images:list': async () => {
      const sessions = this.hosts.connectedSessions();
      const byTag = new Map<string, ImageView>();
      const perHost = await Promise.all(
        sessions.map(async (s) => ({ session: s, images: await s.run((d) => d.listImages()).catch(() => []) })),
      );
      for (const { session, images } of perHost) {
        for (const image of images) {
          for (const tag of image.RepoTags ?? []) {
            if (tag === '<none>:<none>') continue;
            const view = byTag.get(tag) ?? { tag, sizeBytes: image.Size, hosts: [] };
            view.hosts.push({ id: session.host.id, name: session.host.name });
            byTag.set(tag, view);
          }
        }
      }
      // Images every host has first: a service from one of them can run anywhere.
      return [...byTag.values()].sort((a, b) => b.hosts.length - a.hosts.length || a.tag.localeCompare(b.tag));
    },
  };
}
