// Start at login: Electron's login item settings on macOS and Windows; on Linux an XDG
// autostart entry written and removed by the app (main/core/ui/autostart.ts). Only the
// installed app is registered: `npm start` runs the bare Electron binary, which would start
// an empty Electron at every login.
import { app } from 'electron';
import { setAutostart } from '../core/ui/autostart.ts';

export interface LoginItemTarget {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  execPath?: string;
}

/** Applies the setting; returns why it was not, when it could not be. */
export async function applyStartAtLogin(enabled: boolean, target: LoginItemTarget): Promise<string | null> {
  if (!app.isPackaged) return enabled ? 'Start at login works in the installed app; a development run is never registered.' : null;
  if (target.platform === 'linux') {
    // An AppImage runs from a temporary mount: start the AppImage file itself.
    const command = target.env.APPIMAGE ? [target.env.APPIMAGE] : [target.execPath ?? process.execPath];
    await setAutostart(target.env, enabled, command);
    return null;
  }
  app.setLoginItemSettings({ openAtLogin: enabled });
  return null;
}
