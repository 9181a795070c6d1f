// "Install command-line tool", as editors offer it: a small `authbar` launcher in a directory
// of the user's own (never a system one: that would need an admin password, and a setting that
// changes the OS is asked for, never assumed) which runs the CLI bundle inside the app with
// the app's own Node (Electron's binary with ELECTRON_RUN_AS_NODE=1), so a packaged AuthBar
// needs no separate Node. The plan is pure; writing it is one atomic file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, posix, win32 } from 'node:path';

/** The launcher's second line: a file with it is ours to replace; any other is left alone. */
export const LAUNCHER_MARK = 'authbar launcher, written by AuthBar\'s "Install command-line tool"';

export interface CliInstallInput {
  platform: NodeJS.Platform;
  /** The app's executable: process.execPath in Electron's main process. */
  appExecutable: string;
  /** The CLI bundle's entry inside the app (…/app.asar/dist/cli/authbar.cjs). */
  cliEntry: string;
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
      // setlocal keeps ELECTRON_RUN_AS_NODE out of the user's cmd session.
      content: `@echo off\r\nrem ${LAUNCHER_MARK}\r\nsetlocal\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${input.appExecutable}" "${input.cliEntry}" %*\r\n`,
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
    content: `#!/bin/sh\n# ${LAUNCHER_MARK}\nELECTRON_RUN_AS_NODE=1 exec ${shQuote(input.appExecutable)} ${shQuote(input.cliEntry)} "$@"\n`,
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
    return { kind: 'foreign-file', message: `${plan.path} exists and is not AuthBar's launcher`, fix: `move it away (mv ${plan.path} ${plan.path}.old), then install the command-line tool again` };
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
