// A host as the inventory stores it. No secrets live here: keys stay in their files.
import { z } from 'zod';
import { hostAddInput, hostId } from '../../shared/schemas';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export const hostRecord = hostAddInput.extend({
  id: hostId,
  dockerSocket: z.string().default(DEFAULT_DOCKER_SOCKET),
});
export type HostRecord = z.output<typeof hostRecord>;

export const inventoryFile = z.object({ version: z.literal(1), hosts: z.array(hostRecord) });
export type InventoryFile = z.output<typeof inventoryFile>;
