// Browser mode: the contract over HTTP (calls) and a WebSocket (events), with the token the
// server printed. The token arrives in the URL's fragment, which is never sent to a server.
import type { Bridge } from '../../../electron/shared/bridge';
import type { Envelope } from '../../../electron/shared/errors';
import type { AppEvent } from '../../../electron/shared/events';

const TOKEN_KEY = 'archipelago.token';

/** Moves `#token=…` from the address bar into session storage, before the router reads the hash. */
export function takeTokenFromUrl(): void {
  const m = /^#token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!m) return;
  sessionStorage.setItem(TOKEN_KEY, m[1]);
  window.history.replaceState(null, '', `${window.location.pathname}#/`);
}

export function createHttpTransport(): Bridge {
  const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
  const listeners = new Set<(e: AppEvent) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = () => {
    const url = new URL('/events', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token());
    socket = new WebSocket(url);
    socket.onopen = () => (retryMs = 500);
    socket.onmessage = (msg) => {
      const event = JSON.parse(String(msg.data)) as AppEvent;
      for (const l of listeners) l(event);
    };
    socket.onclose = () => {
      socket = null;
      // Reconnect with capped backoff while anyone listens (the server may be restarting).
      if (listeners.size > 0) setTimeout(connect, (retryMs = Math.min(retryMs * 2, 10_000)));
    };
  };

  return {
    async invoke(method, input) {
      try {
        const res = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` },
          body: JSON.stringify(input ?? {}),
        });
        return (await res.json()) as Envelope<unknown>;
      } catch (err) {
        return { ok: false, error: { code: 'unreachable', message: `the Archipelago server did not answer: ${(err as Error).message}`, hint: 'Is `npm run serve` still running?' } };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
