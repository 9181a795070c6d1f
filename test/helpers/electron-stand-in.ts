// A stand-in for the `electron` module, for wiring tests only (the binary cannot run on these
// machines). It records what the app hands to Electron, and it is as unforgiving as Electron
// where our first version was wrong while its stand-in was kind:
// - a Notification is not kept alive by Electron: only WeakRefs are held here, and a click
//   delivered after V8 collected the object is lost (electron#16922);
// - a frame's URL is '' until its load commits, then Chromium's normalised form (file URLs
//   with an upper-case drive letter on Windows); a message sent before the page loaded is lost;
// - `whenReady` resolves on a later turn, and Tray/BrowserWindow refuse to exist before it;
// - `app.dock` exists on macOS only, `Notification.handleActivation` on Windows only;
// - each platform's tray click rules (see `Tray.userClick`), and on Linux each kind of
//   StatusNotifierItem host (`reset({ trayHost })`): KDE Plasma activates on a left click, GNOME's
//   AppIndicator extension opens the menu;
// - a tray's context menu replaced while it is open closes, and a choice made on it is lost
//   (electron#4801, #10951); so is one made while it closes (macOS emits 'menu-will-close'
//   before the item's click), see `MenuStandIn`;
// - `Notification.isSupported()` is whatever the test says;
// - `app.quit()` asks every window to close, and a window that refuses cancels the quit.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

export const calls: Array<{ api: string; args: unknown[] }> = [];
const record = (api: string, ...args: unknown[]) => calls.push({ api, args });
export const called = (api: string) => calls.filter((c) => c.api === api);

/** The platform the stand-in behaves as; the app under test is given the same one. */
let platform: NodeJS.Platform = 'linux';

/**
 * Linux: the desktop's StatusNotifierItem host, which decides what a click on the item does
 * (Electron 22+ exports the item over D-Bus itself, with ItemIsMenu false):
 * - 'kde' (Plasma): a left click calls Activate, which Electron emits as the tray's 'click'; a
 *   right click shows the exported menu;
 * - 'gnome-appindicator' (GNOME Shell's AppIndicator extension): any click shows the menu
 *   (Activate only on a double or middle click).
 */
export type TrayHost = 'kde' | 'gnome-appindicator';
let trayHost: TrayHost = 'gnome-appindicator';

export function reset(options: { platform?: NodeJS.Platform; notificationsSupported?: boolean; isPackaged?: boolean; trayHost?: TrayHost } = {}): void {
  platform = options.platform ?? 'linux';
  trayHost = options.trayHost ?? 'gnome-appindicator';
  calls.length = 0;
  Tray.instances.length = 0;
  BrowserWindow.instances.length = 0;
  Notification.shown.length = 0;
  Notification.supported = options.notificationsSupported ?? true;
  Notification.failing = false;
  Notification.activation = null;
  ipcMain.handlers.clear();
  powerMonitor.removeAllListeners();
  app.removeAllListeners();
  app.ready = false;
  app.readyPromise = null;
  app.isPackaged = options.isPackaged ?? false;
  nativeTheme.shouldUseDarkColors = false;
  screen.cursor = { x: 0, y: 0 };
  resetLoginItems();
}

export class NotReady extends Error {}
const requireReady = (what: string) => {
  if (!app.ready) throw new NotReady(`Cannot create ${what} before the app is ready`);
};

/** Lets V8 collect what nothing references any more (the wiring tests run with --expose-gc). */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the wiring tests with node --expose-gc (vitest.config.ts execArgv)');
  // A WeakRef target stays alive until the job that created or read it ends.
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

export const nativeImage = { createFromPath: (path: string) => ({ path }) };
export const nativeTheme = { shouldUseDarkColors: false };

export const screen = {
  cursor: { x: 0, y: 0 },
  display: { bounds: { x: 0, y: 0, width: 1440, height: 900 }, workArea: { x: 0, y: 25, width: 1440, height: 875 } },
  getCursorScreenPoint() { return this.cursor; },
  getDisplayNearestPoint() { return this.display; },
  getDisplayMatching() { return this.display; },
};

/**
 * A built menu: its template, and Electron's 'menu-will-show' / 'menu-will-close' when a tray
 * opens and closes it (macOS and Windows; Linux's exported dbusmenu tells neither, electron#28837).
 * Its items' clicks are a user's choice: on an open menu the choice closes it first
 * ('menu-will-close'), then runs the item's click, as Electron's macOS menu controller does
 * (itemSelected runs after menuDidClose; Windows is held to the same, stricter order). A menu the tray replaced while it was open or
 * closing is gone: a choice on it does nothing.
 */
class MenuStandIn extends EventEmitter {
  readonly template: any[];
  open = false;
  closing = false;
  /** Replaced by setContextMenu while open or closing. */
  gone = false;
  constructor(template: any[]) {
    super();
    this.template = this.choices(template);
  }
  private choices(items: any[]): any[] {
    return items.map((item) => ({
      ...item,
      ...(Array.isArray(item.submenu) ? { submenu: this.choices(item.submenu) } : {}),
      ...(typeof item.click === 'function' ? { click: (...args: unknown[]) => this.choose(() => item.click(...args)) } : {}),
    }));
  }
  private choose(click: () => void): void {
    if (this.gone) return;
    if (this.open) {
      this.open = false;
      this.closing = true;
      try {
        this.emit('menu-will-close', {});
      } finally {
        this.closing = false;
      }
      if (this.gone) return;
    }
    click();
  }
  show(): void {
    this.open = true;
    this.emit('menu-will-show', {});
  }
  /** The user dismisses the open menu (Esc, a click elsewhere): closed without a choice. */
  dismiss(): void {
    if (!this.open) return;
    this.open = false;
    this.emit('menu-will-close', {});
  }
}

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: { path: string };
  tooltip = '';
  menu: MenuStandIn | null = null;
  destroyed = false;
  /** How often a menu opened (by the platform or by popUpContextMenu). */
  menuOpened = 0;
  bounds = { x: 1200, y: 0, width: 22, height: 22 };
  constructor(image: { path: string }) {
    requireReady('Tray');
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: { path: string }) { this.image = image; record('tray.setImage', image.path); }
  setToolTip(text: string) { this.tooltip = text; }
  /** Replacing the menu the user has open closes it, and a choice on it is lost (electron#4801). */
  setContextMenu(menu: MenuStandIn) {
    const old = this.menu;
    if (old && old !== menu && (old.open || old.closing)) {
      old.gone = true;
      old.dismiss();
    }
    this.menu = menu;
    record('tray.setContextMenu', menu);
  }
  popUpContextMenu() { this.openMenu(); record('tray.popUpContextMenu'); }
  private openMenu() {
    this.menuOpened++;
    // macOS and Windows tell the menu it opens; Linux's StatusNotifierItem host (dbusmenu) does
    // not, and there a replaced menu's new layout is read by the host: nothing closes.
    if (platform !== 'linux') this.menu?.show();
  }
  getBounds() { return this.bounds; }
  destroy() { this.destroyed = true; }

  /**
   * A user's click, as each platform delivers it:
   * - macOS: a tray with a context menu opens it by itself on any click, and still emits 'click';
   * - Windows: a left click only emits 'click'; a right click opens the set menu ('right-click');
   * - Linux, by the StatusNotifierItem host (`reset({ trayHost })`): on KDE a left click
   *   activates the item ('click'), a right click opens the menu; on GNOME's AppIndicator
   *   extension any click opens the menu.
   */
  userClick(button: 'left' | 'right' = 'left'): void {
    const event = { preventDefault() {} };
    if (platform === 'darwin') {
      if (this.menu) this.openMenu();
      this.emit(button === 'left' ? 'click' : 'right-click', event, this.bounds);
    } else if (platform === 'win32') {
      if (button === 'left') this.emit('click', event, this.bounds);
      else {
        this.emit('right-click', event, this.bounds);
        if (this.menu) this.openMenu();
      }
    } else if (trayHost === 'kde' && button === 'left') this.emit('click', event, this.bounds);
    else if (this.menu) this.openMenu();
  }
}

export const Menu = {
  buildFromTemplate: (template: any[]): MenuStandIn => new MenuStandIn(template),
  setApplicationMenu: (menu: MenuStandIn | null) => record('Menu.setApplicationMenu', menu),
};

/** Chromium's form of a loaded file's URL: on Windows the drive letter is upper-cased. */
export function committedFileUrl(path: string): string {
  if (platform !== 'win32') return pathToFileURL(path).toString();
  const slashed = path.replace(/\\/g, '/').replace(/^([a-zA-Z]):/, (_m, drive: string) => `${drive.toUpperCase()}:`);
  return `file:///${slashed.split('/').map(encodeURIComponent).join('/').replace(/^([A-Z])%3A/, '$1:')}`;
}

class WebContents extends EventEmitter {
  sent: Array<[string, unknown]> = [];
  /** Messages sent before the page loaded: Electron drops them, no listener exists yet. */
  lost: Array<[string, unknown]> = [];
  openHandler: ((details: unknown) => { action: string }) | null = null;
  mainFrame = { url: '' };
  loaded = false;
  send(channel: string, payload: unknown) {
    (this.loaded ? this.sent : this.lost).push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: unknown) => { action: string }) { this.openHandler = handler; }
  isLoading() { return !this.loaded; }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows() { return BrowserWindow.instances.filter((w) => !w.destroyed); }
  options: any;
  webContents = new WebContents();
  loaded: string | null = null;
  visible = false;
  destroyed = false;
  position: [number, number] | null = null;
  constructor(options: any) {
    requireReady('BrowserWindow');
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
  }
  /** Commits on a later turn, as Chromium does; then 'did-finish-load' and 'ready-to-show'. */
  loadFile(path: string): Promise<void> {
    this.loaded = path;
    return new Promise((resolve) => {
      setImmediate(() => {
        this.webContents.mainFrame.url = committedFileUrl(path);
        this.webContents.loaded = true;
        this.webContents.emit('did-finish-load');
        this.emit('ready-to-show');
        resolve();
      });
    });
  }
  show() { this.visible = true; record('window.show'); }
  hide() { this.visible = false; }
  focus() { record('window.focus'); }
  isVisible() { return this.visible; }
  isDestroyed() { return this.destroyed; }
  getBounds() { return { x: 0, y: 0, width: this.options.width, height: this.options.height }; }
  getSize() { return [this.options.width, this.options.height]; }
  setPosition(x: number, y: number) { this.position = [x, y]; }
  close() { this.emit('close', { preventDefault() {} }); }
  destroy() { this.destroyed = true; }
}

export const session = {
  defaultSession: {
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | (() => boolean),
    setPermissionRequestHandler(h: any) { this.permissionRequest = h; },
    setPermissionCheckHandler(h: any) { this.permissionCheck = h; },
  },
};

export const ipcMain = {
  handlers: new Map<string, (event: any, payload: unknown) => Promise<unknown>>(),
  handle(channel: string, handler: (event: any, payload: unknown) => Promise<unknown>) {
    // As Electron: one handler per channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) { this.handlers.delete(channel); },
};

export interface ShownNotification {
  /** Electron's `id` (the toast's Tag on Windows): the caller's, else a random UUID. */
  id: string;
  title: string;
  body: string;
  actions: unknown[];
  /** The object itself, weakly: Electron keeps no reference to it either. */
  ref: WeakRef<Notification>;
}

export class Notification extends EventEmitter {
  static supported = true;
  /** The OS refuses to show them (Windows: notifications off for the app, Focus Assist): 'failed'. */
  static failing = false;
  static shown: ShownNotification[] = [];
  static activation: ((details: { type: string; actionIndex?: number; arguments: string }) => void) | null = null;
  static isSupported() { return Notification.supported; }
  options: any;
  id: string;
  constructor(options: any) {
    super();
    this.options = options;
    this.id = typeof options?.id === 'string' && options.id !== '' ? options.id : randomUUID();
  }
  show() {
    if (!Notification.supported) return;
    if (Notification.failing) {
      record('notification.failed', this.options.title);
      setImmediate(() => this.emit('failed', {}, 'the notification could not be shown'));
      return;
    }
    Notification.shown.push({ id: this.id, title: this.options.title, body: this.options.body, actions: this.options.actions ?? [], ref: new WeakRef(this) });
    record('notification.show', this.options.title);
  }
  close() { this.emit('close', {}); }

  /**
   * The user clicks the n-th shown notification (or its first button) while the app runs, as
   * Electron 45 delivers it (shell/browser/notifications/win/windows_toast_*.cc on Windows):
   * - a click on the body reaches the object's 'click' listeners only, and only if V8 has not
   *   collected it; Electron's toast has no launch arguments, so handleActivation hears nothing;
   * - a button's arguments are `type=action&action=<index>&tag=<id>`: handleActivation hears
   *   them (Windows), and the object's 'action' listeners too while it is alive.
   * Returns whether anyone heard it.
   */
  static deliver(n: number, kind: 'click' | 'action'): boolean {
    const shown = Notification.shown[n];
    if (!shown) throw new Error(`no notification #${n} was shown`);
    const target = shown.ref.deref();
    let heard = false;
    if (target) heard = kind === 'click' ? target.emit('click', {}) : target.emit('action', {}, 0);
    if (kind === 'action' && platform === 'win32' && Notification.activation) {
      Notification.activation({ type: 'action', actionIndex: 0, arguments: `type=action&action=0&tag=${shown.id}` });
      heard = true;
    }
    return heard;
  }

  /** The n-th toast leaves the screen unclicked: 'close' with reason 'timedOut' (on Windows it moves to the Action Center). */
  static timeOut(n: number): void {
    Notification.shown[n]?.ref.deref()?.emit('close', { reason: 'timedOut' });
  }

  /**
   * Windows, from the Action Center after AuthBar restarted (COM activation): no object exists;
   * handleActivation hears the toast's arguments: '' for the body, the button's for a button.
   */
  static activateFromActionCenter(n: number, kind: 'click' | 'action'): boolean {
    const shown = Notification.shown[n];
    if (!shown) throw new Error(`no notification #${n} was shown`);
    if (platform !== 'win32' || !Notification.activation) return false;
    Notification.activation(kind === 'click' ? { type: 'click', arguments: '' } : { type: 'action', actionIndex: 0, arguments: `type=action&action=0&tag=${shown.id}` });
    return true;
  }
}
// Windows only, as in Electron 45.
Object.defineProperty(Notification, 'handleActivation', {
  get: () => (platform === 'win32' ? (callback: typeof Notification.activation) => { Notification.activation = callback; record('Notification.handleActivation'); } : undefined),
});

export const powerMonitor = new EventEmitter();

const dock = { hide: () => record('app.dock.hide'), show: () => record('app.dock.show') };

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  ready: false,
  readyPromise: null as Promise<void> | null,
  /** Becomes ready on a later turn, never during the call that asked. */
  whenReady(): Promise<void> {
    app.readyPromise ??= new Promise<void>((resolve) => setImmediate(() => {
      app.ready = true;
      app.emit('ready');
      resolve();
    }));
    return app.readyPromise;
  },
  isReady() { return app.ready; },
  requestSingleInstanceLock: () => true,
  /**
   * As Electron: before-quit (a listener that calls preventDefault cancels the quit), then every
   * window is asked to close (one that refuses cancels it too), then will-quit.
   */
  quit() {
    record('app.quit');
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) {
      record('app.quit.prevented');
      return;
    }
    for (const win of BrowserWindow.getAllWindows()) {
      let refused = false;
      win.emit('close', { preventDefault: () => (refused = true) });
      if (refused) {
        record('app.quit.cancelled');
        return;
      }
      win.destroyed = true;
    }
    app.emit('will-quit', { preventDefault() {} });
  },
  exit: (code: number) => record('app.exit', code),
  focus: (options?: unknown) => record('app.focus', options),
  getAppPath: () => '/opt/authbar',
  getVersion: () => '0.1.0',
  setAppUserModelId: (id: string) => { loginOs.appUserModelId = id; record('app.setAppUserModelId', id); },
  setLoginItemSettings: (settings: LoginSettings) => { record('app.setLoginItemSettings', settings); setLoginItem(settings); },
  getLoginItemSettings: (options: { path?: string; args?: string[] } = {}) => getLoginItem(options),
});
Object.defineProperty(app, 'dock', { get: () => (platform === 'darwin' ? dock : undefined) });

export const clipboard = { text: '', writeText(text: string) { this.text = text; record('clipboard.writeText', text); } };
export const shell = {
  openPath: async (path: string) => { record('shell.openPath', path); return ''; },
  showItemInFolder: (path: string) => void record('shell.showItemInFolder', path),
};

/** Electron's net.fetch: the app passes it to the token client (Chromium's network stack). */
export const net = { fetch: (...args: Parameters<typeof fetch>) => { record('net.fetch', String(args[0])); return fetch(...args); } };

// ---- Start at login: the OS's side of app.get/setLoginItemSettings (Electron 45) ----
// What the OS holds, which the user can change behind the app's back, and which Electron reads
// back as documented (https://www.electronjs.org/docs/latest/api/app#appgetloginitemsettingsoptions-macos-windows)
// and implemented (shell/browser/browser_win.cc, browser_mac.mm):
// - Windows: the HKCU Run value (named by `name`, default the AppUserModelId) and its
//   StartupApproved flag, which Task Manager's Disable (or Settings > Apps > Startup) sets.
//   `openAtLogin` is "Run[AppUserModelId] equals the path"; `launchItems` lists every Run value
//   whose program is the given path (default process.execPath), `enabled` from StartupApproved.
//   setLoginItemSettings({ openAtLogin: true }) rewrites both: `enabled` defaults to true and
//   clears a Disable.
// - macOS 13+: SMAppService's status, which System Settings > General > Login Items changes;
//   `openAtLogin` is status === 'enabled'. Before 13 (or an item registered with the deprecated
//   API) there is no `status`, only `openAtLogin`.
// - Linux: Electron implements neither; get answers false, set does nothing (the app writes an
//   XDG autostart entry itself).
interface LoginSettings { openAtLogin?: boolean; path?: string; args?: string[]; enabled?: boolean; name?: string }
type MacStatus = 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';

export const loginOs = {
  appUserModelId: 'electron.app.Electron',
  /** process.execPath of the app, as Electron's default `path`. */
  execPath: 'C:\\Users\\me\\AppData\\Local\\Programs\\AuthBar\\AuthBar.exe',
  /** Windows HKCU ...\CurrentVersion\Run: name -> command line. */
  run: new Map<string, string>(),
  /** Windows HKCU ...\Explorer\StartupApproved\Run: name -> disabled (absent: enabled). */
  disabled: new Set<string>(),
  /** macOS: 13 and up (SMAppService, with `status`), or older (no `status`). */
  macos13: true,
  macStatus: 'not-registered' as MacStatus,
  /** macOS 13+: what the OS answers to a registration (the user must allow it first: 'requires-approval'). */
  macRegisters: 'enabled' as MacStatus,
  macLegacyOpen: false,
};

function resetLoginItems(): void {
  Object.assign(loginOs, { appUserModelId: 'electron.app.Electron', macos13: true, macStatus: 'not-registered', macRegisters: 'enabled', macLegacyOpen: false });
  loginOs.run.clear();
  loginOs.disabled.clear();
}

/** Electron's FormatCommandLineString: the path, then the args joined by spaces (no quoting). */
const commandLine = (path: string, args: string[] = []) => (args.length ? `${path} ${args.join(' ')}` : path);
/** base::CommandLine::FromString(...).GetProgram(): a quoted first word, else up to the first space. */
const programOf = (command: string) => (command.startsWith('"') ? command.slice(1, command.indexOf('"', 1)) : command.split(' ')[0]!);

function setLoginItem(settings: LoginSettings): void {
  if (platform === 'win32') {
    const name = settings.name || loginOs.appUserModelId;
    if (settings.openAtLogin) {
      loginOs.run.set(name, commandLine(settings.path || loginOs.execPath, settings.args));
      if (settings.enabled ?? true) loginOs.disabled.delete(name);
      else loginOs.disabled.add(name);
    } else {
      loginOs.run.delete(name);
      loginOs.disabled.delete(name);
    }
  } else if (platform === 'darwin') {
    if (loginOs.macos13) loginOs.macStatus = settings.openAtLogin ? loginOs.macRegisters : 'not-registered';
    else loginOs.macLegacyOpen = settings.openAtLogin === true;
  }
}

function getLoginItem(options: { path?: string; args?: string[] }) {
  if (platform === 'win32') {
    const path = options.path || loginOs.execPath;
    const launchItems = [...loginOs.run]
      .filter(([, command]) => programOf(command).toLowerCase() === path.toLowerCase())
      .map(([name, command]) => ({ name, path: programOf(command), args: command.slice(command.indexOf(programOf(command)) + programOf(command).length).trim().split(' ').filter(Boolean), scope: 'user', enabled: !loginOs.disabled.has(name) }));
    return {
      openAtLogin: loginOs.run.get(loginOs.appUserModelId) === commandLine(path, options.args),
      executableWillLaunchAtLogin: launchItems.some((i) => i.enabled),
      launchItems,
    };
  }
  if (platform === 'darwin') {
    if (!loginOs.macos13) return { openAtLogin: loginOs.macLegacyOpen, wasOpenedAtLogin: false };
    return { openAtLogin: loginOs.macStatus === 'enabled', wasOpenedAtLogin: false, status: loginOs.macStatus };
  }
  return { openAtLogin: false };
}

/** The user, in the OS: Task Manager's Disable/Enable (Windows), System Settings' Login Items (macOS). */
export const userInOs = {
  taskManager(name: string, enabled: boolean): void {
    if (enabled) loginOs.disabled.delete(name);
    else loginOs.disabled.add(name);
  },
  removeLoginItem(): void {
    loginOs.macStatus = 'not-registered';
    loginOs.macLegacyOpen = false;
  },
};
