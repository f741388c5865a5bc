// Who may call the engine over IPC: the app's own window, from its main frame, showing the app's
// own page. Anything else (another window, an iframe, a page the window was somehow navigated
// to) gets an error envelope and nothing runs.
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import type { Envelope } from '../shared/errors';
import { appUrl } from './window';

/** Is this URL the app's page (the built file, or the dev server's origin when not packaged)? */
export function isAppUrl(url: string, outDir: string, packaged: boolean): boolean {
  const target = appUrl(outDir, packaged);
  try {
    const u = new URL(url);
    if (target.kind === 'url') return u.origin === new URL(target.url).origin;
    return u.protocol === 'file:' && `${u.origin}${u.pathname}` === `${pathToFileURL(target.file).origin}${pathToFileURL(target.file).pathname}`;
  } catch {
    return false;
  }
}

export function trustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, win: BrowserWindow | null, outDir: string, packaged: boolean): boolean {
  if (!win || win.isDestroyed()) return false;
  const frame: WebFrameMain | null = event.senderFrame;
  const main = win.webContents.mainFrame;
  // The same frame, compared by object or (should Electron hand out a new wrapper) by its ids.
  const isMainFrame = frame !== null && (frame === main || (frame.processId === main.processId && frame.routingId === main.routingId));
  return event.sender === win.webContents && isMainFrame && isAppUrl(frame.url, outDir, packaged);
}

export const REFUSED: Envelope<never> = { ok: false, error: { code: 'unauthorized', message: 'this IPC call does not come from the app’s own window and page' } };
