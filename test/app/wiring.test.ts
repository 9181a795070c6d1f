// The Electron glue, against a small stand-in for the `electron` module (the binary cannot run
// here): which image and menu reach the tray, which settings reach the login item, how the panel
// window is locked down, that IPC refuses strangers and validates payloads, and that a due
// notification is shown and opens the panel. The core behind it is real: a Controller over a
// real temp state dir.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../helpers/electron-stand-in.ts'));

const electron = await import('../helpers/electron-stand-in.ts');
const { setupTray, trayImagePath } = await import('../../main/app/tray.ts');
const { createPanelWindow, PANEL_CSP } = await import('../../main/app/panel-window.ts');
const { setupIpc } = await import('../../main/app/ipc.ts');
const { applyStartAtLogin } = await import('../../main/app/login-item.ts');
const { setupNotifications } = await import('../../main/app/notifications.ts');
const { Controller } = await import('../../main/core/controller.ts');
const { CHANNELS } = await import('../../main/core/panel-api.ts');
const { makeStateDir, storeDocument } = await import('../helpers/state-dir.ts');
const { codexCredential } = await import('../helpers/tokens.ts');

const HOUR = 3_600_000;
let cleanups: Array<() => unknown> = [];
beforeEach(() => electron.reset());
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function controllerWith(agents: Parameters<typeof makeStateDir>[0]['agents'], imageGenerationModel?: string) {
  const d = makeStateDir({ agents, imageGenerationModel });
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
    const actions: unknown[] = [];
    const tray = setupTray({ getState: () => controller.state(), startAtLogin: () => true, dispatch: (a) => actions.push(a), platform: 'linux' });
    cleanups.push(() => tray.destroy());
    const instance = electron.Tray.instances[0]!;
    expect(instance.image.path).toBe(trayImagePath('error', 'linux'));
    expect(instance.image.path.endsWith(join('icons', 'tray-error.png'))).toBe(true);
    expect(instance.tooltip).toMatch(/^1 of 2 agents needs attention; next expiry: main in 2d 1h$/);
    const template = instance.menu!.template;
    expect(template.map((i: any) => i.label ?? i.type)).toEqual([
      expect.stringMatching(/^main: ok, in 2d 1h/), expect.stringMatching(/^artist: expired, 1h ago/), 'separator', 'Refresh all', 'Open panel…',
      'separator', 'Start at login', 'Notifications', 'Keep tokens fresh', 'Keep copies in sync', 'separator', 'Quit AuthBar',
    ]);
    template[1].submenu[0].click();
    template[3].click();
    expect(actions).toEqual([{ kind: 'refresh', ref: { host: 'local', agentId: 'artist' } }, { kind: 'refresh-all' }]);
    expect(template[6]).toMatchObject({ type: 'checkbox', checked: true });
  });

  it('uses macOS template images on macOS', () => {
    expect(trayImagePath('expiring', 'darwin').endsWith(join('icons', 'tray-expiringTemplate.png'))).toBe(true);
  });
});

describe('panel window', () => {
  it('is sandboxed and isolated, denies new windows, navigation and permissions, and sends a strict CSP', () => {
    const win = createPanelWindow() as unknown as InstanceType<typeof electron.BrowserWindow>;
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload.endsWith(join('app', 'preload.cjs'))).toBe(true);
    expect(win.loaded!.endsWith(join('renderer', 'panel.html'))).toBe(true);
    expect(win.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    win.webContents.emit('will-navigate', event, 'https://example.com');
    expect(event.prevented).toBe(true);
    let granted: boolean | null = null;
    electron.session.defaultSession.permissionRequest!({}, 'notifications', (ok) => (granted = ok));
    expect(granted).toBe(false);
    let headers: any = null;
    electron.session.defaultSession.headers!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([PANEL_CSP]);
    expect(PANEL_CSP).toContain("default-src 'none'");
    expect(PANEL_CSP).toContain("script-src 'self'");
    // Closing only hides: the tray app keeps running.
    win.show();
    const close = { prevented: false, preventDefault() { this.prevented = true; } };
    win.emit('close', close);
    expect(close.prevented).toBe(true);
    expect(win.visible).toBe(false);
  });
});

describe('ipc', () => {
  it('answers only its own panel, validates every payload, and pushes state to the panel', async () => {
    const { controller } = await controllerWith([{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential() }) }]);
    const win = createPanelWindow() as unknown as InstanceType<typeof electron.BrowserWindow>;
    const copied: string[] = [];
    const stop = setupIpc(controller, { copy: (t) => copied.push(t), openFolder: async () => {} }, () => win as any);
    cleanups.push(stop);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(Object.values(CHANNELS).filter((c) => c !== CHANNELS.state && c !== CHANNELS.focus).sort());
    const fromPanel = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    (win.webContents as any).mainFrame = fromPanel.senderFrame;
    const getState = electron.ipcMain.handlers.get(CHANNELS.getState)!;
    const state: any = await getState(fromPanel, {});
    expect(state.report.agents.map((a: any) => a.id)).toEqual(['main']);
    await expect(getState({ sender: {}, senderFrame: null }, {})).rejects.toThrow(/unknown sender/);
    const otherPage = { sender: win.webContents, senderFrame: { url: 'https://evil.example/' } };
    await expect(getState(otherPage, {})).rejects.toThrow(/unknown sender/);
    await expect(electron.ipcMain.handlers.get(CHANNELS.refresh)!(fromPanel, { host: 'local', agentId: '../etc' })).rejects.toThrow(/invalid request/);
    await expect(electron.ipcMain.handlers.get(CHANNELS.refresh)!(fromPanel, { host: 'local', agentId: 'main', extra: 1 })).rejects.toThrow(/invalid request/);
    await controller.rescan();
    expect(win.webContents.sent.some(([channel]) => channel === CHANNELS.state)).toBe(true);
    expect(JSON.stringify(win.webContents.sent)).not.toMatch(/rt_[0-9a-f]{8}/);
  });
});

describe('start at login', () => {
  it('uses Electron\'s login item on macOS and Windows, an XDG entry on Linux', async () => {
    await applyStartAtLogin(true, 'darwin');
    await applyStartAtLogin(false, 'win32');
    expect(electron.calls.filter((c) => c.api === 'app.setLoginItemSettings').map((c) => c.args[0])).toEqual([{ openAtLogin: true }, { openAtLogin: false }]);
    const d = makeStateDir({ agents: [] });
    cleanups.push(() => d.cleanup());
    vi.stubEnv('XDG_CONFIG_HOME', join(d.root, 'xdg'));
    cleanups.push(() => vi.unstubAllEnvs());
    await applyStartAtLogin(true, 'linux');
    const { readFileSync, existsSync } = await import('node:fs');
    const entry = readFileSync(join(d.root, 'xdg', 'autostart', 'authbar.desktop'), 'utf8');
    expect(entry).toContain(`Exec=${process.execPath} /opt/authbar\n`);
    await applyStartAtLogin(false, 'linux');
    expect(existsSync(join(d.root, 'xdg', 'autostart', 'authbar.desktop'))).toBe(false);
  });
});

describe('notifications', () => {
  it('shows the planned notification, opens the panel at the agent on click, and replans on resume', async () => {
    const { controller } = await controllerWith([
      { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'b', expiresInMs: 40 * 60_000 }) }) },
    ], 'openai/gpt-image-2');
    const opened: unknown[] = [];
    const notifications = setupNotifications({ controller, openPanel: (ref) => opened.push(ref), platform: 'darwin' });
    cleanups.push(() => notifications.stop());
    expect(electron.Notification.instances).toHaveLength(1);
    const shown = electron.Notification.instances[0]!;
    expect(shown.shown).toBe(true);
    expect(shown.options.title).toMatch(/^Image generation for artist will fail in (39|40)m$/);
    expect(shown.options.actions).toEqual([{ type: 'button', text: 'Refresh' }]);
    shown.emit('click');
    expect(opened).toEqual([{ host: 'local', agentId: 'artist' }]);
    electron.powerMonitor.emit('resume');
    expect(electron.Notification.instances).toHaveLength(1); // replanned, nothing new due
  });
});
