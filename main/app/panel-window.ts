// The panel window: sandboxed, isolated, no Node, no navigation, no new windows, no
// permissions, no remote content; its CSP is the one meta tag in renderer/panel.html (a
// response header does not apply to file://). Created hidden with the system theme's
// background and shown at ready-to-show (no white flash), placed by the tray
// (main/core/ui/window-position.ts). A request to open at an agent waits until the page has
// loaded: a message sent before that has no listener and is lost.
import { app, BrowserWindow, nativeTheme, type Rectangle, type Session, screen, session as electronSession } from 'electron';
import type { AgentRef } from '../core/panel-api.ts';
import { CHANNELS } from '../core/panel-api.ts';
import { windowPosition } from '../core/ui/window-position.ts';
import type { AppPaths } from './paths.ts';

/** renderer/panel.css's --bg in each theme. */
const BACKGROUND = { light: '#f5f5f7', dark: '#1e1e20' } as const;
const SIZE = { width: 460, height: 640 };

export function panelWebPreferences(paths: AppPaths) {
  return {
    preload: paths.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    devTools: !app.isPackaged,
  } as const;
}

/** Locks a session down: no permission is ever granted. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface PanelOptions {
  paths: AppPaths;
  platform: NodeJS.Platform;
  /** The tray icon's bounds, where the platform tells them. */
  trayBounds(): Rectangle | null;
}

export interface Panel {
  /** Shows the panel (creating it when needed), at an agent when given. */
  open(focus?: AgentRef, options?: { fromTray?: boolean }): void;
  window(): BrowserWindow | null;
  /** Sent once the page has loaded (the panel's first state). */
  onLoad(listener: (win: BrowserWindow) => void): void;
  /** From now on closing really closes (quitting: a window that only hides would cancel the quit). */
  allowClose(): void;
  destroy(): void;
}

export function createPanel({ paths, platform, trayBounds }: PanelOptions): Panel {
  let win: BrowserWindow | null = null;
  let loaded = false;
  let closing = false;
  let pendingFocus: AgentRef | null = null;
  const loadListeners: Array<(win: BrowserWindow) => void> = [];

  const deliverFocus = () => {
    if (win && loaded && pendingFocus) {
      win.webContents.send(CHANNELS.focus, pendingFocus);
      pendingFocus = null;
    }
  };

  const reveal = () => {
    if (!win || win.isDestroyed()) return;
    const tray = trayBounds();
    const cursor = screen.getCursorScreenPoint();
    const display = screen.getDisplayNearestPoint(tray && tray.width > 0 ? { x: tray.x, y: tray.y } : cursor);
    const [width, height] = win.getSize() as [number, number];
    const at = windowPosition({ platform, tray, window: { width, height }, display, cursor });
    win.setPosition(at.x, at.y);
    win.show();
    win.focus();
  };

  const create = (): BrowserWindow => {
    hardenSession(electronSession.defaultSession);
    loaded = false;
    const created = new BrowserWindow({
      ...SIZE,
      minWidth: 380,
      minHeight: 320,
      show: false,
      backgroundColor: nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light,
      title: 'AuthBar',
      autoHideMenuBar: true,
      skipTaskbar: platform !== 'linux', // on Linux, where trays may be missing, the taskbar is the way back
      webPreferences: panelWebPreferences(paths),
    });
    created.webContents.on('will-navigate', (event) => event.preventDefault());
    created.webContents.on('will-redirect', (event) => event.preventDefault());
    created.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    created.webContents.on('did-finish-load', () => {
      loaded = true;
      for (const listener of loadListeners) listener(created);
      deliverFocus();
    });
    created.once('ready-to-show', reveal);
    // Closing hides: the tray app keeps running, and reopening is instant.
    created.on('close', (event) => {
      if (closing) return;
      event.preventDefault();
      created.hide();
    });
    void created.loadFile(paths.panelHtml).catch(() => {
      // A failed load leaves the window hidden; the next open tries again.
      created.destroy();
    });
    return created;
  };

  return {
    open(focus, options = {}) {
      if (focus) pendingFocus = focus;
      if (!win || win.isDestroyed()) win = create();
      else if (loaded) {
        reveal();
        deliverFocus();
      }
      // A menu-bar app is not active: without this the panel opens behind the front app.
      if (options.fromTray && platform === 'darwin') app.focus({ steal: true });
    },
    window: () => (win && !win.isDestroyed() ? win : null),
    onLoad(listener) {
      loadListeners.push(listener);
    },
    allowClose() {
      closing = true;
    },
    destroy() {
      closing = true;
      if (win && !win.isDestroyed()) win.destroy();
      win = null;
    },
  };
}
