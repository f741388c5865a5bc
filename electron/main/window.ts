// The app window: isolated, sandboxed, no Node in the page, no navigation away from the app.
import path from 'node:path';
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, WebContents } from 'electron';

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webviewTag: false,
  spellcheck: false,
} as const;

export function windowOptions(outDir: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Archipelago',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: path.join(outDir, 'preload', 'index.cjs') },
  };
}

/**
 * New windows and navigation are refused: the page is the app and nothing else. The UI routes
 * by hash, which is in-page navigation and does not raise will-navigate.
 */
export function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function loadApp(win: BrowserWindowType, outDir: string): void {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(path.join(outDir, 'renderer', 'index.html'));
}
