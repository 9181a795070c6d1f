import { cliArgs, runEmbeddedCli } from './cli-mode.ts';

// `--cli`: the command-line tool, and nothing of the app (which is only imported otherwise).
const args = cliArgs(process.argv);
if (args !== null) void runEmbeddedCli(args);
else void import('./main.ts').then(({ start }) => start({ env: process.env, platform: process.platform, trayHostAvailable: () => import('../core/ui/tray-host.ts').then((m) => m.hasStatusNotifierHost(process.env)) }));
