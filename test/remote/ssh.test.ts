// Remote hosts over a real sshd on 127.0.0.1 (Debian's openssh-server; a host key and a user
// key made for the run). The remote state dir is a fixture on this machine; the remote side
// is AuthBar's own bundled CLI, reached through ssh exactly as a user's host would be.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../main/core/controller.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { requireSshd } from '../helpers/requirements.ts';
import { channelRecorder, remoteAuthbar, remoteScript, type Sshd, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const { missing, why } = requireSshd();
const available = !missing;

let sshd: Sshd;
let server: TokenServer;
const dirs: StateDir[] = [];
beforeAll(async () => {
  if (!available) return;
  [sshd, server] = await Promise.all([startSshd(), startTokenServer()]);
}, 120_000);
afterAll(async () => {
  await sshd?.cleanup();
  await server?.close();
  for (const d of dirs) d.cleanup();
});

function signIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com` });
}

/** The laptop (local state dir) and the "server" (another state dir, reached through sshd). */
function machines() {
  const laptop = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-laptop', 50 * HOUR) }) }] });
  const shared = signIn('acct-vps', 2 * HOUR);
  const vps = makeStateDir({
    agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': shared }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': { ...shared } }) },
    ],
  });
  dirs.push(laptop, vps);
  // How the remote side runs AuthBar: Node and the bundled CLI, with its own AuthBar home.
  const remoteCommand = remoteAuthbar(vps.root, CLI, { AUTHBAR_HOME: vps.authbarHome, AUTHBAR_TOKEN_URL: server.url });
  return { laptop, vps, remoteCommand };
}

async function addHost(laptop: StateDir, name: string, extra: string[]) {
  const added = await runCli(['hosts', 'add', name, sshd.destination, '--ssh-config', sshd.sshConfig, ...extra], laptop.env);
  expect(added.code, added.stderr).toBe(0);
}

if (!available) it.skip(`remote-host tests skipped: ${why}`, () => {});
const maybe = describe.skipIf(!available);

maybe('remote hosts over SSH', () => {
  let controller: Controller | null = null;
  afterEach(async () => {
    await controller?.stop();
    controller = null;
  });

  it('manages hosts in settings, and shows local and remote agents in one status', async () => {
    const { laptop, vps, remoteCommand } = machines();
    await addHost(laptop, 'vps', ['--state-dir', vps.stateDir, '--remote-command', remoteCommand]);
    const list = await runCli(['hosts', 'list'], laptop.env);
    expect(list.stdout).toMatch(/^vps\s+authbar-test\s+\(state dir .*\)$/m);
    expect((await runCli(['hosts', 'add', 'vps', 'x@y'], laptop.env)).stderr).toContain('exists already');
    expect((await runCli(['hosts', 'add', 'bad name', 'x@y'], laptop.env)).code).toBe(64);

    const status = await runCli(['status', '--json'], laptop.env);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.agents.map((a: any) => `${a.host}/${a.id}`)).toEqual(['local/main', 'vps/main', 'vps/artist']);
    expect(report.hosts).toEqual([{ name: 'vps', reachable: true, checkedAt: expect.any(String), error: null }]);
    expect(report.agents.find((a: any) => a.host === 'vps' && a.id === 'artist').profiles[0]).toMatchObject({ status: 'expiring', sharedWith: ['main'] });
    const local = JSON.parse((await runCli(['status', '--json', '--local'], laptop.env)).stdout);
    expect(local.agents.map((a: any) => a.host)).toEqual(['local']);
    const only = JSON.parse((await runCli(['status', '--json', '--host', 'vps'], laptop.env)).stdout);
    expect(only.agents.map((a: any) => a.host)).toEqual(['vps', 'vps']);
    const table = await runCli(['status'], laptop.env);
    expect(table.stdout).toMatch(/vps:artist\s+openai-codex:default\s+expiring/);
    expect((await runCli(['status', '--check'], laptop.env)).code).toBe(2);
    expect((await runCli(['hosts', 'remove', 'vps'], laptop.env)).code).toBe(0);
    expect(JSON.parse((await runCli(['status', '--json'], laptop.env)).stdout).hosts).toBeUndefined();
  }, 120_000);

  it('refreshes and syncs on the remote host, beside its own stores, and no token crosses the channel', async () => {
    const { laptop, vps, remoteCommand } = machines();
    await addHost(laptop, 'vps', ['--state-dir', vps.stateDir, '--remote-command', remoteCommand]);
    const recorder = channelRecorder(laptop.root);
    const env = { ...laptop.env, AUTHBAR_SSH: recorder.ssh };
    const before = ['main', 'artist'].flatMap((id) => secretsIn(vps.readStore(id)));

    const refresh = await runCli(['refresh', '--host', 'vps', '--agent', 'artist', '--json'], env);
    expect(refresh.code, refresh.stderr).toBe(0);
    const result = JSON.parse(refresh.stdout);
    expect(result).toMatchObject({ requests: 1, results: [{ host: 'vps', agentId: 'artist', outcome: 'refreshed', syncedAgents: ['main'] }] });
    expect(server.requests.at(-1)).toMatchObject({ outcome: 'rotated' });
    const after = vps.readStore('artist').profiles['openai-codex:default'];
    expect(vps.readStore('main').profiles['openai-codex:default'].refresh).toBe(after.refresh);
    const progress = await runCli(['refresh', '--host', 'vps', '--all'], env);
    expect(progress.stdout).toMatch(/^vps:main\s+openai-codex:default\s+(refreshed|adopted)/m);

    const sync = await runCli(['sync', '--host', 'vps', '--dry-run'], env);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain('Nothing is stranded');

    const channel = readFileSync(recorder.capture, 'utf8');
    expect(channel).toContain('"outcome": "refreshed"'); // the capture did see the traffic
    const secrets = [...before, ...['main', 'artist'].flatMap((id) => secretsIn(vps.readStore(id)))];
    for (const secret of secrets) {
      for (const fragment of [secret, secret.slice(0, 12), secret.slice(-12)]) expect(channel).not.toContain(fragment);
    }
  }, 120_000);

  it('refresh --timeout bounds the host\'s run too: it stops there at the same bound and says so', async () => {
    const { laptop, vps, remoteCommand } = machines();
    await addHost(laptop, 'vps', ['--state-dir', vps.stateDir, '--remote-command', remoteCommand]);
    server.queue('hang');
    const refresh = await runCli(['refresh', '--host', 'vps', '--agent', 'artist', '--timeout', '2s', '--json'], laptop.env);
    expect(refresh.code, refresh.stderr).toBe(1);
    const [result] = JSON.parse(refresh.stdout).results;
    expect(result).toMatchObject({ host: 'vps', agentId: 'artist', outcome: 'failed' });
    expect(result.cause).toMatch(/stopped at the 2s --timeout/);
  }, 120_000);

  it('says in one line when a host\'s own remote command is missing or runs an old AuthBar, and what to do', async () => {
    const { laptop } = machines();
    await addHost(laptop, 'bare', ['--remote-command', '/nonexistent/authbar']);
    const missing = await runCli(['status', '--host', 'bare'], laptop.env);
    expect(missing.stdout).toMatch(/^host bare: its remote command was not found there \(.*\); its remote command should run AuthBar \d+\.\d+\.\d+: update that AuthBar, or run authbar hosts remove bare and add it again without --remote-command, and AuthBar copies itself there$/m);
    const json = JSON.parse((await runCli(['status', '--host', 'bare', '--json'], laptop.env)).stdout);
    expect(json.hosts[0]).toMatchObject({ name: 'bare', reachable: false });
    expect((await runCli(['status', '--host', 'bare', '--check'], laptop.env)).code).toBe(1);

    const old = remoteScript(laptop.root, 'old-authbar', {}, ['sh', '-c', `echo '{"version":"0.0.1","agents":[]}'`, 'old-authbar']);
    // A remote command is a path, nothing more: not a shell line.
    const refused = await runCli(['hosts', 'add', 'old', sshd.destination, '--ssh-config', sshd.sshConfig, '--remote-command', `${old} #`], laptop.env);
    expect(refused).toMatchObject({ code: 64, stderr: expect.stringContaining('invalid remoteCommand') });
    await addHost(laptop, 'old', ['--remote-command', old]);
    const tooOld = await runCli(['status', '--host', 'old'], laptop.env);
    expect(tooOld.stdout).toMatch(/host old: its AuthBar \(0\.0\.1\) is older than .*; its remote command should run AuthBar /);
  }, 120_000);

  it('refuses a changed host key with a clear error, and keeps the other machines', async () => {
    const { laptop, vps, remoteCommand } = machines();
    await addHost(laptop, 'vps', ['--state-dir', vps.stateDir, '--remote-command', remoteCommand]);
    await sshd.changeHostKey();
    try {
      const status = await runCli(['status', '--json'], laptop.env);
      expect(status.code).toBe(0);
      const report = JSON.parse(status.stdout);
      expect(report.agents.map((a: any) => a.host)).toEqual(['local']);
      expect(report.hosts[0]).toMatchObject({ name: 'vps', reachable: false, error: expect.stringMatching(/SSH host key is unknown or changed, so AuthBar refused to connect/) });
    } finally {
      // Trust the new key again for the tests that follow, as a user would after checking it.
      const { writeFileSync } = await import('node:fs');
      const key = readFileSync(join(sshd.dir, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      writeFileSync(join(sshd.dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${key}\n`);
    }
  }, 120_000);

  it('follows a host live; when sshd stops the host goes unreachable and greyed, and it recovers when sshd is back', async () => {
    const { laptop, vps, remoteCommand } = machines();
    await addHost(laptop, 'vps', ['--state-dir', vps.stateDir, '--remote-command', remoteCommand]);
    controller = new Controller({ env: laptop.env, debounceMs: 50 });
    await controller.start();
    const until = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 90_000; // a bound for a clear message, generous for a loaded machine
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(() => controller!.state().report.agents.some((a) => a.host === 'vps'), 'the host\'s first report');
    expect(controller.state().report.hosts).toEqual([expect.objectContaining({ name: 'vps', reachable: true })]);
    // A change over there arrives by itself.
    vps.writeStore('artist', storeDocument({ 'openai-codex:default': signIn('acct-vps', 60 * HOUR) }));
    await until(() => controller!.state().report.agents.find((a) => a.host === 'vps' && a.id === 'artist')?.status === 'ok', 'the live update');

    await sshd.stop();
    await until(() => controller!.state().lastSeen.vps !== undefined, 'the host to be reported unreachable');
    const greyed = controller.state();
    expect(greyed.report.agents.filter((a) => a.host === 'vps').map((a) => a.id)).toEqual(['main', 'artist']); // kept, greyed
    expect(greyed.report.hosts![0]).toMatchObject({ reachable: false });
    await sshd.start();
    await until(() => controller!.state().lastSeen.vps === undefined, 'the host to come back');
    // A remote row's fix is the command to run there, through ssh (main's copy was left behind by artist's new sign-in).
    expect(controller.fixCommand({ host: 'vps', agentId: 'artist' }, null)).toBeNull();
    expect(controller.fixCommand({ host: 'vps', agentId: 'main' }, null)).toBe(`ssh -F ${sshd.sshConfig} authbar-test env OPENCLAW_STATE_DIR=${vps.stateDir} ${remoteCommand} sync --agent main`);
    // The panel's Sync on that row runs over there.
    await controller.sync('vps', 'main');
    expect(controller.state().results['vps/main']).toMatchObject([{ host: 'vps', outcome: 'synced', source: 'artist' }]);
    expect(vps.readStore('main').profiles['openai-codex:default'].refresh).toBe(vps.readStore('artist').profiles['openai-codex:default'].refresh);
    await until(() => controller!.state().report.agents.find((a) => a.host === 'vps' && a.id === 'main')?.profiles[0]?.stranded === null, 'the synced row');
  }, 180_000);
});
