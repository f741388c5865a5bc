// Electron cannot start on this machine, so main and preload run against a stand-in for the
// `electron` module that records what they ask of it.
import { describe, expect, it, vi, beforeAll } from 'vitest';
import { METHODS } from '../../electron/shared/contract';
import { tempDir } from '../support/temp-dir';

const recorded = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, input: unknown) => unknown>(),
  windows: [] as { options: Record<string, any>; contents: any }[],
  exposed: new Map<string, any>(),
  invoked: [] as unknown[][],
  userData: '',
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
    app: { whenReady: () => Promise.resolve(), on: vi.fn(), getPath: () => recorded.userData, getVersion: () => '9.9.9', quit: vi.fn(), exit: vi.fn() },
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

describe('Electron main process', () => {
  it('registers one IPC handler for every contract method, and only those', async () => {
    await import('../../electron/main/index');
    await vi.waitFor(() => expect(recorded.windows.length).toBe(1));
    expect([...recorded.handlers.keys()].sort()).toEqual([...METHODS].sort());
  });

  it('keeps secrets with the OS keychain and reports it', async () => {
    const info = (await recorded.handlers.get('app:info')!({}, {})) as { ok: true; result: { secretStorage: string; version: string } };
    expect(info.result).toMatchObject({ secretStorage: 'os-keychain', version: '9.9.9' });
  });

  it('routes an IPC call through validation to the engine', async () => {
    const res = await recorded.handlers.get('hosts:list')!({}, {});
    expect(res).toEqual({ ok: true, result: [] });
    const bad = (await recorded.handlers.get('hosts:add')!({}, { name: '' })) as { ok: boolean; error: { code: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid-input');
  });

  it('creates the window isolated, sandboxed and without Node', () => {
    const { options, contents } = recorded.windows[0];
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
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
