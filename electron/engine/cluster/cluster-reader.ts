// What the rest of the engine may ask of the live model: read it as held, confirm the few
// objects an action depends on, and find a manager from node state. Nothing here reads the
// whole cluster.
import type { ClusterModel } from '../../shared/model';
import type { HostSession } from '../hosts/host-session';

export interface ClusterReader {
  /** The model as held, once the first read has finished. */
  model(): Promise<ClusterModel>;
  /** Reads these services (names or ids) and their tasks afresh. */
  confirmServices(refs: string[]): Promise<void>;
  /** Reads every swarm's nodes, networks, services and tasks afresh. */
  confirmSwarms(): Promise<void>;
  /** Reads the tasks whose id starts with this afresh. */
  confirmTask(idPrefix: string): Promise<void>;
  /** A connected manager of the swarm (default: the first swarm), from node state. */
  manager(swarmId?: string): HostSession | undefined;
}
