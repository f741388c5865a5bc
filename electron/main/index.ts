// Electron's main process: a thin shell around the engine. It wires one IPC handler per
// contract method, forwards engine events to the window, and creates the window.
import path from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { EVENT_CHANNEL } from '../shared/bridge';
import { METHODS } from '../shared/contract';
import { createDispatch } from '../shared/dispatch';
import { createEngine, type Engine } from '../engine/engine';
import { EventBus } from '../engine/event-bus';
import { keychainSecretStore } from './secrets';
import { lockDown, loadApp, windowOptions } from './window';

// Built layout: out/main/index.js beside out/preload and out/renderer.
const OUT_DIR = path.resolve(import.meta.dirname, '..');

let engine: Engine | null = null;

async function start(): Promise<void> {
  const bus = new EventBus();
  const configDir = app.getPath('userData');
  engine = await createEngine({ configDir, emit: bus.emit, secrets: keychainSecretStore(configDir), version: app.getVersion() });
  const dispatch = createDispatch(engine.handlers, (method, err) => console.error(`[api] ${method}: ${(err as Error).message}`));
  for (const method of METHODS) {
    ipcMain.handle(method, (_event, input: unknown) => dispatch(method, input));
  }

  const win = new BrowserWindow(windowOptions(OUT_DIR));
  lockDown(win.webContents);
  const unsubscribe = bus.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  win.on('closed', unsubscribe);
  // A page that (re)loads starts from the whole model; deltas follow.
  win.webContents.on('did-finish-load', () => {
    const model = engine?.cluster.current();
    if (model && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, { name: 'cluster:changed', payload: { seq: model.seq, model } });
  });
  win.once('ready-to-show', () => win.show());
  loadApp(win, OUT_DIR);
}

app.on('window-all-closed', () => {
  engine?.dispose();
  app.quit();
});

app.whenReady().then(start, (err) => {
  console.error(err);
  app.exit(1);
});
