// The preload: one narrow object, no Node in the page. Each method travels on its own IPC
// channel (the contract's key); anything else is refused here, and main validates again.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, EVENT_CHANNEL, type Bridge } from '../shared/bridge';
import { isMethod } from '../shared/contract';
import type { AppEvent } from '../shared/events';

const bridge: Bridge = {
  invoke(method, input) {
    if (!isMethod(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `no such method: ${String(method).slice(0, 100)}` } });
    }
    return ipcRenderer.invoke(method, input);
  },
  onEvent(listener) {
    const relay = (_event: IpcRendererEvent, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
