// "Install command-line tool": where the launcher goes and what it says (pure), and a real
// launcher written into a temp home and run through /bin/sh, running this Node and the CLI
// bundle from a path with spaces and a quote.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliInstallPlan, installCli, installLauncher, LAUNCHER_MARK } from '../../main/core/cli-install.ts';
import { CLI } from '../helpers/cli.ts';

const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version as string;
let temps: string[] = [];
afterEach(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  temps = [];
});
const temp = () => {
  const t = mkdtempSync(join(tmpdir(), 'authbar-test-'));
  temps.push(t);
  return t;
};

const APP = '/Applications/AuthBar.app/Contents/MacOS/AuthBar';

describe('cliInstallPlan', () => {
  it('picks the first of ~/.local/bin and ~/bin that is on PATH, never a system directory', () => {
    const plan = cliInstallPlan({ platform: 'darwin', command: [APP, '--cli'], home: '/Users/me', pathDirs: ['/usr/local/bin', '/Users/me/bin', '/usr/bin'] });
    expect(plan).toMatchObject({ path: '/Users/me/bin/authbar', onPath: true, mode: 0o755, note: 'Installed authbar in /Users/me/bin.' });
    expect(plan.content).toBe(`#!/bin/sh\n# ${LAUNCHER_MARK}\nexec '${APP}' '--cli' "$@"\n`);
    const first = cliInstallPlan({ platform: 'linux', command: ['/opt/AuthBar/authbar', '--cli'], home: '/home/me', pathDirs: ['/home/me/.local/bin/', '/home/me/bin'] });
    expect(first.path).toBe('/home/me/.local/bin/authbar');
  });

  it('says how to put the directory on PATH when none is', () => {
    const plan = cliInstallPlan({ platform: 'linux', command: ['/opt/a', '--cli'], home: '/home/me', pathDirs: ['/usr/bin'] });
    expect(plan).toMatchObject({ path: '/home/me/.local/bin/authbar', onPath: false });
    expect(plan.note).toContain('add it to your PATH');
  });

  it('on Windows writes a .cmd under %LOCALAPPDATA%', () => {
    const plan = cliInstallPlan({ platform: 'win32', command: ['C:\\Program Files\\AuthBar\\AuthBar.exe', '--cli'], home: 'C:\\Users\\me', pathDirs: ['C:\\Windows'], localAppData: 'C:\\Users\\me\\AppData\\Local' });
    expect(plan.path).toBe('C:\\Users\\me\\AppData\\Local\\AuthBar\\bin\\authbar.cmd');
    expect(plan.content).toContain('\r\n"C:\\Program Files\\AuthBar\\AuthBar.exe" "--cli" %*\r\n');
    expect(plan.onPath).toBe(false);
  });
});

describe('installCli', () => {
  it('writes a launcher that runs the bundled CLI, even from a path with spaces and quotes', () => {
    const root = temp();
    const app = join(root, "Application Support", "Auth'Bar", 'cli');
    mkdirSync(dirname(app), { recursive: true });
    cpSync(dirname(CLI), app, { recursive: true });
    const home = join(root, 'home');
    const plan = cliInstallPlan({ platform: 'linux', command: [process.execPath, join(app, 'authbar.cjs')], home, pathDirs: [join(home, '.local', 'bin')] });
    expect(installCli(plan)).toBeNull();
    expect(statSync(plan.path).mode & 0o777).toBe(0o755);
    expect(execFileSync('/bin/sh', [plan.path, '--version'], { encoding: 'utf8' })).toBe(`${VERSION}\n`);
    // Installing again replaces our own launcher.
    expect(installCli(plan)).toBeNull();
  });

  // Found by a review: Electron on Linux opens the display before any of AuthBar's code runs, so
  // the launcher failed in an ssh session or a cron job. (The real binary's run with no display
  // is checked on GitHub's Linux runner: .github/workflows/app.yml.)
  it('on Linux runs the app on Ozone\'s headless platform, its switches before --cli; elsewhere as it is', () => {
    const root = temp();
    const fake = join(root, 'AuthBar');
    writeFileSync(fake, '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    for (const [platform, switches] of [['linux', ['--ozone-platform=headless', '--disable-gpu']], ['darwin', []]] as const) {
      const home = join(root, platform);
      const installed = installLauncher({ platform, env: { PATH: join(home, '.local', 'bin') }, home, executable: fake });
      expect(installed).toMatchObject({ note: expect.any(String) });
      const said = execFileSync('/bin/sh', [join(home, '.local', 'bin', 'authbar'), 'status', '--json'], { encoding: 'utf8' });
      expect(said.trim().split('\n')).toEqual([...switches, '--cli', 'status', '--json']);
    }
  });

  it('leaves a file that is not its own launcher alone, and says what to do', () => {
    const home = join(temp(), 'home');
    const plan = cliInstallPlan({ platform: 'linux', command: ['/opt/a', '--cli'], home, pathDirs: [] });
    mkdirSync(dirname(plan.path), { recursive: true });
    writeFileSync(plan.path, '#!/bin/sh\necho my own authbar\n');
    expect(installCli(plan)).toMatchObject({ kind: 'foreign-file', fix: expect.stringContaining(`mv ${plan.path}`) });
    expect(readFileSync(plan.path, 'utf8')).toBe('#!/bin/sh\necho my own authbar\n');
  });
});
