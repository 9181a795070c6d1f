// Remote hosts with nothing to install: `authbar hosts add` copies AuthBar's own CLI bundle
// over ssh into a versioned dir under the remote user's cache dir, the host's Node checks every
// file's sha256 there, and later commands run it with that Node. A real sshd on 127.0.0.1
// whose sessions get a clean, empty home of their own (sshd's SetEnv) and this Node on PATH.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployPayload, INSTALLER, readBundle } from '../../main/core/remote/deploy.ts';
import { openHostStream, type HostEvent } from '../../main/core/remote/host-stream.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { requireSshd } from '../helpers/requirements.ts';
import { channelRecorder, type Sshd, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
// Skipped with the reason where OpenSSH is missing; under CI=true that fails the file instead.
const available = !requireSshd().missing;
const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version as string;

let sshd: Sshd;
let server: TokenServer;
let remoteHome: string;
let vps: StateDir;
const dirs: StateDir[] = [];
const temps: string[] = [];

beforeAll(async () => {
  if (!available) return;
  server = await startTokenServer();
  remoteHome = mkdtempSync(join(tmpdir(), 'authbar-test-remote-home-'));
  temps.push(remoteHome);
  const issued = server.issue('acct-vps');
  vps = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-vps', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * HOUR }) }) }] });
  dirs.push(vps);
  // The remote user: an empty home, no XDG dirs, Node >= 22 on PATH (as an OpenClaw host has),
  // and its own AuthBar home; nothing of AuthBar installed anywhere.
  sshd = await startSshd({
    env: {
      HOME: remoteHome,
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      AUTHBAR_HOME: join(remoteHome, 'authbar-home'),
      AUTHBAR_TOKEN_URL: server.url,
    },
  });
}, 60_000);
afterAll(async () => {
  await sshd?.cleanup();
  await server?.close();
  for (const d of dirs) d.cleanup();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function laptop(): StateDir {
  const d = makeStateDir({ agents: [] });
  dirs.push(d);
  return d;
}

const deployedDirs = () => {
  const root = join(remoteHome, '.cache', 'authbar', 'cli');
  return existsSync(root) ? readdirSync(root) : [];
};
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const maybe = describe.skipIf(!available);

maybe('AuthBar brings itself to a host', () => {
  it('hosts add copies the CLI bundle into a versioned cache dir there, checked by sha256; status then runs it with the host\'s Node', async () => {
    const here = laptop();
    const added = await runCli(['hosts', 'add', 'vps', sshd.destination, '--ssh-config', sshd.sshConfig, '--state-dir', vps.stateDir], here.env, { timeoutMs: 60_000 });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const [key, ...others] = deployedDirs();
    expect(others).toEqual([]);
    expect(key).toMatch(new RegExp(`^${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
    const where = join(remoteHome, '.cache', 'authbar', 'cli', key!);
    expect(added.stdout).toContain(`Copied AuthBar there (${where}; every file's sha256 checked there)`);
    // The same bytes as this AuthBar's bundle, private to the remote user.
    const local = dirname(CLI);
    for (const name of readdirSync(local).filter((n) => n.endsWith('.cjs'))) {
      expect(sha256(join(where, name))).toBe(sha256(join(local, name)));
      expect(statSync(join(where, name)).mode & 0o077).toBe(0);
    }
    expect(readdirSync(join(remoteHome, '.cache', 'authbar', 'cli')).filter((n) => n.startsWith('.deploy-'))).toEqual([]);

    const status = await runCli(['status', '--json', '--host', 'vps'], here.env, { timeoutMs: 60_000 });
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.hosts).toEqual([{ name: 'vps', reachable: true, checkedAt: expect.any(String), error: null }]);
    expect(report.agents.map((a: { host: string; id: string }) => `${a.host}/${a.id}`)).toEqual(['vps/main']);
    // No `authbar` on that host's PATH: the fix is a command for this machine, through the copy.
    expect(report.agents[0].profiles[0]).toMatchObject({ status: 'expiring', fix: 'authbar refresh --agent main --host vps' });

    // Refresh over the deployed CLI: the remote stores take the new token; none crosses back.
    const capture = channelRecorder(mkdtempSync(join(tmpdir(), 'authbar-test-channel-')));
    temps.push(dirname(capture.capture));
    const before = secretsIn(vps.readStore('main'));
    const refreshed = await runCli(['refresh', '--host', 'vps', '--agent', 'main'], { ...here.env, AUTHBAR_SSH: capture.ssh }, { timeoutMs: 60_000 });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(refreshed.stdout).toMatch(/^vps:main\s+openai-codex:default\s+refreshed/m);
    const channel = readFileSync(capture.capture, 'utf8');
    for (const secret of [...before, ...secretsIn(vps.readStore('main'))]) expect(channel).not.toContain(secret.slice(0, 16));
  }, 120_000);

  it('deploys on first use when the host lost it, and again after a version change, leaving the old version in place', async () => {
    const here = laptop();
    rmSync(join(remoteHome, '.cache'), { recursive: true, force: true });
    // Added with this AuthBar's bundle somewhere else (as after an update): a changed file is a new version dir.
    const bundle = mkdtempSync(join(tmpdir(), 'authbar-test-bundle-'));
    temps.push(bundle);
    cpSync(dirname(CLI), bundle, { recursive: true });
    const env = { ...here.env, AUTHBAR_CLI_BUNDLE: bundle };
    expect((await runCli(['hosts', 'add', 'vps', sshd.destination, '--ssh-config', sshd.sshConfig, '--state-dir', vps.stateDir], env, { timeoutMs: 60_000 })).code).toBe(0);
    rmSync(join(remoteHome, '.cache'), { recursive: true, force: true });

    const first = await runCli(['status', '--json', '--host', 'vps'], env, { timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).hosts[0].reachable).toBe(true);
    const [v1] = deployedDirs();
    expect(v1).toBeDefined();

    writeFileSync(join(bundle, 'authbar.cjs'), `${readFileSync(join(bundle, 'authbar.cjs'), 'utf8')}\n// rebuilt\n`);
    const second = await runCli(['status', '--json', '--host', 'vps'], env, { timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).hosts[0].reachable).toBe(true);
    const now = deployedDirs();
    expect(now).toHaveLength(2);
    expect(now).toContain(v1);
  }, 120_000);

  it('keeps the three versions used last there and prunes others unused for a day, and temp dirs a crashed copy left', async () => {
    const here = laptop();
    const root = join(remoteHome, '.cache', 'authbar', 'cli');
    rmSync(join(remoteHome, '.cache'), { recursive: true, force: true });
    const aged = (name: string, ageMs: number) => {
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, 'authbar.cjs'), '// an older AuthBar\n');
      const at = new Date(Date.now() - ageMs);
      utimesSync(join(root, name), at, at);
    };
    aged('0.0.1-aaaaaaaaaaaa', 4 * 24 * HOUR);
    aged('0.0.2-bbbbbbbbbbbb', 3 * 24 * HOUR);
    aged('0.0.3-cccccccccccc', 2 * 24 * HOUR);
    aged('0.0.4-dddddddddddd', HOUR); // superseded, but not a day old: another machine may run it still
    aged('.deploy-crashed', 2 * HOUR);
    aged('.deploy-running', 60_000); // another AuthBar copying right now
    const added = await runCli(['hosts', 'add', 'vps', sshd.destination, '--ssh-config', sshd.sshConfig, '--state-dir', vps.stateDir], here.env, { timeoutMs: 60_000 });
    expect(added.code, added.stderr).toBe(0);
    const current = deployedDirs().find((n) => n.startsWith(`${VERSION}-`));
    expect(current).toBeDefined();
    expect(deployedDirs().sort()).toEqual(['.deploy-running', '0.0.3-cccccccccccc', '0.0.4-dddddddddddd', current!].sort());
    // Each run marks its version as used: pruning goes by last use, not by when it was copied.
    const longAgo = new Date(Date.now() - 3 * 24 * HOUR);
    utimesSync(join(root, current!), longAgo, longAgo);
    expect((await runCli(['status', '--json', '--host', 'vps'], here.env, { timeoutMs: 60_000 })).code).toBe(0);
    expect(statSync(join(root, current!)).mtimeMs).toBeGreaterThan(longAgo.getTime() + 24 * HOUR);
  }, 120_000);

  it('the app\'s live stream deploys on first contact too', async () => {
    rmSync(join(remoteHome, '.cache'), { recursive: true, force: true });
    const events: HostEvent[] = [];
    let settle: (error?: string) => void = () => undefined;
    // The first report settles it; an "unreachable" before it (no deploy) fails at once.
    const reported = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(new Error(error)) : resolve())));
    const stream = openHostStream({
      host: { name: 'vps', destination: sshd.destination, sshConfig: sshd.sshConfig, stateDir: vps.stateDir },
      env: { ...process.env, AUTHBAR_CLI_BUNDLE: dirname(CLI) },
      version: VERSION,
      onEvent: (event) => {
        events.push(event);
        settle(event.type === 'unreachable' ? event.error : undefined);
      },
    });
    try {
      await reported;
      expect(events.filter((e) => e.type === 'unreachable')).toEqual([]);
      expect(deployedDirs()).toHaveLength(1);
    } finally {
      stream.stop();
    }
  }, 120_000);

  it('says in one line when the host has no Node on PATH', async () => {
    const bare = await startSshd({ env: { HOME: remoteHome, PATH: join(remoteHome, 'no-bin') } });
    try {
      mkdirSync(join(remoteHome, 'no-bin'), { recursive: true });
      const here = laptop();
      const added = await runCli(['hosts', 'add', 'bare', bare.destination, '--ssh-config', bare.sshConfig], here.env, { timeoutMs: 60_000 });
      expect(added.code).toBe(0);
      expect(added.stderr.trim().split('\n')).toHaveLength(1);
      expect(added.stderr).toMatch(/^authbar: host bare: no `node` on PATH there \(.*\); AuthBar runs with the host's own Node >= 22\.13/);
      const status = await runCli(['status', '--host', 'bare'], here.env, { timeoutMs: 60_000 });
      expect(status.stdout).toMatch(/host bare: no `node` on PATH there/);
    } finally {
      await bare.cleanup();
    }
  }, 120_000);
});

// The installer's own check, run by this Node as the host's Node runs it (no ssh needed): a copy
// damaged on its way is refused in one line, and nothing of it stays.
describe('the installer on the host', () => {
  const DIST = join(import.meta.dirname, '..', '..', 'dist', 'cli');
  const install = (payload: Buffer) => {
    const home = mkdtempSync(join(tmpdir(), 'authbar-test-deploy-'));
    temps.push(home);
    const run = spawnSync(process.execPath, ['-e', INSTALLER], { input: payload, env: { HOME: home, PATH: process.env.PATH ?? '' } });
    const root = join(home, '.cache', 'authbar', 'cli');
    return { code: run.status, stderr: String(run.stderr), left: existsSync(root) ? readdirSync(root) : [] };
  };

  it('refuses a file that arrived damaged: one line naming it and both hashes, nothing left', () => {
    const payload = deployPayload(readBundle(DIST, VERSION));
    payload[payload.length - 10]! ^= 0xff;
    const result = install(payload);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^authbar-deploy: [a-z0-9-]+\.cjs arrived damaged \(sha256 [0-9a-f]{12}, expected [0-9a-f]{12}\)\n$/);
    expect(result.left).toEqual([]);
  });

  it('refuses a copy cut short, and one with bytes after the bundle', () => {
    const payload = deployPayload(readBundle(DIST, VERSION));
    expect(install(payload.subarray(0, payload.length - 100))).toMatchObject({ code: 1, left: [] });
    const longer = install(Buffer.concat([payload, Buffer.from('x')]));
    expect(longer).toMatchObject({ code: 1, left: [] });
    expect(longer.stderr).toBe('authbar-deploy: unexpected bytes after the bundle\n');
  });
});
