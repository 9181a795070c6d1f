// The Electron glue piece by piece, against the electron stand-in (the binary cannot run
// here): which image and menu reach the tray, how the panel window is locked down, that IPC
// refuses strangers and validates payloads, and what reaches the login item. The whole app
// started as `start(deps)` is in start.test.ts. The core behind it is real: a Controller over
// a real temp state dir.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../helpers/electron-stand-in.ts'));

/** Waits on a condition, generously: the machine may be loaded; nothing here is timed. */
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 20_000, interval: 20 });

const electron = await import('../helpers/electron-stand-in.ts');
const { setupTray, trayImagePath } = await import('../../main/app/tray.ts');
const { createPanel } = await import('../../main/app/panel-window.ts');
const { isPanelUrl, setupIpc } = await import('../../main/app/ipc.ts');
const { applyStartAtLogin, followOsAtLaunch } = await import('../../main/app/login-item.ts');
const { autostartEntry, parseAutostartEntry } = await import('../../main/core/ui/autostart.ts');
const { bundledPaths } = await import('../../main/app/paths.ts');
const { Controller } = await import('../../main/core/controller.ts');
const { createCommands } = await import('../../main/core/commands.ts');
const { createHandlers } = await import('../../main/core/panel-handlers.ts');
const { CHANNELS } = await import('../../main/core/panel-api.ts');
const { makeStateDir, storeDocument } = await import('../helpers/state-dir.ts');
const { codexCredential } = await import('../helpers/tokens.ts');

const HOUR = 3_600_000;
const ROOT = join(import.meta.dirname, '..', '..');
const paths = bundledPaths(join(ROOT, 'dist'));
let cleanups: Array<() => unknown> = [];
beforeEach(async () => {
  electron.reset();
  await electron.app.whenReady();
});
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function controllerWith(agents: Parameters<typeof makeStateDir>[0]['agents']) {
  const d = makeStateDir({ agents });
  const controller = new Controller({ env: d.env });
  await controller.rescan();
  cleanups.push(() => d.cleanup());
  return { d, controller };
}

describe('tray', () => {
  it('shows the worst status as its icon, a summary tooltip, and the menu model as its context menu', async () => {
    const { controller } = await controllerWith([
      { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'b', expiresInMs: -HOUR }) }) },
    ]);
    const commands: unknown[] = [];
    const tray = setupTray({ getState: () => controller.state(), run: (c) => commands.push(c), platform: 'linux', paths });
    cleanups.push(() => tray.destroy());
    const instance = electron.Tray.instances[0]!;
    expect(instance.image.path).toBe(trayImagePath('error', 'linux', paths));
    expect(instance.image.path.endsWith(join('icons', 'tray-error.png'))).toBe(true);
    expect(existsSync(instance.image.path)).toBe(true);
    expect(instance.tooltip).toMatch(/^1 of 2 agents needs attention; next expiry: main, (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d$/);
    const template = instance.menu!.template;
    expect(template.map((i: any) => i.label ?? i.type)).toEqual([
      expect.stringMatching(/^main: ok, until \w{3} \d\d:\d\d$/), expect.stringMatching(/^artist: expired, since \w{3} \d\d:\d\d$/), 'separator', 'Refresh all', 'Open panel…',
      'separator', 'Start at login', 'Notifications', 'Keep tokens fresh', 'Keep copies in sync', 'separator', 'Install command-line tool', 'Quit AuthBar',
    ]);
    template[1].submenu[0].click();
    template[3].click();
    template[6].click();
    expect(commands).toEqual([{ kind: 'refresh', ref: { host: 'local', agentId: 'artist' } }, { kind: 'refresh-all' }, { kind: 'set-settings', patch: { startAtLogin: true } }]);
    expect(template[6]).toMatchObject({ type: 'checkbox', checked: false });
  });

  it('asks usage when its menu opens (macOS click, Windows right click); Linux tells no one, and its panel asks instead', async () => {
    const { controller } = await controllerWith([{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }]);
    for (const [platform, button, asks] of [['darwin', 'left', 1], ['win32', 'right', 1], ['win32', 'left', 0], ['linux', 'left', 0]] as const) {
      electron.reset({ platform });
      await electron.app.whenReady();
      const commands: Array<{ kind: string }> = [];
      const tray = setupTray({ getState: () => controller.state(), run: (c) => commands.push(c), platform, paths });
      electron.Tray.instances[0]!.userClick(button);
      tray.destroy();
      expect(commands.filter((c) => c.kind === 'check-usage'), `${platform} ${button} click`).toHaveLength(asks);
    }
  });

  // As main.ts wires it: the menu's opening asks usage (here: a rescan), and every state event updates the tray.
  async function trayAsInMain(platform: NodeJS.Platform, agents: Parameters<typeof makeStateDir>[0]['agents']) {
    const { d, controller } = await controllerWith(agents);
    electron.reset({ platform });
    await electron.app.whenReady();
    const commands: Array<{ kind: string }> = [];
    const rescans: Array<Promise<void>> = [];
    const tray = setupTray({
      getState: () => controller.state(),
      run: (c) => {
        commands.push(c);
        if (c.kind === 'check-usage') rescans.push(controller.rescan());
      },
      platform,
      paths,
    });
    const stop = controller.on((event) => event.type === 'state' && tray.update());
    cleanups.push(() => {
      stop();
      tray.destroy();
    });
    return { d, controller, commands, rescans, instance: electron.Tray.instances[0]! };
  }
  const choice = (menu: { template: any[] }, label: string | RegExp): any =>
    menu.template.find((i: any) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));

  it('keeps the menu a user has open: the rescan its opening asks for replaces nothing, and the choice made on it counts (macOS, Windows)', async () => {
    for (const [platform, button] of [['darwin', 'left'], ['win32', 'right']] as const) {
      const { commands, rescans, instance } = await trayAsInMain(platform, [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }]);
      const sets = electron.called('tray.setContextMenu').length;
      instance.userClick(button);
      const open = instance.menu!;
      expect(open.open, platform).toBe(true);
      expect(rescans, platform).toHaveLength(1);
      await Promise.all(rescans);
      choice(open, 'Refresh all').click();
      expect(commands.map((c) => c.kind), platform).toEqual(['check-usage', 'refresh-all']);
      // The same menu model: nothing to set, and certainly not over the open menu.
      expect(electron.called('tray.setContextMenu').length, platform).toBe(sets);
    }
  });

  it('sets a menu whose model changed while it was open only once it has closed; the icon and tooltip change at once', async () => {
    const { d, controller, commands, rescans, instance } = await trayAsInMain('darwin', [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }]);
    instance.userClick('left');
    const open = instance.menu!;
    expect(choice(open, /^main:/).label).toMatch(/^main: ok/);
    await Promise.all(rescans);
    // Meanwhile the sign-in expired: the next rescan's menu differs.
    d.writeStore('main', storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: -HOUR }) }));
    await controller.rescan();
    expect(open.gone, 'the open menu was replaced').toBe(false);
    expect(instance.menu).toBe(open);
    expect(open.open).toBe(true);
    expect(instance.image.path).toBe(trayImagePath('error', 'darwin', paths));
    choice(open, 'Open panel…').click();
    expect(commands.map((c) => c.kind)).toEqual(['check-usage', 'open-panel']);
    await until(() => expect(instance.menu).not.toBe(open));
    expect(choice(instance.menu!, /^main:/).label).toMatch(/^main: expired/);
  });

  it('sets a changed menu once a menu closed without a choice (dismissed)', async () => {
    const { d, controller, rescans, instance } = await trayAsInMain('win32', [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }]);
    instance.userClick('right');
    const open = instance.menu!;
    await Promise.all(rescans);
    d.writeStore('main', storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: -HOUR }) }));
    await controller.rescan();
    expect(open.gone, 'the open menu was replaced').toBe(false);
    expect(instance.menu).toBe(open);
    open.dismiss();
    await until(() => expect(choice(instance.menu!, /^main:/).label).toMatch(/^main: expired/));
  });

  it('Linux: a left click opens the panel where the host activates the item (KDE Plasma); where it opens the menu (GNOME AppIndicator) the menu is there', async () => {
    const { controller } = await controllerWith([{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }]);
    for (const trayHost of ['kde', 'gnome-appindicator'] as const) {
      electron.reset({ platform: 'linux', trayHost });
      await electron.app.whenReady();
      const commands: Array<{ kind: string }> = [];
      const tray = setupTray({ getState: () => controller.state(), run: (c) => commands.push(c), platform: 'linux', paths });
      const instance = electron.Tray.instances[0]!;
      instance.userClick('left');
      instance.userClick('right');
      tray.destroy();
      expect(commands, trayHost).toEqual(trayHost === 'kde' ? [{ kind: 'open-panel' }] : []);
      expect(instance.menuOpened, trayHost).toBe(trayHost === 'kde' ? 1 : 2);
    }
  });

  it('uses macOS template images on macOS', () => {
    expect(trayImagePath('expiring', 'darwin', paths).endsWith(join('icons', 'tray-expiringTemplate.png'))).toBe(true);
  });
});

describe('panel window', () => {
  it('is sandboxed and isolated, denies new windows, navigation and permissions, and only hides on close', async () => {
    const panel = createPanel({ paths, platform: 'linux', trayBounds: () => null });
    cleanups.push(() => panel.destroy());
    panel.open();
    const win = electron.BrowserWindow.instances[0]!;
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: true });
    expect(prefs.preload).toBe(paths.preload);
    expect(win.loaded).toBe(paths.panelHtml);
    expect(win.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    win.webContents.emit('will-navigate', event, 'https://example.com');
    expect(event.prevented).toBe(true);
    let granted: boolean | null = null;
    electron.session.defaultSession.permissionRequest!({}, 'notifications', (ok) => (granted = ok));
    expect(granted).toBe(false);
    await until(() => expect(win.visible).toBe(true));
    const close = { prevented: false, preventDefault() { this.prevented = true; } };
    win.emit('close', close);
    expect(close.prevented).toBe(true);
    expect(win.visible).toBe(false);
  });

  it('has one CSP, the strict meta tag of the page it loads (a header does not apply to file://)', () => {
    const html = readFileSync(paths.panelHtml, 'utf8');
    const csps = [...html.matchAll(/http-equiv="Content-Security-Policy" content="([^"]+)"/g)].map((m) => m[1]);
    expect(csps).toHaveLength(1);
    expect(csps[0]).toContain("default-src 'none'");
    expect(csps[0]).toContain("script-src 'self'");
    expect(csps[0]).toContain("connect-src 'none'");
    expect(csps[0]).not.toContain('unsafe');
  });
});

describe('ipc', () => {
  it('answers only its own panel\'s page once loaded, validates every payload, and pushes state to the panel', async () => {
    const { controller } = await controllerWith([{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential() }) }]);
    // This machine's own paths, so the platform is this machine's too (the CI matrix runs it on each).
    electron.reset({ platform: process.platform });
    await electron.app.whenReady();
    const panel = createPanel({ paths, platform: process.platform, trayBounds: () => null });
    cleanups.push(() => panel.destroy());
    const run = createCommands(controller, { copy: () => {}, openFolder: async () => {}, openPanel: () => {}, quit: () => {} });
    cleanups.push(setupIpc({ handlers: createHandlers(controller, run), panel: () => panel.window(), panelHtml: paths.panelHtml, platform: process.platform, controller }));
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(Object.values(CHANNELS).filter((c) => c !== CHANNELS.state && c !== CHANNELS.focus).sort());
    panel.open();
    const win = electron.BrowserWindow.instances[0]!;
    const getState = electron.ipcMain.handlers.get(CHANNELS.getState)!;
    // Before the load commits the frame has no URL: nothing is trusted yet.
    await expect(getState({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, {})).rejects.toThrow(/unknown sender/);
    await until(() => expect(win.webContents.loaded).toBe(true));
    const fromPanel = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const state: any = await getState(fromPanel, {});
    expect(state.report.agents.map((a: any) => a.id)).toEqual(['main']);
    await expect(getState({ sender: {}, senderFrame: null }, {})).rejects.toThrow(/unknown sender/);
    const subframe = { sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url } };
    await expect(getState(subframe, {})).rejects.toThrow(/unknown sender/);
    await expect(electron.ipcMain.handlers.get(CHANNELS.refresh)!(fromPanel, { host: 'local', agentId: '../etc' })).rejects.toThrow(/invalid request/);
    await expect(electron.ipcMain.handlers.get(CHANNELS.refresh)!(fromPanel, { host: 'local', agentId: 'main', extra: 1 })).rejects.toThrow(/invalid request/);
    // Electron's structured clone keeps a key whose value is undefined (found by an attack review).
    await expect(electron.ipcMain.handlers.get(CHANNELS.setSettings)!(fromPanel, structuredClone({ startAtLogin: undefined }))).rejects.toThrow(/^authbar:set-settings: invalid request$/);
    await controller.rescan();
    expect(win.webContents.sent.some(([channel]) => channel === CHANNELS.state)).toBe(true);
    expect(JSON.stringify(win.webContents.sent)).not.toMatch(/rt_[0-9a-f]{8}/);
  });

  it('compares the page as a path: Windows drive letters and case, no query or other file', () => {
    const html = 'c:\\Program Files\\AuthBar\\resources\\app.asar\\dist\\renderer\\panel.html';
    expect(isPanelUrl('file:///C:/Program%20Files/AuthBar/resources/app.asar/dist/renderer/panel.html', html, 'win32')).toBe(true);
    expect(isPanelUrl('file:///C:/Program%20Files/AuthBar/resources/app.asar/dist/renderer/panel.html#x', html, 'win32')).toBe(true);
    expect(isPanelUrl('file:///C:/Program%20Files/AuthBar/resources/app.asar/dist/renderer/other.html', html, 'win32')).toBe(false);
    expect(isPanelUrl('https://evil.example/panel.html', html, 'win32')).toBe(false);
    expect(isPanelUrl('file:///opt/AuthBar/resources/app.asar/dist/renderer/panel.html', '/opt/AuthBar/resources/app.asar/dist/renderer/panel.html', 'linux')).toBe(true);
    expect(isPanelUrl('file:///opt/AuthBar/resources/app.asar/dist/renderer/../renderer/panel.html', '/opt/AuthBar/resources/app.asar/dist/renderer/panel.html', 'linux')).toBe(true);
    expect(isPanelUrl('file:///OPT/AuthBar/resources/app.asar/dist/renderer/panel.html', '/opt/AuthBar/resources/app.asar/dist/renderer/panel.html', 'linux')).toBe(false);
  });
});

describe('start at login', () => {
  it('uses Electron\'s login item on macOS and Windows, an XDG entry on Linux, and only for the installed app', async () => {
    electron.app.isPackaged = true;
    await applyStartAtLogin(true, { platform: 'darwin', env: {} });
    await applyStartAtLogin(false, { platform: 'win32', env: {}, appId: 'dev.authbar.app' });
    expect(electron.called('app.setLoginItemSettings').map((c) => c.args[0])).toEqual([{ openAtLogin: true }, { openAtLogin: false, name: 'dev.authbar.app' }]);
    const d = makeStateDir({ agents: [] });
    cleanups.push(() => d.cleanup());
    const env = { XDG_CONFIG_HOME: join(d.root, 'xdg') };
    await applyStartAtLogin(true, { platform: 'linux', env, execPath: '/opt/AuthBar/authbar' });
    const entry = join(d.root, 'xdg', 'autostart', 'authbar.desktop');
    expect(readFileSync(entry, 'utf8')).toContain('Exec=/opt/AuthBar/authbar\n');
    await applyStartAtLogin(false, { platform: 'linux', env });
    expect(existsSync(entry)).toBe(false);
    electron.app.isPackaged = false;
    expect(await applyStartAtLogin(true, { platform: 'linux', env })).toMatch(/installed app/);
    expect(existsSync(entry)).toBe(false);
  });
});

describe('start at login at launch: the OS holds the user\'s latest choice', () => {
  const APP_ID = 'dev.authbar.app';
  const EXE = 'C:\\Users\\me\\AppData\\Local\\Programs\\AuthBar\\AuthBar.exe';
  function tempHome() {
    const d = makeStateDir({ agents: [] });
    cleanups.push(() => d.cleanup());
    return d;
  }
  const packaged = (platform: NodeJS.Platform) => {
    electron.reset({ platform, isPackaged: true });
    if (platform === 'win32') electron.app.setAppUserModelId(APP_ID);
    electron.calls.length = 0;
  };

  it('Windows: turned on in AuthBar registers it enabled, named by the AppUserModelId, at this executable', async () => {
    packaged('win32');
    const d = tempHome();
    await applyStartAtLogin(true, { platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome });
    expect(electron.called('app.setLoginItemSettings').map((c) => c.args[0])).toEqual([{ openAtLogin: true, enabled: true, name: APP_ID, path: EXE, args: [] }]);
    expect(electron.app.getLoginItemSettings({ path: EXE }).launchItems).toMatchObject([{ name: APP_ID, enabled: true }]);
  });

  it('Windows: disabled in Task Manager stays disabled; AuthBar\'s setting turns off, once, saying where', async () => {
    packaged('win32');
    const d = tempHome();
    await applyStartAtLogin(true, { platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome });
    electron.userInOs.taskManager(APP_ID, false);
    electron.calls.length = 0;
    const seen = await followOsAtLaunch({ platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome });
    expect(seen.keep).toBe(false);
    expect(seen.message).toMatch(/^Start at login was turned off in Task Manager/);
    expect(seen.message).toMatch(/AuthBar's setting now says so/);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    expect(electron.app.getLoginItemSettings({ path: EXE })).toMatchObject({ executableWillLaunchAtLogin: false, launchItems: [{ name: APP_ID, enabled: false }] });
  });

  it('Windows: an item the user removed is not put back', async () => {
    packaged('win32');
    const d = tempHome();
    const seen = await followOsAtLaunch({ platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome });
    expect(seen.keep).toBe(false);
    expect(seen.message).toMatch(/turned off or removed in Task Manager/);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    expect(electron.loginOs.run.size).toBe(0);
  });

  it('Windows: a moved app re-registers where it now is, passing enabled so Task Manager\'s choice stands', async () => {
    packaged('win32');
    const d = tempHome();
    const old = 'D:\\Apps\\AuthBar\\AuthBar.exe';
    await applyStartAtLogin(true, { platform: 'win32', env: {}, execPath: old, appId: APP_ID, home: d.authbarHome });
    electron.calls.length = 0;
    const seen = await followOsAtLaunch({ platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome });
    expect(seen).toEqual({ keep: true, message: null });
    expect(electron.called('app.setLoginItemSettings').map((c) => c.args[0])).toEqual([{ openAtLogin: true, enabled: true, name: APP_ID, path: EXE, args: [] }]);
    expect(electron.loginOs.run.get(APP_ID)).toBe(EXE);
    // Where the OS shows it as it should be, nothing is rewritten.
    electron.calls.length = 0;
    expect(await followOsAtLaunch({ platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome })).toEqual({ keep: true, message: null });
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
  });

  it('Windows: a moved app whose old item the user disabled is not re-registered at all', async () => {
    packaged('win32');
    const d = tempHome();
    const old = 'D:\\Apps\\AuthBar\\AuthBar.exe';
    await applyStartAtLogin(true, { platform: 'win32', env: {}, execPath: old, appId: APP_ID, home: d.authbarHome });
    electron.userInOs.taskManager(APP_ID, false);
    electron.calls.length = 0;
    const seen = await followOsAtLaunch({ platform: 'win32', env: {}, execPath: EXE, appId: APP_ID, home: d.authbarHome });
    expect(seen.keep).toBe(false);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    expect(electron.loginOs.disabled.has(APP_ID)).toBe(true);
  });

  it('macOS 13+: removed in System Settings turns AuthBar\'s setting off; waiting for approval keeps it and says where to approve', async () => {
    packaged('darwin');
    await applyStartAtLogin(true, { platform: 'darwin', env: {} });
    expect(electron.app.getLoginItemSettings().status).toBe('enabled');
    electron.calls.length = 0;
    expect(await followOsAtLaunch({ platform: 'darwin', env: {} })).toEqual({ keep: true, message: null });
    electron.userInOs.removeLoginItem();
    const removed = await followOsAtLaunch({ platform: 'darwin', env: {} });
    expect(removed.keep).toBe(false);
    expect(removed.message).toMatch(/^Start at login was turned off or removed in System Settings > General > Login Items; AuthBar's setting now says so/);
    electron.loginOs.macStatus = 'requires-approval';
    const pending = await followOsAtLaunch({ platform: 'darwin', env: {} });
    expect(pending.keep).toBe(true);
    expect(pending.message).toMatch(/System Settings > General > Login Items/);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
  });

  it('macOS before 13 (no status): openAtLogin false means the user removed it', async () => {
    packaged('darwin');
    electron.loginOs.macos13 = false;
    await applyStartAtLogin(true, { platform: 'darwin', env: {} });
    electron.calls.length = 0;
    expect(await followOsAtLaunch({ platform: 'darwin', env: {} })).toEqual({ keep: true, message: null });
    electron.userInOs.removeLoginItem();
    const removed = await followOsAtLaunch({ platform: 'darwin', env: {} });
    expect(removed.keep).toBe(false);
    expect(removed.message).toMatch(/Login Items/);
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
  });

  describe('Linux', () => {
    function linux() {
      packaged('linux');
      const d = tempHome();
      const env = { XDG_CONFIG_HOME: join(d.root, 'xdg') };
      const entry = join(d.root, 'xdg', 'autostart', 'authbar.desktop');
      return { env, entry };
    }

    it('an entry the user hid (Hidden=true, or X-GNOME-Autostart-enabled=false) stays as the user left it', async () => {
      for (const edit of [(t: string) => `${t}Hidden=true\n`, (t: string) => t.replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false')]) {
        const { env, entry } = linux();
        await applyStartAtLogin(true, { platform: 'linux', env, execPath: '/opt/AuthBar/authbar-app' });
        const hidden = edit(readFileSync(entry, 'utf8'));
        writeFileSync(entry, hidden);
        const seen = await followOsAtLaunch({ platform: 'linux', env, execPath: '/opt/AuthBar/authbar-app' });
        expect(seen.keep).toBe(false);
        expect(seen.message).toMatch(/^Start at login was turned off in your desktop's startup applications/);
        expect(readFileSync(entry, 'utf8')).toBe(hidden);
      }
    });

    it('an entry the user deleted is not written again', async () => {
      const { env, entry } = linux();
      const seen = await followOsAtLaunch({ platform: 'linux', env, execPath: '/opt/AuthBar/authbar-app' });
      expect(seen.keep).toBe(false);
      expect(existsSync(entry)).toBe(false);
    });

    it('a moved AppImage: the enabled entry is rewritten for where it now is; an entry as it should be is left alone', async () => {
      const { env, entry } = linux();
      await applyStartAtLogin(true, { platform: 'linux', env: { ...env, APPIMAGE: '/home/me/Old/AuthBar.AppImage' } });
      const moved = { ...env, APPIMAGE: '/home/me/Apps/AuthBar 2.AppImage' };
      expect(await followOsAtLaunch({ platform: 'linux', env: moved })).toEqual({ keep: true, message: null });
      expect(parseAutostartEntry(readFileSync(entry, 'utf8')).command).toEqual(['/home/me/Apps/AuthBar 2.AppImage']);
      // The user's own touches (a delay) stay when the path is already right.
      const touched = `${readFileSync(entry, 'utf8')}X-GNOME-Autostart-Delay=10\n`;
      writeFileSync(entry, touched);
      expect(await followOsAtLaunch({ platform: 'linux', env: moved })).toEqual({ keep: true, message: null });
      expect(readFileSync(entry, 'utf8')).toBe(touched);
    });
  });

  it('the XDG entry names the packaged icon (build.linux.executableName) and quotes Exec as the Desktop Entry spec says', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).build;
    const text = autostartEntry(['/opt/My Apps\\x/authbar-app']);
    expect(text).toContain(`\nIcon=${build.linux.executableName}\n`);
    // Quoting turns \ into \\, and the string escape rule applied after it doubles each again:
    // "a literal backslash in a quoted argument ... requires four successive backslash characters".
    expect(text).toContain('\nExec="/opt/My Apps\\\\\\\\x/authbar-app"\n');
    expect(autostartEntry(['/home/me/~apps/authbar-app'])).toContain('\nExec="/home/me/~apps/authbar-app"\n');
    // A newline in a path is escaped, never a new key.
    const injected = autostartEntry(['/tmp/a\nHidden=true']);
    expect(injected.split('\n').filter((l) => l.startsWith('Hidden'))).toEqual([]);
    for (const path of ['/opt/My Apps\\x/authbar-app', '/tmp/a"b$c`d', '/tmp/100%/authbar-app', '/tmp/a\nHidden=true', '/plain/authbar-app']) {
      expect(parseAutostartEntry(autostartEntry([path])).command).toEqual([path]);
    }
  });
});
