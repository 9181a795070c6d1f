#!/usr/bin/env node
// Runs `node <args>` with a Node new enough for AuthBar (>= 22.13: node:sqlite, and
// OpenClaw itself needs 22+). When the Node running this script is older (Debian's
// Node 20, say), it fetches the npm registry's `node-<platform>-<arch>` package once
// into a cache folder and runs that instead. Written for Node 18+, no dependencies.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const MINIMUM = [22, 13];
const FETCHED_VERSION = '24.21.0';

function isNewEnough(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

function registryPackageName() {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  if (!platform) throw new Error(`no Node package on the npm registry for ${process.platform}`);
  return `node-${platform}-${process.arch}`;
}

function fetchedNodeBinary() {
  // Outside node_modules, so `npm ci` does not throw it away.
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const root = process.env.AUTHBAR_NODE_CACHE || join(cacheHome, 'authbar-node');
  const home = join(root, `${registryPackageName()}-${FETCHED_VERSION}`);
  const binary = process.platform === 'win32' ? join(home, 'bin', 'node.exe') : join(home, 'bin', 'node');
  if (existsSync(binary)) return binary;

  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, 'fetch-'));
  // One line says what happens; npm's own notices (update nags, pack listings) stay out of
  // stderr and are shown only, condensed, when the fetch fails.
  process.stderr.write(`authbar: Node ${process.versions.node} is older than ${MINIMUM.join('.')}; fetching ${registryPackageName()}@${FETCHED_VERSION} (once) from the npm registry into ${root}\n`);
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const tarball = execFileSync(npm, ['pack', `${registryPackageName()}@${FETCHED_VERSION}`, '--loglevel=error', '--no-update-notifier', '--pack-destination', work], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32',
    }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work], { stdio: ['ignore', 'ignore', 'pipe'] });
    rmSync(home, { recursive: true, force: true });
    renameSync(join(work, 'package'), home);
  } catch (error) {
    const said = `${error.stderr ?? ''}`.split('\n').map((l) => l.replace(/^npm (?:error|ERR!)\s*/, '').trim()).filter((l) => l && !/^(?:A complete log|Log files|code E|\/)/.test(l));
    process.stderr.write(`authbar: could not fetch Node ${FETCHED_VERSION} (${(said[0] ?? error.message).slice(0, 160)}); install Node >= ${MINIMUM.join('.')} yourself, or point npm at a registry that has ${registryPackageName()} (npm config set registry URL), then run this again\n`);
    rmSync(work, { recursive: true, force: true });
    process.exit(1);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

const node = isNewEnough(process.versions.node) ? process.execPath : fetchedNodeBinary();
const env = { ...process.env, PATH: `${dirname(node)}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}` };
const args = process.argv.slice(2);
if (args.length === 0 || args[0] === '--print-path') {
  process.stdout.write(`${node}\n`);
  process.exit(0);
}
const child = spawn(node, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
