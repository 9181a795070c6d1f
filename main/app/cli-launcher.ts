// "Install command-line tool": the tray's item and the panel's Settings button both run the
// install-cli command (main/core/commands.ts), which lands here. The launcher runs the app's own
// executable with --cli (main/app/cli-mode.ts). Only the installed app installs one: `npm start`
// runs the bare Electron binary, and a launcher pointing at it would run no AuthBar at all.
import { delimiter } from 'node:path';
import { app } from 'electron';
import { cliInstallPlan, installCli } from '../core/cli-install.ts';
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
  const plan = cliInstallPlan({
    platform: target.platform,
    command: [executable, '--cli'],
    home: target.home,
    pathDirs: (target.env.PATH ?? target.env.Path ?? '').split(target.platform === 'win32' ? ';' : delimiter).filter(Boolean),
    localAppData: target.env.LOCALAPPDATA,
  });
  const problem = installCli(plan);
  if (problem) throw new CommandError(`${problem.message}; ${problem.fix}`);
  return plan.note;
}
