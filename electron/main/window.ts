// The app window: isolated, sandboxed, no Node in the page, no navigation away from the app.
// The options are written out where the window is made, so a static scanner (electronegativity)
// sees them, not a variable it cannot follow.
import path from 'node:path';
import { BrowserWindow, type WebContents } from 'electron';

export function createWindow(outDir: string): BrowserWindow {
  return new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Archipelago',
    show: false,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
      // A middle click would open a link in a new window (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      preload: path.join(outDir, 'preload', 'index.cjs'),
    },
  });
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

/** The app's page: the built file, or (only when not packaged) the dev server's URL. */
export function appUrl(outDir: string, packaged: boolean): { kind: 'file'; file: string } | { kind: 'url'; url: string } {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl && !packaged) return { kind: 'url', url: devUrl };
  return { kind: 'file', file: path.join(outDir, 'renderer', 'index.html') };
}

export function loadApp(win: BrowserWindow, outDir: string, packaged: boolean): void {
  const target = appUrl(outDir, packaged);
  if (target.kind === 'url') void win.loadURL(target.url);
  else void win.loadFile(target.file);
}
