// Start at login: Electron's login item settings on macOS and Windows; on Linux an XDG
// autostart entry written and removed by the app (main/core/ui/autostart.ts).
import { app } from 'electron';
import { setAutostart } from '../core/ui/autostart.ts';

export async function applyStartAtLogin(enabled: boolean, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'linux') {
    // An AppImage runs from a temporary mount: start the AppImage file itself.
    const command = process.env.APPIMAGE ? [process.env.APPIMAGE] : [process.execPath, ...(app.isPackaged ? [] : [app.getAppPath()])];
    await setAutostart(process.env, enabled, command);
    return;
  }
  app.setLoginItemSettings({ openAtLogin: enabled });
}
