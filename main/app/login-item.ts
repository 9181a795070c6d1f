// Start at login: Electron's login item settings on macOS and Windows; on Linux an XDG
// autostart entry written and removed by the app (main/core/ui/autostart.ts). Only the
// installed app is registered: `npm start` runs the bare Electron binary, which would start
// an empty Electron at every login.
//
// Two ways in, and only one writes unasked:
// - applyStartAtLogin: the user changed AuthBar's setting; registering (or removing) is what
//   they asked for.
// - followOsAtLaunch: a launch with the setting on. The OS holds the user's latest choice
//   (Task Manager, System Settings, a desktop's Startup Applications), so it is read and
//   followed (main/core/ui/login-item-launch.ts); only an enabled item of ours that starts an
//   app that moved is written again.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { app } from 'electron';
import * as z from 'zod/mini';
import { readOwnFile } from '../core/authbar/own-file.ts';
import { writePrivateFile } from '../core/openclaw/private-write.ts';
import { readAutostart, setAutostart } from '../core/ui/autostart.ts';
import { type LaunchAction, type LoginItemSettingsRead, linuxAtLaunch, macAtLaunch, windowsAtLaunch } from '../core/ui/login-item-launch.ts';

export interface LoginItemTarget {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  execPath?: string;
  /** Windows: the Run value's name, the AppUserModelId (Electron's default `name`). */
  appId?: string;
  /** AuthBar's home: on Windows the executable last registered is kept there, to know a moved app's item. */
  home?: string;
}

const DEV_REFUSAL = 'Start at login works in the installed app; a development run is never registered.';

/** What the login item starts: on Linux an AppImage runs from a temporary mount, so the AppImage file itself. */
const commandOf = (target: LoginItemTarget) => (target.platform === 'linux' && target.env.APPIMAGE ? [target.env.APPIMAGE] : [target.execPath ?? process.execPath]);

// Windows: the executable registered last. Electron's getLoginItemSettings lists only the Run
// values whose program is the path it is given (default process.execPath: browser_win.cc,
// GetLoginItemSettingsHelper), so an item for where the app used to be is found only by asking
// with that path.
const RegisteredSchema = z.strictObject({ path: z.string() });
const registeredPath = (home: string) => join(home, 'login-item.json');

function rememberRegistered(target: LoginItemTarget, path: string | null): void {
  if (!target.home) return;
  if (path === null) rmSync(registeredPath(target.home), { force: true });
  else {
    mkdirSync(target.home, { recursive: true, mode: 0o700 });
    writePrivateFile(registeredPath(target.home), `${JSON.stringify({ path })}\n`);
  }
}

function registeredBefore(target: LoginItemTarget): string | null {
  if (!target.home) return null;
  const read = readOwnFile(registeredPath(target.home), RegisteredSchema);
  return read.ok ? read.value.path : null;
}

/** Windows: registers at this executable. `enabled` is passed on purpose: Electron's default (true) rewrites StartupApproved, which is Task Manager's Enable/Disable. */
function registerWindows(target: LoginItemTarget, enabled: boolean): void {
  const path = commandOf(target)[0]!;
  app.setLoginItemSettings({ openAtLogin: true, enabled, ...(target.appId ? { name: target.appId } : {}), path, args: [] });
  rememberRegistered(target, path);
}

/** The user set AuthBar's setting: applies it; returns why it was not, when it could not be. */
export async function applyStartAtLogin(enabled: boolean, target: LoginItemTarget): Promise<string | null> {
  if (!app.isPackaged) return enabled ? DEV_REFUSAL : null;
  if (target.platform === 'linux') {
    await setAutostart(target.env, enabled, commandOf(target));
    return null;
  }
  if (target.platform === 'win32') {
    // Turned on in AuthBar: the user asked for it to start, so enabled in Task Manager too.
    if (enabled) registerWindows(target, true);
    else {
      app.setLoginItemSettings({ openAtLogin: false, ...(target.appId ? { name: target.appId } : {}) });
      rememberRegistered(target, null);
    }
    return null;
  }
  app.setLoginItemSettings({ openAtLogin: enabled });
  return null;
}

export interface LaunchCheck {
  /** Whether AuthBar's setting stays on. */
  keep: boolean;
  /** What to tell the user, if anything. */
  message: string | null;
}

/** A launch with the setting on: reads the OS and follows the user's choice there; repairs only a moved app's enabled item. */
export async function followOsAtLaunch(target: LoginItemTarget): Promise<LaunchCheck> {
  if (!app.isPackaged) return { keep: true, message: DEV_REFUSAL };
  const action = decide(target);
  if (action.do === 'repair') {
    if (target.platform === 'win32') registerWindows(target, true); // only an item the OS shows enabled is repaired
    else await setAutostart(target.env, true, commandOf(target));
  }
  if (action.do === 'turn-off') return { keep: false, message: action.message };
  return { keep: true, message: action.do === 'warn' ? action.message : null };
}

function decide(target: LoginItemTarget): LaunchAction {
  if (target.platform === 'linux') return linuxAtLaunch(readAutostart(target.env), commandOf(target));
  if (target.platform === 'darwin') return macAtLaunch(app.getLoginItemSettings() as LoginItemSettingsRead);
  if (target.platform === 'win32') {
    const path = commandOf(target)[0]!;
    const here = app.getLoginItemSettings({ path }) as LoginItemSettingsRead;
    const last = registeredBefore(target);
    const before = last && last.toLowerCase() !== path.toLowerCase() ? (app.getLoginItemSettings({ path: last }) as LoginItemSettingsRead) : null;
    return windowsAtLaunch(here, before, target.appId);
  }
  return { do: 'nothing' };
}
