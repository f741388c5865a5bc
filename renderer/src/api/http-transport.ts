// Browser mode: the contract over HTTP (calls) and a WebSocket (events), with the token the
// server printed. The token arrives in the URL's fragment, which is never sent to a server.
import type { Bridge } from '../../../electron/shared/bridge';
import type { Envelope } from '../../../electron/shared/errors';
import type { AppEvent } from '../../../electron/shared/events';

const TOKEN_KEY = 'archipelago.token';

/**
 * Moves `#token=…` from the address bar into session storage, or exchanges a one-time `#code=…`
 * (what the server opens the browser with) for a session token; before the router reads the hash.
 */
export async function takeTokenFromUrl(): Promise<void> {
  const token = /^#token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  const code = /^#code=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (!token && !code) return;
  window.history.replaceState(null, '', `${window.location.pathname}#/`);
  if (token) return sessionStorage.setItem(TOKEN_KEY, token[1]);
  try {
    const res = await fetch('/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: code![1] }) });
    const body = (await res.json()) as { ok: boolean; result?: { token: string } };
    if (body.ok && body.result) sessionStorage.setItem(TOKEN_KEY, body.result.token);
  } catch {
    // The calls that follow fail with 401 and say to use the printed link.
  }
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
