// Web permissions: the app asks for none but writing to the clipboard (the "Copy" buttons).
// Everything else a page could request (camera, microphone, geolocation, notifications,
// openExternal, MIDI, HID, serial…) is denied, and only the app's own window may ask at all.
import type { Session, WebContents } from 'electron';

export const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function restrictPermissions(session: Session, isApp: (contents: WebContents | null) => boolean): void {
  session.setPermissionRequestHandler((contents, permission, callback) => callback(isApp(contents) && ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((contents, permission) => isApp(contents) && ALLOWED_PERMISSIONS.has(permission));
}
