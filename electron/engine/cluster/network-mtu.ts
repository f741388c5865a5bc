// The overlay's MTU as set at creation, read from the network's driver options.
import type { Network } from '../docker/engine-api';

/** Docker's overlay default: a 1500-byte underlay minus VXLAN's 50 bytes of headers. */
export const DEFAULT_OVERLAY_MTU = 1450;

export function networkMtu(n: Network): { mtu?: number } {
  const raw = Number(n.Options?.['com.docker.network.driver.mtu']);
  return Number.isInteger(raw) && raw > 0 ? { mtu: raw } : {};
}
