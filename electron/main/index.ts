// Electron's main process: a thin shell around the engine. It wires one IPC handler per
// contract method (answering only the app's own window and page), forwards engine events to the
// window, denies every web permission the app does not use, and creates the window.
import path from 'node:path';
import { app, ipcMain, session, type BrowserWindow } from 'electron';
import { EVENT_CHANNEL } from '../shared/bridge';
import { METHODS } from '../shared/contract';
import { createDispatch } from '../shared/dispatch';
import { createEngine, type Engine } from '../engine/engine';
import { EventBus } from '../engine/event-bus';
import { keychainSecretStore } from './secrets';
import { REFUSED, trustedSender } from './ipc-guard';
import { restrictPermissions } from './permissions';
import { createWindow, lockDown, loadApp } from './window';

// Built layout: out/main/index.js beside out/preload and out/renderer.
const OUT_DIR = path.resolve(import.meta.dirname, '..');

let engine: Engine | null = null;

async function start(): Promise<void> {
  const bus = new EventBus();
  const configDir = app.getPath('userData');
  engine = await createEngine({ configDir, emit: bus.emit, secrets: keychainSecretStore(configDir), version: app.getVersion() });
  const dispatch = createDispatch(engine.handlers, (method, err) => console.error(`[api] ${method}: ${(err as Error).message}`));
  let win: BrowserWindow | null = null;
  const packaged = app.isPackaged;
  for (const method of METHODS) {
    ipcMain.handle(method, (event, input: unknown) => (trustedSender(event, win, OUT_DIR, packaged) ? dispatch(method, input) : REFUSED));
  }
  restrictPermissions(session.defaultSession, (contents) => win !== null && !win.isDestroyed() && contents === win.webContents);

  win = createWindow(OUT_DIR);
  lockDown(win.webContents);
  const shown = win;
  const unsubscribe = bus.subscribe((event) => {
    if (!shown.isDestroyed()) shown.webContents.send(EVENT_CHANNEL, event);
  });
  shown.on('closed', unsubscribe);
  // A page that (re)loads starts from the whole model; deltas follow.
  shown.webContents.on('did-finish-load', () => {
    const model = engine?.cluster.current();
    if (model && !shown.isDestroyed()) shown.webContents.send(EVENT_CHANNEL, { name: 'cluster:changed', payload: { seq: model.seq, model } });
  });
  shown.once('ready-to-show', () => shown.show());
  loadApp(shown, OUT_DIR, packaged);
}

app.on('window-all-closed', () => {
  engine?.dispose();
  app.quit();
});

app.whenReady().then(start, (err) => {
  console.error(err);
  app.exit(1);
});
