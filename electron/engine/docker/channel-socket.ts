// Node's HTTP client treats its socket as a net.Socket. An SSH channel is a plain Duplex, so it
// gets the few socket methods HTTP calls: an idle timeout that really fires, and harmless
// no-ops for TCP options that mean nothing on a channel.
import type { Duplex } from 'node:stream';

export function asSocket(channel: Duplex): Duplex {
  const socket = channel as Duplex & Record<string, unknown>;
  let timer: NodeJS.Timeout | null = null;
  let idleMs = 0;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = idleMs > 0 ? setTimeout(() => socket.emit('timeout'), idleMs) : null;
    timer?.unref();
  };
  channel.on('data', () => idleMs && arm());
  channel.once('close', () => timer && clearTimeout(timer));
  socket.setTimeout = (ms: number, onTimeout?: () => void) => {
    idleMs = ms;
    if (onTimeout) socket.once('timeout', onTimeout);
    arm();
    return socket;
  };
  for (const name of ['setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    socket[name] = () => socket;
  }
  return channel;
}
