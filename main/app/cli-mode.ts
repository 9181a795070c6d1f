// `<AuthBar executable> --cli ARGS`: the installed command-line tool (main/core/cli-install.ts)
// runs the app's own executable, because the packaged app turns Electron's RunAsNode fuse off
// (package.json build.electronFuses), so ELECTRON_RUN_AS_NODE cannot. The CLI bundle the app
// carries (dist/cli/) runs in this process with the words after `--cli`; nothing of the app is
// loaded: no tray, no window, no single-instance lock (a CLI run beside the running app must not
// open its panel). Its output goes to the terminal the launcher was started from. On Windows,
// a GUI-subsystem program has no console of its own: Electron attaches to the parent's console
// (unless ELECTRON_NO_ATTACH_CONSOLE is set) and writes there, so output shows in cmd or
// PowerShell; whether a pipe or a redirect captures it has varied across Electron versions
// (electron/electron#4552, #5776) and is untested here. The `authbar.cmd` launcher runs inside
// cmd, which waits for a program a batch file starts, GUI or not, and so keeps the exit code.
import { join } from 'node:path';
import { exitWhenSafe } from '../cli/exit-when-safe.ts';

/** The words after `--cli`, or null when this is not a command-line run. */
export function cliArgs(argv: string[]): string[] | null {
  const at = argv.indexOf('--cli');
  return at === -1 ? null : argv.slice(at + 1);
}

export async function runEmbeddedCli(args: string[], cliDir = join(__dirname, '..', 'cli')): Promise<never> {
  Object.assign(globalThis, { authbarEmbeddedCli: true });
  const { runCli } = require(join(cliDir, 'authbar.cjs')) as { runCli(argv: string[]): Promise<number> };
  const code = await runCli(args);
  // Electron's main process does not end when its work does: exit, once the output is out.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  // As the plain CLI ends: never while a rotated token is on its way to the stores (a run that
  // failed in one place may still have another agent's answer coming).
  exitWhenSafe(code);
  return new Promise<never>(() => {});
}
