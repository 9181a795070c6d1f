// "Install command-line tool": the tray's item and the panel's Settings button both run the
// install-cli command (main/core/commands.ts), which lands here. The launcher runs the app's own
// executable with --cli (main/app/cli-mode.ts). Only the installed app installs one: `npm start`
// runs the bare Electron binary, and a launcher pointing at it would run no AuthBar at all.
import { app } from 'electron';
import { installLauncher } from '../core/cli-install.ts';
import { CommandError } from '../core/commands.ts';

export interface LauncherTarget {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  execPath?: string;
}

/** Writes the launcher; returns the line that says where it went (and what is left to do). */
export function installCommandLineTool(target: LauncherTarget): string {
  if (!app.isPackaged) throw new CommandError('The command-line tool is installed from the installed app; a development run installs nothing (in a clone, npm link puts authbar on your PATH).');
  // An AppImage runs from a temporary mount: the launcher starts the AppImage file itself.
  const executable = target.platform === 'linux' && target.env.APPIMAGE ? target.env.APPIMAGE : (target.execPath ?? process.execPath);
  const done = installLauncher({ platform: target.platform, env: target.env, home: target.home, executable });
  if ('kind' in done) throw new CommandError(`${done.message}; ${done.fix}`);
  return done.note;
}
