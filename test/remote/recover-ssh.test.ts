// A rotated sign-in held by a host's AuthBar: `status --host` shows it, and `authbar recover
// --host NAME` (the fix AuthBar rebuilds for it) writes it back there through the real sshd,
// with no part of the token crossing the channel (issue 13 §1).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRecovery } from '../../main/core/authbar/recovery.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { requireSshd } from '../helpers/requirements.ts';
import { channelRecorder, remoteAuthbar, type Sshd, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const { missing, why } = requireSshd();
let sshd: Sshd;
const dirs: StateDir[] = [];
beforeAll(async () => {
  if (!missing) sshd = await startSshd();
}, 60_000);
afterAll(async () => {
  await sshd?.cleanup();
  for (const d of dirs) d.cleanup();
});

if (missing) it.skip(`remote-host tests skipped: ${why}`, () => {});

describe.skipIf(missing)('a sign-in held by a host\'s AuthBar', () => {
  it('shows in status --host and goes back with authbar recover --host, no token on the channel', async () => {
    const laptop = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-laptop' }) }) }] });
    const old = codexCredential({ accountId: 'acct-vps' });
    const vps = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': old }) }] });
    dirs.push(laptop, vps);
    const held = codexCredential({ accountId: 'acct-vps', expiresInMs: 10 * 86_400_000 });
    writeRecovery(vps.authbarHome, {
      version: 1, createdAt: Date.now(), provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh: old.refresh,
      credential: { access: held.access, refresh: held.refresh, expires: held.expires!, accountId: 'acct-vps' },
      copies: [{ storePath: vps.storePath('main'), storeKind: 'json', profileId: 'openai-codex:default', holder: 'main' }],
    });
    const remoteCommand = remoteAuthbar(vps.root, CLI, { AUTHBAR_HOME: vps.authbarHome });
    const added = await runCli(['hosts', 'add', 'vps', sshd.destination, '--ssh-config', sshd.sshConfig, '--state-dir', vps.stateDir, '--remote-command', remoteCommand], laptop.env);
    expect(added.code, added.stderr).toBe(0);
    const recorder = channelRecorder(laptop.root);
    const env = { ...laptop.env, AUTHBAR_SSH: recorder.ssh };

    const status = await runCli(['status', '--host', 'vps'], env);
    // Rebuilt here from the host's validated fields, with the command that reaches it.
    expect(status.stdout).toMatch(/^a rotated sign-in for main on vps is held by AuthBar there: run ssh .* recover$/m);

    const recover = await runCli(['recover', '--host', 'vps'], env);
    expect(recover.code, recover.stderr).toBe(0);
    expect(recover.stdout).toMatch(/^vps:main\s+openai-codex:default\s+recovered/m);
    expect(vps.readStore('main').profiles['openai-codex:default'].refresh).toBe(held.refresh);
    expect(readdirSync(join(vps.authbarHome, 'recovery'))).toEqual([]);

    const channel = readFileSync(recorder.capture, 'utf8');
    expect(channel).toContain('"outcome": "recovered"');
    for (const secret of [held.refresh, held.access, old.refresh]) {
      for (const fragment of [secret, secret.slice(0, 12), secret.slice(-12)]) expect(channel).not.toContain(fragment);
    }
  }, 60_000);
});
