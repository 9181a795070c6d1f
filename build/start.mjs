// `npm start`: build, then run the tray app with Electron, or say plainly, in one line each,
// why it cannot start here and what works instead. Runs on any Node >= 18.
//
// Electron 45 has no install step: `npm install` fetches only the npm package, and its binary
// (about 100 MB, from GitHub) is downloaded the first time `require('electron')` runs, here.
// That download prints a stack trace when it fails, so it is run as a child whose output is
// kept, and only its cause is shown. @electron/get honours ELECTRON_MIRROR (a base URL such as
// https://npmmirror.com/mirrors/electron/) and electron_config_cache (a folder holding the zip).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** About 100 MB: minutes on a slow line, never an hour. */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
const require = createRequire(import.meta.url);

function fail(lines) {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}

/** The binary's path once downloaded, else null; never downloads. */
function installedBinary(packageDir) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : null;
}

/** The first line of what the download said, without its stack ("fetch failed", "HTTP 404"). */
function downloadCause(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /error|failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|404|403/i.test(l) && !l.startsWith('at ')) ?? lines[0] ?? 'no output';
  return error.replace(/[\u0000-\u001f\u007f]/g, '').replace(/^(?:Type)?Error:\s*/, '').slice(0, 160);
}

let packageDir;
try {
  packageDir = dirname(require.resolve('electron/package.json'));
} catch {
  fail(['authbar: the electron package is not installed (run npm install); meanwhile the CLI works: npm run authbar -- status']);
}
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

// Before any download: with no display there is nothing to download it for.
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  fail(['authbar: no display (DISPLAY / WAYLAND_DISPLAY unset), so there is no tray to show; use the CLI instead: npm run authbar -- status']);
}

let electron = installedBinary(packageDir);
if (!electron) {
  const from = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'GitHub';
  process.stderr.write(`authbar: fetching Electron ${version}'s binary (about 100 MB, once) from ${from}...\n`);
  // Bounded: a host that takes the connection and never answers would leave only the line above.
  const download = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ELECTRON_GET_NO_PROGRESS: '1' },
    timeout: DOWNLOAD_TIMEOUT_MS,
  });
  if (download.error?.code === 'ETIMEDOUT') download.stderr = `no answer within ${DOWNLOAD_TIMEOUT_MS / 60_000} minutes`;
  electron = download.status === 0 ? installedBinary(packageDir) : null;
  if (!electron) {
    // A mirror already set is not suggested again: that is what just failed.
    const instead = from === 'GitHub'
      ? 'Where GitHub is unreachable, use a mirror: ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start'
      : 'Check that mirror (ELECTRON_MIRROR), or point electron_config_cache at a folder holding the zip';
    fail([
      `authbar: could not download Electron's binary from ${from} (${downloadCause(`${download.stderr ?? ''}\n${download.stdout ?? ''}`)}), so the tray app cannot start yet. ${instead}. Meanwhile the CLI works: npm run authbar -- status`,
    ]);
  }
}
const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
