// Electron cannot start on this machine, so main and preload run against a stand-in for the
// `electron` module that records what they ask of it: IPC answers only the app's own window and
// page, every permission but the clipboard is denied, and the packaged app's fuses are set.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi, beforeAll } from 'vitest';
import { METHODS } from '../../electron/shared/contract';
import { tempDir } from '../support/temp-dir';

// What electron/main/index.ts takes as its built layout's folder, seen from the source tree.
const APP_PAGE = pathToFileURL(path.resolve(import.meta.dirname, '../../electron/renderer/index.html')).href;

const recorded = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, input: unknown) => unknown>(),
  windows: [] as { options: Record<string, any>; contents: any }[],
  exposed: new Map<string, any>(),
  invoked: [] as unknown[][],
  userData: '',
  permissionRequest: null as null | ((contents: unknown, permission: string, callback: (ok: boolean) => void) => void),
  permissionCheck: null as null | ((contents: unknown, permission: string) => boolean),
  packaged: false,
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: any;
    constructor(public options: Record<string, any>) {
      const handlers: Record<string, Function> = {};
      this.webContents = {
        on: (name: string, fn: Function) => (handlers[name] = fn),
        handlers,
        setWindowOpenHandler: (fn: Function) => (handlers.windowOpen = fn),
        send: vi.fn(),
        mainFrame: { url: APP_PAGE, processId: 4, routingId: 1 },
      };
      recorded.windows.push({ options, contents: this.webContents });
    }
    on() {}
    once() {}
    isDestroyed() {
      return false;
    }
    loadFile = vi.fn(async () => {});
    loadURL = vi.fn(async () => {});
  }
  return {
    app: {
      whenReady: () => Promise.resolve(),
      on: vi.fn(),
      getPath: () => recorded.userData,
      getVersion: () => '9.9.9',
      quit: vi.fn(),
      exit: vi.fn(),
      get isPackaged() {
        return recorded.packaged;
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: any) => (recorded.permissionRequest = fn),
        setPermissionCheckHandler: (fn: any) => (recorded.permissionCheck = fn),
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, fn: any) => recorded.handlers.set(channel, fn) },
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => recorded.exposed.set(key, value) },
    ipcRenderer: { invoke: (...args: unknown[]) => (recorded.invoked.push(args), Promise.resolve({ ok: true, result: 'x' })), on: vi.fn(), removeListener: vi.fn() },
  };
});

beforeAll(async () => {
  recorded.userData = (await tempDir()).dir;
});

/** An IPC event as the app's window sends it: its own webContents and main frame, on the app's page. */
const fromApp = () => {
  const contents = recorded.windows[0].contents;
  return { sender: contents, senderFrame: contents.mainFrame };
};

describe('Electron main process', () => {
  it('registers one IPC handler for every contract method, and only those', async () => {
    await import('../../electron/main/index');
    await vi.waitFor(() => expect(recorded.windows.length).toBe(1));
    expect([...recorded.handlers.keys()].sort()).toEqual([...METHODS].sort());
  });

  it('keeps secrets with the OS keychain and reports it', async () => {
    const info = (await recorded.handlers.get('app:info')!(fromApp(), {})) as { ok: true; result: { secretStorage: string; version: string } };
    expect(info.result).toMatchObject({ secretStorage: 'os-keychain', version: '9.9.9' });
  });

  it('routes an IPC call through validation to the engine', async () => {
    const res = await recorded.handlers.get('hosts:list')!(fromApp(), {});
    expect(res).toEqual({ ok: true, result: [] });
    const bad = (await recorded.handlers.get('hosts:add')!(fromApp(), { name: '' })) as { ok: boolean; error: { code: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid-input');
  });

  it('answers IPC only from the app’s own window, main frame and page', async () => {
    const call = (event: unknown) => recorded.handlers.get('hosts:list')!(event, {}) as Promise<{ ok: boolean; error?: { code: string } }>;
    const contents = recorded.windows[0].contents;
    expect(await call(fromApp())).toMatchObject({ ok: true });
    const refused = { ok: false, error: { code: 'unauthorized' } };
    // Another webContents (another window, a devtools page), even claiming our frame.
    expect(await call({ sender: { mainFrame: contents.mainFrame }, senderFrame: contents.mainFrame })).toMatchObject(refused);
    // An iframe of our window.
    expect(await call({ sender: contents, senderFrame: { url: APP_PAGE, processId: 4, routingId: 7 } })).toMatchObject(refused);
    // Our main frame after navigating elsewhere.
    const saved = contents.mainFrame.url;
    contents.mainFrame.url = 'https://evil.example/';
    expect(await call(fromApp())).toMatchObject(refused);
    contents.mainFrame.url = pathToFileURL('/tmp/other.html').href;
    expect(await call(fromApp())).toMatchObject(refused);
    contents.mainFrame.url = saved;
    // A destroyed frame.
    expect(await call({ sender: contents, senderFrame: null })).toMatchObject(refused);
  });

  it('denies every permission but writing to the clipboard, and to anything but its window', () => {
    const contents = recorded.windows[0].contents;
    const ask = (who: unknown, permission: string) => new Promise<boolean>((resolve) => recorded.permissionRequest!(who, permission, resolve));
    return (async () => {
      expect(await ask(contents, 'clipboard-sanitized-write')).toBe(true);
      for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'midiSysex', 'pointerLock', 'fullscreen', 'hid', 'serial', 'usb', 'clipboard-read', 'display-capture', 'unknown']) {
        expect(await ask(contents, p), p).toBe(false);
        expect(recorded.permissionCheck!(contents, p), p).toBe(false);
      }
      expect(await ask({}, 'clipboard-sanitized-write')).toBe(false);
      expect(recorded.permissionCheck!(contents, 'clipboard-sanitized-write')).toBe(true);
    })();
  });

  it('honours ELECTRON_RENDERER_URL only when not packaged', async () => {
    const { appUrl } = await import('../../electron/main/window');
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    try {
      expect(appUrl('/app/out', false)).toEqual({ kind: 'url', url: 'http://localhost:5173/' });
      expect(appUrl('/app/out', true)).toEqual({ kind: 'file', file: path.join('/app/out', 'renderer', 'index.html') });
      const { isAppUrl } = await import('../../electron/main/ipc-guard');
      expect(isAppUrl('http://localhost:5173/#/hosts', '/app/out', false)).toBe(true);
      expect(isAppUrl('http://localhost:5173/#/hosts', '/app/out', true)).toBe(false);
    } finally {
      delete process.env.ELECTRON_RENDERER_URL;
    }
  });

  it('creates the window isolated, sandboxed and without Node', () => {
    const { options, contents } = recorded.windows[0];
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, disableBlinkFeatures: 'Auxclick' });
    expect(options.webPreferences.preload).toMatch(/preload[/\\]index\.cjs$/);
    expect(contents.handlers.windowOpen()).toEqual({ action: 'deny' });
    const navigation = { preventDefault: vi.fn() };
    contents.handlers['will-navigate'](navigation, 'https://example.com/');
    expect(navigation.preventDefault).toHaveBeenCalled();
  });
});

describe('preload', () => {
  it('exposes one narrow object that forwards only contract methods', async () => {
    await import('../../electron/preload/index');
    expect([...recorded.exposed.keys()]).toEqual(['archipelago']);
    const bridge = recorded.exposed.get('archipelago');
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent']);
    await bridge.invoke('hosts:list', {});
    expect(recorded.invoked).toEqual([['hosts:list', {}]]);
    const refused = await bridge.invoke('some:channel', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(recorded.invoked).toHaveLength(1);
  });
});

describe('packaged app', () => {
  it('flips the security fuses in the builder config', () => {
    const config = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../electron-builder.json'), 'utf8'));
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).toBe(true);
  });
});
