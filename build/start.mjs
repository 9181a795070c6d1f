// `npm start`: build, then run the tray app with Electron, or say plainly why it cannot
// start here and what works instead. Runs on any Node >= 18.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

let electron;
try {
  electron = require('electron'); // the binary's path, once its install script has fetched it
} catch {
  electron = null;
}
if (!electron || !existsSync(electron)) {
  console.error([
    'authbar: Electron\'s binary is not installed, so the tray app cannot start here.',
    '  Fetch it with: npx install-electron --no   (it downloads from GitHub)',
    '  Meanwhile the CLI works: npm run authbar -- status',
  ].join('\n'));
  process.exit(1);
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error('authbar: no display (DISPLAY / WAYLAND_DISPLAY unset), so there is no tray to show.\n  Use the CLI instead: npm run authbar -- status');
  process.exit(1);
}
const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
