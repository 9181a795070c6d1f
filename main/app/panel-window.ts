// The panel window: sandboxed, isolated, no Node, strict CSP (in panel.html and as a response
// header), no navigation, no new windows, no permissions, no remote content.
import { BrowserWindow, type Session, session as electronSession } from 'electron';
import { PANEL_HTML, PRELOAD } from './paths.ts';

export const PANEL_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const PANEL_WEB_PREFERENCES = {
  preload: PRELOAD,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  navigateOnDragDrop: false,
} as const;

/** Locks a session down: no permission is ever granted, every response carries the CSP. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [PANEL_CSP] } });
  });
}

export function createPanelWindow(): BrowserWindow {
  hardenSession(electronSession.defaultSession);
  const win = new BrowserWindow({
    width: 460,
    height: 640,
    minWidth: 380,
    minHeight: 320,
    show: false,
    title: 'AuthBar',
    autoHideMenuBar: true,
    webPreferences: { ...PANEL_WEB_PREFERENCES },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Closing hides: the tray app keeps running, and reopening is instant.
  win.on('close', (event) => {
    if (!(win as BrowserWindow & { allowClose?: boolean }).allowClose) {
      event.preventDefault();
      win.hide();
    }
  });
  void win.loadFile(PANEL_HTML);
  return win;
}

/** Lets the window really close (on quit). */
export function allowClose(win: BrowserWindow): void {
  (win as BrowserWindow & { allowClose?: boolean }).allowClose = true;
}
