// The code cache of a subcommand's bundle (main/cli/code-cache.ts): written once, private, used
// after; whatever is wrong with it (garbage, another build's, a FIFO, a directory that is not
// ours), the command runs and prints exactly what it prints without any cache.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, linkSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.ts';
import { requireTool } from '../helpers/requirements.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

let d: StateDir | null = null;
afterEach(() => {
  d?.cleanup();
  d = null;
});

function setUp(): { env: Record<string, string>; dir: string } {
  d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1' }) }) }, { id: 'artist' }] });
  const env = { ...d.env, XDG_CACHE_HOME: join(d.root, 'cache') };
  return { env, dir: join(d.root, 'cache', 'authbar', 'code') };
}

/** `status --json` without the fields that follow the clock, to compare runs. */
async function status(env: Record<string, string>): Promise<string> {
  const run = await runCli(['status', '--json'], env, { timeoutMs: 30_000 });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.replace(/"generatedAt": "[^"]+"/, '').replace(/"remainingMs": -?\d+/g, '');
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('status.cjs-') && n.endsWith('.bin'));

describe('the code cache of a subcommand', () => {
  it('is written once, 0600 in a 0700 directory, and the next runs print what a run without it prints', async () => {
    const { env, dir } = setUp();
    const without = await status({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(() => readdirSync(dir)).toThrow();
    const first = await status(env);
    const [name] = cacheFiles(dir);
    expect(name).toMatch(/^status\.cjs-[0-9a-f]{16}-.+-(x64|arm64|ia32)\.bin$/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, name!)).mode & 0o777).toBe(0o600);
    const written = statSync(join(dir, name!));
    const second = await status(env);
    expect(statSync(join(dir, name!)).mtimeMs).toBe(written.mtimeMs); // taken, not written again
    expect(statSync(join(dir, name!)).ino).toBe(written.ino);
    expect(first).toBe(without);
    expect(second).toBe(without);
  });

  it('garbage in its place is refused by V8 and replaced; another build\'s cache goes', async () => {
    const { env, dir } = setUp();
    const without = await status({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' });
    await status(env);
    const [name] = cacheFiles(dir);
    writeFileSync(join(dir, name!), Buffer.alloc(4096, 0xab), { mode: 0o600 });
    const stale = join(dir, 'status.cjs-0000000000000000-old-x64.bin');
    writeFileSync(stale, 'old', { mode: 0o600 });
    expect(await status(env)).toBe(without);
    expect(statSync(join(dir, name!)).size).not.toBe(4096);
    expect(cacheFiles(dir)).toEqual([name]);
    expect(await status(env)).toBe(without);
  });

  it('a FIFO in its place never blocks the command', async () => {
    const { env, dir } = setUp();
    const without = await status({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' });
    await status(env);
    const [name] = cacheFiles(dir);
    rmSync(join(dir, name!));
    expect(spawnSync('mkfifo', [join(dir, name!)]).status).toBe(0);
    expect(await status(env)).toBe(without);
  });

  it('a cache directory that is a symlink, or another user\'s, is never read or written', async () => {
    const { env, dir } = setUp();
    const without = await status({ ...env, NODE_DISABLE_COMPILE_CACHE: '1' });
    const elsewhere = join(d!.root, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(dir, '..'), { recursive: true });
    symlinkSync(elsewhere, dir);
    expect(await status(env)).toBe(without);
    expect(readdirSync(elsewhere)).toEqual([]);
    if (process.getuid?.() === 0) {
      rmSync(dir);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
      expect(await status(env)).toBe(without);
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});

// A user with no home directory at all (a container's arbitrary uid, systemd's DynamicUser,
// `env -i`): no cache dir, and the commands run as they did before there was a cache.
const root = process.getuid?.() === 0;
const setpriv = root ? requireTool('the no-home-directory', ['/usr/bin/setpriv'], "util-linux's setpriv: apt-get install util-linux") : { missing: true, why: 'needs root to run as a uid with no passwd entry' };
describe.skipIf(setpriv.missing)('with no home directory', () => {
  it('--version and --help work, and status says in one line what is missing', () => {
    const { dir } = setUp();
    // The node binary where a uid without a home can reach it (a hard link; a copy across file systems).
    const bin = join(d!.root, 'bin');
    mkdirSync(bin);
    try {
      linkSync(process.execPath, join(bin, 'node'));
    } catch {
      copyFileSync(process.execPath, join(bin, 'node'));
    }
    chmodSync(d!.root, 0o755);
    chmodSync(bin, 0o755);
    const run = (...args: string[]) => spawnSync('/usr/bin/setpriv', ['--reuid=54321', '--regid=54321', '--clear-groups', 'env', '-i', `OPENCLAW_STATE_DIR=${join(d!.root, 'none')}`, join(bin, 'node'), CLI, ...args], { cwd: '/', encoding: 'utf8' });
    expect(run('--version')).toMatchObject({ status: 0, stderr: '' });
    expect(run('--help')).toMatchObject({ status: 0, stderr: '' });
    const status = run('status');
    expect(status.stderr).toMatch(/^authbar: .*homedir.*\n$/);
    expect(status.stderr.split('\n')).toHaveLength(2);
    expect(() => readdirSync(dir)).toThrow();
  });
});
