// A small stand-in for the `electron` module, for wiring tests only (the binary cannot run on
// these machines). It records what the app hands to Electron: which image reaches the tray,
// which menu reaches setContextMenu, which settings reach setLoginItemSettings. Every decision
// behind those calls is made by pure modules tested for real.
import { EventEmitter } from 'node:events';

export const calls: Array<{ api: string; args: unknown[] }> = [];
const record = (api: string, ...args: unknown[]) => calls.push({ api, args });
export function reset(): void {
  calls.length = 0;
  Tray.instances.length = 0;
  BrowserWindow.instances.length = 0;
  Notification.instances.length = 0;
  ipcMain.handlers.clear();
  powerMonitor.removeAllListeners();
}

export const nativeImage = { createFromPath: (path: string) => ({ path }) };

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: { path: string };
  tooltip = '';
  menu: { template: any[] } | null = null;
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: { path: string }) { this.image = image; record('tray.setImage', image.path); }
  setToolTip(text: string) { this.tooltip = text; }
  setContextMenu(menu: { template: any[] }) { this.menu = menu; record('tray.setContextMenu', menu); }
  popUpContextMenu() { record('tray.popUpContextMenu'); }
  destroy() { this.destroyed = true; }
}

export const Menu = { buildFromTemplate: (template: any[]) => ({ template }) };

class WebContents extends EventEmitter {
  sent: Array<[string, unknown]> = [];
  openHandler: ((details: unknown) => { action: string }) | null = null;
  mainFrame = { url: '' };
  send(channel: string, payload: unknown) { this.sent.push([channel, payload]); }
  setWindowOpenHandler(handler: (details: unknown) => { action: string }) { this.openHandler = handler; }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  options: any;
  webContents = new WebContents();
  loaded: string | null = null;
  visible = false;
  constructor(options: any) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
  }
  async loadFile(path: string) { this.loaded = path; this.webContents.mainFrame.url = `file://${path}`; }
  show() { this.visible = true; }
  hide() { this.visible = false; }
  focus() {}
  isDestroyed() { return false; }
}

export const session = {
  defaultSession: {
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | (() => boolean),
    headers: null as null | ((details: any, cb: (r: any) => void) => void),
    setPermissionRequestHandler(h: any) { this.permissionRequest = h; },
    setPermissionCheckHandler(h: any) { this.permissionCheck = h; },
    webRequest: { onHeadersReceived(h: any) { session.defaultSession.headers = h; } },
  },
};

export const ipcMain = {
  handlers: new Map<string, (event: any, payload: unknown) => Promise<unknown>>(),
  handle(channel: string, handler: (event: any, payload: unknown) => Promise<unknown>) { this.handlers.set(channel, handler); },
  removeHandler(channel: string) { this.handlers.delete(channel); },
};

export class Notification extends EventEmitter {
  static instances: Notification[] = [];
  static isSupported() { return true; }
  options: any;
  shown = false;
  constructor(options: any) {
    super();
    this.options = options;
    Notification.instances.push(this);
  }
  show() { this.shown = true; }
}

export const powerMonitor = new EventEmitter();

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  dock: { hide: () => record('app.dock.hide') },
  requestSingleInstanceLock: () => true,
  quit: () => record('app.quit'),
  whenReady: () => Promise.resolve(),
  getAppPath: () => '/opt/authbar',
  setLoginItemSettings: (settings: unknown) => record('app.setLoginItemSettings', settings),
});

export const clipboard = { text: '', writeText(text: string) { this.text = text; record('clipboard.writeText', text); } };
export const shell = { openPath: async (path: string) => { record('shell.openPath', path); return ''; } };
