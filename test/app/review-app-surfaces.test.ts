// Start at login and the tray menu, as a review found them wanting (follows 788215f and caf84f0).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../helpers/electron-stand-in.ts'));
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 20_000, interval: 20 });

const electron = await import('../helpers/electron-stand-in.ts');
const { start } = await import('../../main/app/main.ts');
const { Controller } = await import('../../main/core/controller.ts');
const { setupTray } = await import('../../main/app/tray.ts');
const { bundledPaths } = await import('../../main/app/paths.ts');
const { makeStateDir, storeDocument, writeJson } = await import('../helpers/state-dir.ts');
const { codexCredential } = await import('../helpers/tokens.ts');
const { autostartEntry, parseAutostartEntry } = await import('../../main/core/ui/autostart.ts');
const { linuxAtLaunch } = await import('../../main/core/ui/login-item-launch.ts');

const HOUR = 3_600_000;
const SETTINGS = { version: 1, startAtLogin: false, notifications: { enabled: true, leadTimesMinutes: [1440, 60, 0] }, keepFresh: { enabled: false, minutesBefore: 30 }, keepCopiesInSync: true, hosts: [] };
const agents = [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }];
const paths = bundledPaths(join(import.meta.dirname, '..', '..', 'dist'));

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** Launches the installed app with start at login on; the settings write that turns it off fails (a full disk, a read-only home). */
async function launchWithFailingSave(platform: NodeJS.Platform, before?: (env: Record<string, string>) => void) {
  const d = makeStateDir({ agents });
  before?.(d.env);
  writeJson(join(d.authbarHome, 'settings.json'), { ...SETTINGS, startAtLogin: true });
  const running = await start({
    env: d.env,
    platform,
    trayHostAvailable: async () => true,
    createController: (options) => {
      const c = new Controller(options);
      const update = c.updateSettings.bind(c);
      c.updateSettings = async (patch) => {
        if (patch.startAtLogin === false) throw new Error('ENOSPC: no space left on device');
        return update(patch);
      };
      return c;
    },
  });
  cleanups.push(async () => {
    electron.app.quit();
    await running?.stopped;
    d.cleanup();
  });
  return { d, running };
}

describe('start at login at launch ', () => {
  it('Windows: when saving "off" fails, the item the user disabled in Task Manager is not re-enabled (nor deleted)', async () => {
    electron.reset({ platform: 'win32', isPackaged: true });
    electron.loginOs.execPath = process.execPath;
    electron.loginOs.run.set('dev.authbar.app', process.execPath);
    electron.userInOs.taskManager('dev.authbar.app', false);
    const { running } = await launchWithFailingSave('win32');
    const controller = running!.controller!;
    await until(() => expect(controller.state().notices.join()).toMatch(/ENOSPC/));
    await new Promise((r) => setImmediate(r)); // (the launch check's last step runs after its warning)
    // "Settings that change the OS are asked, never assumed": the OS must be as the user left it.
    expect(electron.called('app.setLoginItemSettings')).toEqual([]);
    expect(electron.loginOs.disabled.has('dev.authbar.app')).toBe(true);
  });

  it('Linux: when saving "off" fails, the entry the user hid stays hidden', async () => {
    electron.reset({ platform: 'linux', isPackaged: true });
    const hidden = `[Desktop Entry]\nType=Application\nName=AuthBar\nExec=${process.execPath}\nHidden=true\n`;
    let entry = '';
    const { running } = await launchWithFailingSave('linux', (env) => {
      entry = join(env.HOME!, '.config', 'autostart', 'authbar.desktop');
      mkdirSync(dirname(entry), { recursive: true });
      writeFileSync(entry, hidden);
    });
    await until(() => expect(running!.controller!.state().notices.join()).toMatch(/ENOSPC/));
    await new Promise((r) => setImmediate(r)); // (the launch check's last step runs after its warning)
    expect(readFileSync(entry, 'utf8')).toBe(hidden);
  });

  it('Linux: an enabled entry the user edited (a wrapper, a delay) is theirs: never repaired; GLib\'s 1 and 0 are booleans, the last of a repeated key counts', () => {
    const exe = '/opt/AuthBar/authbar-app';
    const wrapped = parseAutostartEntry(`[Desktop Entry]\nType=Application\nExec=env GDK_BACKEND=x11 ${exe}\nX-GNOME-Autostart-Delay=10\n`);
    expect(linuxAtLaunch(wrapped, [exe])).toEqual({ do: 'nothing' });
    expect(linuxAtLaunch(wrapped, ['/moved/authbar-app'])).toEqual({ do: 'nothing' });
    expect(linuxAtLaunch(parseAutostartEntry(autostartEntry([exe])), ['/moved/authbar-app'])).toEqual({ do: 'repair' });
    expect(linuxAtLaunch(parseAutostartEntry(`[Desktop Entry]\nExec=${exe}\nHidden=1\n`), [exe])).toMatchObject({ do: 'turn-off' });
    expect(linuxAtLaunch(parseAutostartEntry(`[Desktop Entry]\nExec=${exe}\nX-GNOME-Autostart-enabled=0\n`), [exe])).toMatchObject({ do: 'turn-off' });
    expect(linuxAtLaunch(parseAutostartEntry(`[Desktop Entry]\nExec=${exe}\nHidden=false\nHidden=true\n`), [exe])).toMatchObject({ do: 'turn-off' });
  });
});

describe('tray menu swap ', () => {
  async function trayOn(platform: NodeJS.Platform) {
    const d = makeStateDir({ agents });
    const controller = new Controller({ env: d.env });
    await controller.rescan();
    electron.reset({ platform });
    await electron.app.whenReady();
    const tray = setupTray({ getState: () => controller.state(), run: () => {}, platform, paths });
    cleanups.push(() => d.cleanup());
    return { d, controller, tray, instance: electron.Tray.instances[0]! };
  }

  it('a setContextMenu that threw is retried: the next update with the same model sets it', async () => {
    const { d, controller, tray, instance } = await trayOn('win32');
    const real = instance.setContextMenu.bind(instance);
    let fail = true;
    instance.setContextMenu = (menu: any) => {
      if (fail) throw new Error('transient');
      real(menu);
    };
    d.writeStore('main', storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: -HOUR }) }));
    await controller.rescan();
    expect(() => tray.update()).toThrow('transient');
    fail = false;
    const expired = instance.menu;
    tray.update();
    expect(instance.menu, 'the expired model was never set').not.toBe(expired);
    tray.destroy();
  });

  it('after destroy, a menu closing with a held change sets nothing on the destroyed tray ("Tray is destroyed")', async () => {
    const { d, controller, tray, instance } = await trayOn('darwin');
    instance.userClick('left');
    const open = instance.menu!;
    d.writeStore('main', storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: -HOUR }) }));
    await controller.rescan();
    tray.update(); // held: the menu is open
    tray.destroy();
    const sets = electron.called('tray.setContextMenu').length;
    open.dismiss(); // the OS closes the destroyed item's menu
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(electron.called('tray.setContextMenu').length).toBe(sets);
  });
});
