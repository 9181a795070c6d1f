// "Install command-line tool", as editors offer it: a small `authbar` launcher in a directory
// of the user's own (never a system one: that would need an admin password, and a setting that
// changes the OS is asked for, never assumed) which runs the CLI the app carries. How the app
// runs it is the caller's: the packaged app turns Electron's RunAsNode fuse off, so not
// ELECTRON_RUN_AS_NODE; e.g. the app's own executable with a flag its main process answers, or
// a Node with the bundle unpacked from the asar. The plan is pure; writing it is one atomic file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, posix, win32 } from 'node:path';
import { shellQuote } from './shell-quote.ts';

/** The launcher's second line: a file with it is ours to replace; any other is left alone. */
export const LAUNCHER_MARK = 'authbar launcher, written by AuthBar\'s "Install command-line tool"';

export interface CliInstallInput {
  platform: NodeJS.Platform;
  /** The words that run AuthBar's CLI, before its own arguments (an executable, then its flags or script). */
  command: string[];
  home: string;
  /** The user's PATH, split into directories, in order. */
  pathDirs: string[];
  /** %LOCALAPPDATA% on Windows. */
  localAppData?: string;
}

export interface CliInstallPlan {
  path: string;
  content: string;
  mode: number;
  /** Whether the launcher's directory is on the user's PATH already. */
  onPath: boolean;
  /** One line for the user: where it went, and what (if anything) is left to do. */
  note: string;
}

export type CliInstallProblem = { kind: 'foreign-file' | 'unwritable'; message: string; fix: string };

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function cliInstallPlan(input: CliInstallInput): CliInstallPlan {
  if (input.platform === 'win32') {
    const dir = win32.join(input.localAppData ?? win32.join(input.home, 'AppData', 'Local'), 'AuthBar', 'bin');
    const onPath = input.pathDirs.some((d) => d.toLowerCase().replace(/\\+$/, '') === dir.toLowerCase());
    return {
      path: win32.join(dir, 'authbar.cmd'),
      content: `@echo off\r\nrem ${LAUNCHER_MARK}\r\n${input.command.map((w) => `"${w}"`).join(' ')} %*\r\n`,
      mode: 0o755,
      onPath,
      note: onPath ? `Installed authbar in ${dir}.` : `Installed authbar in ${dir}; add that folder to your PATH (Settings > Environment variables), then open a new terminal.`,
    };
  }
  const candidates = [posix.join(input.home, '.local', 'bin'), posix.join(input.home, 'bin')];
  const normalized = input.pathDirs.map((d) => d.replace(/\/+$/, ''));
  const dir = candidates.find((c) => normalized.includes(c)) ?? candidates[0]!;
  const onPath = normalized.includes(dir);
  return {
    path: posix.join(dir, 'authbar'),
    content: `#!/bin/sh\n# ${LAUNCHER_MARK}\nexec ${input.command.map(shQuote).join(' ')} "$@"\n`,
    mode: 0o755,
    onPath,
    note: onPath ? `Installed authbar in ${dir}.` : `Installed authbar in ${dir}; add it to your PATH (for example: echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/.profile), then open a new terminal.`,
  };
}

/**
 * Writes the launcher: a temp file beside it with a random name, then a rename, so a half
 * written launcher is never run. A file there that is not one of ours is left alone.
 */
export function installCli(plan: CliInstallPlan): CliInstallProblem | null {
  let existing: string | null = null;
  try {
    existing = readFileSync(plan.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') existing = '';
  }
  if (existing !== null && !existing.includes(LAUNCHER_MARK)) {
    return { kind: 'foreign-file', message: `${plan.path} exists and is not AuthBar's launcher`, fix: `move it away (mv ${shellQuote(plan.path)} ${shellQuote(`${plan.path}.old`)}), then install the command-line tool again` };
  }
  const temp = `${plan.path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(plan.path), { recursive: true, mode: 0o755 });
    writeFileSync(temp, plan.content, { mode: plan.mode, flag: 'wx' });
    renameSync(temp, plan.path);
    return null;
  } catch (error) {
    rmSync(temp, { force: true });
    return { kind: 'unwritable', message: `could not write ${plan.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, fix: `check that you may write to ${dirname(plan.path)}` };
  }
}

export interface LauncherTarget {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The app's own executable (or, from an AppImage, the AppImage file): it answers `--cli`. */
  executable: string;
}

/**
 * On Linux the app's executable is Chromium, which opens the display before any of AuthBar's
 * code runs and stops there without one ("Missing X server or $DISPLAY": an ssh session, a cron
 * job). The CLI opens no window, so it runs on Ozone's headless platform, built into Electron's
 * Linux binary; Chromium's own --headless is not built into Electron. Chromium's switches go
 * before --cli: what follows it is the CLI's.
 */
export const LINUX_NO_DISPLAY = ['--ozone-platform=headless', '--disable-gpu'];

/** Plans and writes the launcher that runs `<executable> --cli "$@"`: the plan's note, or why not. */
export function installLauncher(target: LauncherTarget): { note: string } | CliInstallProblem {
  const plan = cliInstallPlan({
    platform: target.platform,
    command: [target.executable, ...(target.platform === 'linux' ? LINUX_NO_DISPLAY : []), '--cli'],
    home: target.home,
    pathDirs: (target.env.PATH ?? target.env.Path ?? '').split(target.platform === 'win32' ? ';' : ':').filter(Boolean),
    localAppData: target.env.LOCALAPPDATA,
  });
  return installCli(plan) ?? { note: plan.note };
}
