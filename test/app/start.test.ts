// The app as `start(deps)` runs it, against the honest electron stand-in: start-up and quit
// order, notifications that survive V8, each platform's tray and notification rules, the
// focus hand-off to a panel that has not loaded yet, the first launch, the network the token
// client uses, and what resume does. A real Controller over a real temp state dir is behind it.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../helpers/electron-stand-in.ts'));

/** Waits on a condition, generously: the machine may be loaded; nothing here is timed. */
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 20_000, interval: 20 });

const electron = await import('../helpers/electron-stand-in.ts');
const { start } = await import('../../main/app/main.ts');
const { CHANNELS } = await import('../../main/core/panel-api.ts');
const { makeStateDir, storeDocument, writeJson } = await import('../helpers/state-dir.ts');
const { codexCredential, secretsIn } = await import('../helpers/tokens.ts');
const { startTokenServer } = await import('../helpers/token-server.ts');

type Agents = Parameters<typeof makeStateDir>[0]['agents'];
type Running = Awaited<ReturnType<typeof start>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SETTINGS = { version: 1, startAtLogin: false, notifications: { enabled: true, leadTimesMinutes: [1440, 60, 0] }, keepFresh: { enabled: false, minutesBefore: 30 }, keepCopiesInSync: true, hosts: [] };

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

interface LaunchOptions {
  platform: NodeJS.Platform;
  agents?: Agents;
  image?: string;
  packaged?: boolean;
  supported?: boolean;
  /** Settings on disk before launch; null: none (a first launch). */
  settings?: Record<string, unknown> | null;
  env?: Record<string, string>;
  trayHost?: boolean;
  paths?: Parameters<typeof start>[0]['paths'];
  /** The OS's login items as the test set them (the stand-in is reset otherwise). */
  keepLoginItems?: boolean;
  /** Runs with the environment before the app starts (files the user left). */
  before?: (env: Record<string, string>) => void;
}

const expiringArtist: Agents = [
  { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) },
  { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'b', expiresInMs: 40 * MINUTE }) }) },
];

async function launch(options: LaunchOptions) {
  if (options.keepLoginItems) {
    const login = { run: [...electron.loginOs.run], disabled: [...electron.loginOs.disabled], mac: electron.loginOs.macStatus };
    electron.reset({ platform: options.platform, notificationsSupported: options.supported, isPackaged: options.packaged });
    for (const [name, command] of login.run) electron.loginOs.run.set(name, command);
    for (const name of login.disabled) electron.loginOs.disabled.add(name);
    electron.loginOs.macStatus = login.mac;
  } else electron.reset({ platform: options.platform, notificationsSupported: options.supported, isPackaged: options.packaged });
  electron.loginOs.execPath = process.execPath;
  const d = makeStateDir({ agents: options.agents ?? expiringArtist, imageGenerationModel: options.image ?? 'openai/gpt-image-2' });
  Object.assign(d.env, options.env ?? {});
  options.before?.(d.env);
  if (options.settings !== null) writeJson(join(d.authbarHome, 'settings.json'), { ...SETTINGS, ...options.settings });
  const running: Running = await start({ env: d.env, platform: options.platform, trayHostAvailable: async () => options.trayHost ?? true, ...(options.paths ? { paths: options.paths } : {}) });
  cleanups.push(async () => {
    electron.app.quit();
    await running?.stopped;
    d.cleanup();
  });
  await until(() => expect(electron.Tray.instances).toHaveLength(1));
  return { d, running, tray: electron.Tray.instances[0]! };
}

const panelWindow = () => electron.BrowserWindow.instances[0];
const menuItem = (tray: InstanceType<typeof electron.Tray>, label: string | RegExp): any =>
  tray.menu!.template.find((i: any) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));
const focusSent = () => (panelWindow()?.webContents.sent ?? []).filter(([c]) => c === CHANNELS.focus).map(([, p]) => p);
const waitShown = (n = 1) => until(() => expect(electron.Notification.shown).toHaveLength(n));

describe('notifications', () => {
  it('a click on a notification V8 has since collected still opens the panel at its agent (electron#16922)', async () => {
    await launch({ platform: 'darwin' });
    await waitShown();
    await electron.collectGarbage();
    expect(electron.Notification.deliver(0, 'click')).toBe(true);
    await until(() => expect(focusSent()).toEqual([{ host: 'local', agentId: 'artist' }]));
    expect(panelWindow()!.visible).toBe(true);
  });

  it('on Windows: the AppUserModelId is set before the first toast, Refresh is offered, and a click on the toast is heard after a garbage collection (the app holds it; handleActivation never hears a body click)', async () => {
    await launch({ platform: 'win32' });
    await waitShown();
    const order = electron.calls.map((c) => c.api);
    expect(order.indexOf('app.setAppUserModelId')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('app.setAppUserModelId')).toBeLessThan(order.indexOf('notification.show'));
    expect(electron.called('app.setAppUserModelId')[0]!.args).toEqual(['dev.authbar.app']);
    expect(electron.Notification.shown[0]!.actions).toEqual([{ type: 'button', text: 'Refresh' }]);
    expect(electron.Notification.shown[0]!.body).toMatch(/Refresh/);
    await electron.collectGarbage();
    expect(electron.Notification.deliver(0, 'click')).toBe(true);
    await until(() => expect(focusSent()).toEqual([{ host: 'local', agentId: 'artist' }]));
  });

  it('on Windows: a click on an older toast opens the panel at that toast\'s agent, not the newest one\'s; its Refresh refreshes that agent', async () => {
    const server = await startTokenServer();
    cleanups.push(() => server.close());
    const [a, b] = [server.issue('acct-a'), server.issue('acct-b')];
    const signIn = (issued: typeof a, expiresInMs: number) => storeDocument({ 'openai-codex:default': codexCredential({ accountId: issued.accountId, access: issued.access, refresh: issued.refresh, expiresInMs }) });
    const { d, running } = await launch({
      platform: 'win32',
      agents: [{ id: 'main', store: signIn(a, 50 * HOUR) }, { id: 'artist', store: signIn(b, 40 * MINUTE) }],
      env: { AUTHBAR_TOKEN_URL: server.url },
    });
    await waitShown();
    expect(electron.Notification.shown[0]!.title).toMatch(/artist/);
    // Later, main's sign-in is about to expire too: a second toast, for main.
    d.writeStore('main', signIn(a, 20 * MINUTE));
    await running!.controller!.rescan();
    await waitShown(2);
    expect(electron.Notification.shown[1]!.title).toMatch(/main/);
    expect(electron.Notification.shown[0]!.id).not.toBe(electron.Notification.shown[1]!.id);
    await electron.collectGarbage();
    // The user clicks the first toast, still in the Action Center.
    expect(electron.Notification.deliver(0, 'click')).toBe(true);
    await until(() => expect(focusSent()).toEqual([{ host: 'local', agentId: 'artist' }]));
    // And its Refresh button: artist's sign-in is refreshed, not main's.
    expect(electron.Notification.deliver(0, 'action')).toBe(true);
    await until(() => expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']));
    expect(server.requests[0]!.refreshToken).toBe(b.refresh);
    await until(() => expect(running!.controller!.state().report.agents.find((x) => x.id === 'artist')?.status).toBe('ok'));
    expect(running!.controller!.state().report.agents.find((x) => x.id === 'main')?.status).not.toBe('ok');
  });

  it('on Windows: a toast that timed out into the Action Center still opens its agent when clicked there', async () => {
    await launch({ platform: 'win32' });
    await waitShown();
    electron.Notification.timeOut(0);
    await electron.collectGarbage();
    expect(electron.Notification.deliver(0, 'click')).toBe(true);
    await until(() => expect(focusSent()).toEqual([{ host: 'local', agentId: 'artist' }]));
  });

  it('on Windows: a toast left from an earlier run (a tag this run never showed, a body with no arguments) opens the panel and refreshes nothing', async () => {
    const server = await startTokenServer();
    cleanups.push(() => server.close());
    await launch({ platform: 'win32', env: { AUTHBAR_TOKEN_URL: server.url } });
    await waitShown();
    // As Electron 45 hands them over from the Action Center: a button with its tag, the body with no arguments.
    electron.Notification.activation!({ type: 'action', actionIndex: 0, arguments: 'type=action&action=0&tag=ab0123456789ab' });
    electron.Notification.activation!({ type: 'click', arguments: '' });
    await until(() => expect(panelWindow()?.visible).toBe(true));
    expect(focusSent()).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('says only what the platform offers: no Refresh button on Linux, and the packaged app points to the panel, not a CLI it does not have', async () => {
    await launch({ platform: 'linux', packaged: true });
    await waitShown();
    const shown = electron.Notification.shown[0]!;
    expect(shown.actions).toEqual([]);
    expect(shown.title).toMatch(/^Image generation for artist will fail in (39|40)m$/);
    expect(shown.body).not.toMatch(/Click Refresh|run: |authbar /i);
    expect(shown.body).toMatch(/AuthBar's panel/);
  });

  it('where notifications are unsupported nothing counts as sent: the panel carries a banner and the tray the status', async () => {
    const { running, tray } = await launch({ platform: 'linux', supported: false });
    await until(() => expect(running!.controller!.state().banner).toMatch(/Image generation for artist will fail/));
    expect(electron.Notification.shown).toHaveLength(0);
    expect(tray.image.path).toMatch(/tray-expiring/);
  });
  it('a notification the system refuses to show (Windows: \'failed\') is not counted as sent: the banner carries it', async () => {
    electron.reset({ platform: 'win32' });
    electron.Notification.failing = true;
    const d = makeStateDir({ agents: expiringArtist, imageGenerationModel: 'openai/gpt-image-2' });
    writeJson(join(d.authbarHome, 'settings.json'), SETTINGS);
    const running = await start({ env: d.env, platform: 'win32', trayHostAvailable: async () => true });
    cleanups.push(async () => {
      electron.app.quit();
      await running?.stopped;
      d.cleanup();
    });
    await until(() => expect(running!.controller!.state().banner).toMatch(/^Image generation for artist will fail in (39|40)m \(the system did not show/));
    expect(electron.Notification.shown).toHaveLength(0);
    // Not tried again and again: once, until the credential changes.
    electron.powerMonitor.emit('resume');
    await running!.controller!.rescan();
    expect(electron.called('notification.failed')).toHaveLength(1);
  });
});

describe('the panel', () => {
  it('opened at an agent from the menu gets the focus after its page has loaded, not before (where it would be lost)', async () => {
    const { tray } = await launch({ platform: 'linux' });
    menuItem(tray, /^artist:/).submenu.find((i: any) => i.label === 'Show in panel').click();
    await until(() => expect(focusSent()).toEqual([{ host: 'local', agentId: 'artist' }]));
    expect(panelWindow()!.webContents.lost.filter(([c]) => c === CHANNELS.focus)).toEqual([]);
  });

  it('shows at ready-to-show on the system theme\'s background, placed by the tray, with no application menu', async () => {
    const { tray } = await launch({ platform: 'darwin' });
    electron.nativeTheme.shouldUseDarkColors = true;
    // macOS: only Quit and Edit (copy and paste in the host form), no Reload, no DevTools.
    const [appMenu] = electron.called('Menu.setApplicationMenu').map((c) => c.args[0] as { template: any[] });
    const roles = JSON.stringify(appMenu!.template);
    expect(roles).toContain('"editMenu"');
    expect(roles).not.toMatch(/reload|toggleDevTools|viewMenu|windowMenu|forceReload/i);
    tray.userClick('left');
    menuItem(tray, 'Open panel…').click();
    const win = panelWindow()!;
    expect(win.options.show).toBe(false);
    expect(win.options.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(win.options.backgroundColor).not.toBe('#ffffff');
    await until(() => expect(win.visible).toBe(true));
    const order = electron.calls.map((c) => c.api);
    expect(order.lastIndexOf('window.show')).toBeGreaterThan(-1);
    // Below the tray icon, inside the work area (macOS menu bar at the top).
    expect(win.position).not.toBeNull();
    const [x, y] = win.position!;
    expect(y).toBeGreaterThanOrEqual(electron.screen.display.workArea.y);
    expect(x + win.options.width).toBeLessThanOrEqual(1440);
    expect(electron.called('app.focus').map((c) => c.args[0])).toEqual([{ steal: true }]);
  });

  it('answers IPC from its own page when the app runs from c:\\ on Windows (Chromium upper-cases the drive letter)', async () => {
    const paths = { panelHtml: 'c:\\Program Files\\AuthBar\\resources\\app.asar\\dist\\renderer\\panel.html', preload: 'c:\\Program Files\\AuthBar\\resources\\app.asar\\dist\\app\\preload.cjs', icon: (name: string) => `c:\\icons\\${name}` };
    const { tray } = await launch({ platform: 'win32', paths });
    tray.userClick('left');
    const win = panelWindow()!;
    await until(() => expect(win.webContents.mainFrame.url).toMatch(/^file:\/\/\/C:\//));
    const fromPanel = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const state: any = await electron.ipcMain.handlers.get(CHANNELS.getState)!(fromPanel, {});
    expect(state.report.agents.map((a: any) => a.id).sort()).toEqual(['artist', 'main']);
    const elsewhere = { sender: win.webContents, senderFrame: { url: 'file:///C:/Users/x/evil.html' } };
    await expect(electron.ipcMain.handlers.get(CHANNELS.getState)!(elsewhere, {})).rejects.toThrow(/unknown sender/);
  });
});

describe('tray clicks, per platform', () => {
  it('macOS: a click opens the set context menu once (no popUpContextMenu on top of it)', async () => {
    const { tray } = await launch({ platform: 'darwin' });
    tray.userClick('left');
    expect(tray.menuOpened).toBe(1);
    expect(electron.called('tray.popUpContextMenu')).toEqual([]);
  });

  it('Windows: a left click opens the panel, a right click the menu; no application menu behind Alt', async () => {
    const { tray } = await launch({ platform: 'win32' });
    expect(electron.called('Menu.setApplicationMenu').map((c) => c.args[0])).toEqual([null]);
    tray.userClick('left');
    expect(tray.menuOpened).toBe(0);
    await until(() => expect(panelWindow()?.visible).toBe(true));
    tray.userClick('right');
    expect(tray.menuOpened).toBe(1);
  });

  it('Linux with no tray host: the panel opens at launch and again on a second launch, so the app never runs unseen', async () => {
    await launch({ platform: 'linux', trayHost: false });
    await until(() => expect(panelWindow()?.visible).toBe(true));
    panelWindow()!.hide();
    electron.app.emit('second-instance');
    await until(() => expect(panelWindow()!.visible).toBe(true));
  });
});

describe('lifecycle', () => {
  it('registers before-quit before anything can fail, and quitting stops the controller and the tray', async () => {
    electron.reset({ platform: 'linux' });
    const d = makeStateDir({ agents: expiringArtist });
    cleanups.push(() => d.cleanup());
    writeJson(join(d.authbarHome, 'settings.json'), SETTINGS);
    const running = start({ env: d.env, platform: 'linux', trayHostAvailable: async () => true });
    expect(electron.app.listenerCount('before-quit')).toBeGreaterThan(0);
    const app = await running;
    await until(() => expect(electron.Tray.instances).toHaveLength(1));
    electron.app.quit();
    await app!.stopped;
    expect(electron.Tray.instances[0]!.destroyed).toBe(true);
  });

  /** The app on `platform`, with main's refresh started from the tray and its token answer held. */
  async function refreshHeldAtTheEndpoint(platform: NodeJS.Platform) {
    const server = await startTokenServer();
    cleanups.push(() => server.close());
    const issued = server.issue('acct-a');
    const launched = await launch({
      platform,
      agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-a', access: issued.access, refresh: issued.refresh, expiresInMs: 20 * MINUTE }) }) }],
      env: { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '30000' },
    });
    let answer = () => {};
    server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const quit = { willQuit: false };
    electron.app.once('will-quit', () => (quit.willQuit = true));
    menuItem(launched.tray, /^main:/).submenu[0].click();
    await server.received(1);
    return { ...launched, server, quit, answer: () => answer() };
  }

  it('quitting during a refresh waits for it: the rotated sign-in is in the store before the app goes', async () => {
    const { d, running, server, quit, answer, tray } = await refreshHeldAtTheEndpoint('linux');
    menuItem(tray, /^main:/).submenu.find((i: any) => i.label === 'Show in panel').click();
    await until(() => expect(panelWindow()?.visible).toBe(true));
    electron.app.quit();
    // Gone from sight at once, while the refresh finishes behind.
    expect(panelWindow()!.visible).toBe(false);
    // The answer is held at the token endpoint: the app does not go yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(quit.willQuit).toBe(false);
    expect(electron.called('app.quit.prevented')).toHaveLength(1);
    answer();
    await running!.stopped;
    await until(() => expect(quit.willQuit).toBe(true));
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
  });

  it('an OS shutdown or logout is never held, even during a refresh (macOS would read it as the app refusing)', async () => {
    const { running, quit, answer } = await refreshHeldAtTheEndpoint('darwin');
    electron.powerMonitor.emit('shutdown', { preventDefault() {} });
    electron.app.quit();
    expect(quit.willQuit).toBe(true);
    expect(electron.called('app.quit.prevented')).toEqual([]);
    answer();
    await running!.stopped;
  });

  it('with nothing in flight, a quit goes through at once', async () => {
    const { running } = await launch({ platform: 'darwin' });
    let willQuit = false;
    electron.app.once('will-quit', () => (willQuit = true));
    electron.app.quit();
    expect(willQuit).toBe(true);
    expect(electron.called('app.quit.prevented')).toEqual([]);
    await running!.stopped;
  });

  it('quits with the panel open: the window that only hides on close lets the quit through', async () => {
    const { running, tray } = await launch({ platform: 'win32' });
    menuItem(tray, /^main:/).submenu.find((i: any) => i.label === 'Show in panel').click();
    await until(() => expect(panelWindow()?.visible).toBe(true));
    electron.app.quit();
    await running!.stopped;
    expect(electron.called('app.quit.cancelled')).toEqual([]);
    expect(panelWindow()!.isDestroyed()).toBe(true);
  });

  it('macOS: reopening the app (activate) opens the panel', async () => {
    await launch({ platform: 'darwin' });
    electron.app.emit('activate', {}, false);
    await until(() => expect(panelWindow()?.visible).toBe(true));
  });

  it('a failure after IPC was set up (the first read) is shown in the panel too', async () => {
    electron.reset({ platform: 'linux' });
    const d = makeStateDir({ agents: expiringArtist });
    cleanups.push(() => d.cleanup());
    writeJson(join(d.authbarHome, 'settings.json'), SETTINGS);
    const { Controller } = await import('../../main/core/controller.ts');
    const running = await start({
      env: d.env,
      platform: 'linux',
      trayHostAvailable: async () => true,
      createController: (options) => Object.assign(new Controller(options), { start: async () => { throw new Error('the state dir vanished'); } }),
    });
    cleanups.push(async () => { electron.app.quit(); await running?.stopped; });
    await until(() => expect(panelWindow()?.visible).toBe(true));
    const win = panelWindow()!;
    await until(() => expect(win.webContents.loaded).toBe(true));
    const state: any = await electron.ipcMain.handlers.get(CHANNELS.getState)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, {});
    expect(state.banner).toBe('AuthBar could not start: the state dir vanished');
  });

  it('a start-up error is shown in the panel and logged in AuthBar\'s home, without tokens', async () => {
    electron.reset({ platform: 'linux' });
    const cred = codexCredential();
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    cleanups.push(() => d.cleanup());
    writeJson(join(d.authbarHome, 'settings.json'), SETTINGS);
    const running = await start({
      env: d.env,
      platform: 'linux',
      trayHostAvailable: async () => true,
      createController: () => { throw new Error(`could not start: ${cred.refresh} broke`); },
    });
    cleanups.push(async () => { electron.app.quit(); await running?.stopped; });
    await until(() => expect(panelWindow()?.visible).toBe(true));
    await until(() => expect(panelWindow()!.webContents.sent.some(([c]) => c === CHANNELS.state)).toBe(true));
    const [, state] = panelWindow()!.webContents.sent.find(([c]) => c === CHANNELS.state)! as [string, any];
    expect(state.banner).toMatch(/AuthBar could not start: could not start/);
    const log = readFileSync(join(d.authbarHome, 'authbar.log'), 'utf8');
    expect(log).toMatch(/could not start/);
    expect(secretsIn(cred).some((s) => log.includes(s) || JSON.stringify(state).includes(s))).toBe(false);
  });
});

describe('start at login', () => {
  it('is off on a first launch of the installed app, which opens the panel with a welcome; the answer is applied', async () => {
    const { d, running } = await launch({ platform: 'linux', settings: null, packaged: true });
    await until(() => expect(panelWindow()?.visible).toBe(true));
    const controller = running!.controller!;
    expect(controller.state().firstLaunch).toBe(true);
    expect(controller.getSettings().startAtLogin).toBe(false);
    const entry = join(d.env.HOME!, '.config', 'autostart', 'authbar.desktop');
    expect(existsSync(entry)).toBe(false);
    // The welcome's "Start AuthBar at login", answered yes.
    await controller.updateSettings({ startAtLogin: true });
    await until(() => expect(existsSync(entry)).toBe(true));
    expect(controller.state().firstLaunch).toBe(false);
  });

  it('macOS, installed: off on a first launch, Electron\'s login item only once chosen', async () => {
    const { running } = await launch({ platform: 'darwin', settings: null, packaged: true });
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    await running!.controller!.updateSettings({ startAtLogin: true });
    await until(() => expect(electron.called('app.setLoginItemSettings').map((c) => c.args[0])).toEqual([{ openAtLogin: true }]));
  });

  it('Windows: disabled in Task Manager, then launched with the setting on: it stays disabled, and AuthBar\'s setting turns off and says so', async () => {
    electron.reset({ platform: 'win32', isPackaged: true });
    // As a previous run registered it, then the user's Disable in Task Manager.
    electron.loginOs.run.set('dev.authbar.app', process.execPath);
    electron.userInOs.taskManager('dev.authbar.app', false);
    const before = { run: [...electron.loginOs.run], disabled: [...electron.loginOs.disabled] };
    const { d, running } = await launch({ platform: 'win32', packaged: true, settings: { startAtLogin: true }, keepLoginItems: true });
    const controller = running!.controller!;
    await until(() => expect(controller.getSettings().startAtLogin).toBe(false));
    expect(controller.state().notices.join()).toMatch(/Start at login was turned off in Task Manager.*AuthBar's setting now says so/);
    expect(JSON.parse(readFileSync(join(d.authbarHome, 'settings.json'), 'utf8')).startAtLogin).toBe(false);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    expect({ run: [...electron.loginOs.run], disabled: [...electron.loginOs.disabled] }).toEqual(before);
  });

  it('Linux: an autostart entry the user hid (Hidden=true) stays hidden; AuthBar\'s setting turns off and says so', async () => {
    const hidden = `[Desktop Entry]\nType=Application\nName=AuthBar\nExec=${process.execPath}\nHidden=true\n`;
    const { d, running } = await launch({ platform: 'linux', packaged: true, settings: { startAtLogin: true }, before: (env) => {
      const entry = join(env.HOME!, '.config', 'autostart', 'authbar.desktop');
      mkdirSync(dirname(entry), { recursive: true });
      writeFileSync(entry, hidden);
    } });
    const controller = running!.controller!;
    await until(() => expect(controller.getSettings().startAtLogin).toBe(false));
    expect(controller.state().notices.join()).toMatch(/turned off in your desktop's startup applications/);
    expect(readFileSync(join(d.env.HOME!, '.config', 'autostart', 'authbar.desktop'), 'utf8')).toBe(hidden);
  });

  it('macOS 13+: waiting for the user\'s approval keeps the setting on and says where to approve; nothing is registered again', async () => {
    electron.reset({ platform: 'darwin', isPackaged: true });
    electron.loginOs.macStatus = 'requires-approval';
    const { running } = await launch({ platform: 'darwin', packaged: true, settings: { startAtLogin: true }, keepLoginItems: true });
    const controller = running!.controller!;
    await until(() => expect(controller.state().notices.join()).toMatch(/System Settings > General > Login Items/));
    expect(controller.getSettings().startAtLogin).toBe(true);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
  });

  it('in development never registers the bare Electron binary as a login item', async () => {
    const { running } = await launch({ platform: 'darwin', packaged: false, settings: { startAtLogin: true } });
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    await until(() => expect(running!.controller!.state().notices.join()).toMatch(/works in the installed app/));
  });
});

describe('install command-line tool (tray item, through the command layer)', () => {
  const calm: Agents = [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }];
  const launcherIn = (d: { env: Record<string, string> }) => join(d.env.HOME!, '.local', 'bin', 'authbar');

  it('installed on Linux: writes ~/.local/bin/authbar running the app executable with --cli, and says so in a notification', async () => {
    const { d, tray } = await launch({ platform: 'linux', packaged: true, agents: calm });
    menuItem(tray, 'Install command-line tool').click();
    await waitShown();
    const launcher = launcherIn(d);
    expect(readFileSync(launcher, 'utf8')).toBe(`#!/bin/sh\n# authbar launcher, written by AuthBar's "Install command-line tool"\nexec '${process.execPath}' '--ozone-platform=headless' '--disable-gpu' '--cli' "$@"\n`);
    expect(statSync(launcher).mode & 0o777).toBe(0o755);
    expect(electron.Notification.shown[0]!.body).toMatch(/^Installed authbar in .*\.local\/bin; add it to your PATH/);
  });

  it('from an AppImage: the launcher starts the AppImage file, not its temporary mount', async () => {
    const { d, tray } = await launch({ platform: 'linux', packaged: true, agents: calm, env: { APPIMAGE: '/home/me/Apps/AuthBar.AppImage' } });
    menuItem(tray, 'Install command-line tool').click();
    await waitShown();
    expect(readFileSync(launcherIn(d), 'utf8')).toContain(`exec '/home/me/Apps/AuthBar.AppImage' '--ozone-platform=headless' '--disable-gpu' '--cli' "$@"`);
  });

  it('never overwrites a file of someone else\'s: it stays, and the panel says what to do', async () => {
    const { d, running, tray } = await launch({ platform: 'linux', packaged: true, agents: calm });
    mkdirSync(dirname(launcherIn(d)), { recursive: true });
    writeFileSync(launcherIn(d), '#!/bin/sh\necho mine\n');
    menuItem(tray, 'Install command-line tool').click();
    await until(() => expect(running!.controller!.state().notices.join()).toMatch(/exists and is not AuthBar's launcher; move it away/));
    expect(readFileSync(launcherIn(d), 'utf8')).toBe('#!/bin/sh\necho mine\n');
    expect(electron.Notification.shown).toHaveLength(0);
  });

  it("the panel's button: its IPC answers with what was done (no notification: the panel shows it), a request with extras is refused", async () => {
    const { d, tray } = await launch({ platform: 'linux', packaged: true, agents: calm });
    menuItem(tray, 'Open panel…').click();
    const win = panelWindow()!;
    await until(() => expect(win.webContents.mainFrame.url).toMatch(/^file:/));
    const fromPanel = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const install = electron.ipcMain.handlers.get(CHANNELS.installCli)!;
    await expect(install(fromPanel, { path: '/usr/bin/authbar' })).rejects.toThrow(/invalid request/);
    expect(existsSync(launcherIn(d))).toBe(false);
    expect(await install(fromPanel, {})).toMatch(/^Installed authbar in .*\.local\/bin/);
    expect(readFileSync(launcherIn(d), 'utf8')).toContain("'--cli' \"$@\"");
    expect(electron.Notification.shown).toHaveLength(0);
  });

  it('in development installs nothing and says why', async () => {
    const { d, running, tray } = await launch({ platform: 'linux', packaged: false, agents: calm });
    menuItem(tray, 'Install command-line tool').click();
    await until(() => expect(running!.controller!.state().notices.join()).toMatch(/a development run installs nothing/));
    expect(existsSync(dirname(launcherIn(d)))).toBe(false);
  });
});

describe('the network and the OS', () => {
  it('a refresh from the app goes out through Electron\'s net.fetch (system proxy and certificates)', async () => {
    const server = await startTokenServer();
    cleanups.push(() => server.close());
    const issued = server.issue('acct-a');
    const { tray } = await launch({
      platform: 'linux',
      agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-a', access: issued.access, refresh: issued.refresh, expiresInMs: 20 * MINUTE }) }) }],
      env: { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' },
    });
    menuItem(tray, /^main:/).submenu[0].click();
    await until(() => expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']));
    // The token request, and the app's usage asks (at the helper's dead loopback URL): all through net.fetch.
    const fetched = electron.called('net.fetch').map((c) => c.args[0]);
    expect(fetched.filter((url) => url === server.url)).toHaveLength(1);
    expect(fetched.filter((url) => url !== server.url).every((url) => String(url).endsWith('/backend-api/wham/usage'))).toBe(true);
  });

  it('resume and unlock reconnect every remote host at once', async () => {
    const { running } = await launch({ platform: 'darwin' });
    const reconnect = vi.spyOn(running!.controller!, 'reconnectHosts');
    electron.powerMonitor.emit('resume');
    electron.powerMonitor.emit('unlock-screen');
    expect(reconnect).toHaveBeenCalledTimes(2);
  });
});
