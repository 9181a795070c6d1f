// What AuthBar writes, the real openclaw@2026.5.7 reads: after `authbar refresh` and after
// `authbar sync`, OpenClaw's own `models status --json` sees every agent's new credential as ok.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { installOpenClaw, jsonIn, runOpenClaw } from '../helpers/openclaw.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const PEER = join(import.meta.dirname, '../helpers/openclaw-peer.mjs');
let openclaw: string;
let server: TokenServer;
const dirs: StateDir[] = [];

beforeAll(async () => {
  openclaw = await installOpenClaw('2026.5.7');
  server = await startTokenServer();
}, 600_000);
afterAll(async () => {
  await server.close();
  for (const d of dirs) d.cleanup();
});

function fixture(agents: Array<{ id: string; store?: unknown }>): StateDir {
  const d = makeStateDir({ agents, config: { agents: { defaults: { model: 'openai-codex/gpt-5.5' } } } });
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url });
  dirs.push(d);
  return d;
}

function signIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com` });
}

async function openclawSees(d: StateDir, agentId: string) {
  const result = await runOpenClaw(openclaw, ['models', 'status', '--json', '--agent', agentId], { ...d.env, OPENCLAW_AUTH_STORE_READONLY: '1' });
  expect(result.code, result.stderr).toBe(0);
  return jsonIn(result.stdout).auth.oauth.profiles.find((p: any) => p.profileId === 'openai-codex:default');
}

describe('round trip with the real openclaw@2026.5.7', () => {
  it('after authbar refresh, OpenClaw reads every copy\'s new expiry as ok', async () => {
    const cred = signIn('acct-rt', 2 * HOUR);
    const d = fixture([{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }, { id: 'artist', store: storeDocument({ 'openai-codex:default': { ...cred } }) }]);
    expect((await openclawSees(d, 'artist')).status).toBe('expiring');
    const refresh = await runCli(['refresh', '--agent', 'artist', '--json'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    const expiresAt = JSON.parse(refresh.stdout).results[0].expiresAt;
    for (const id of ['main', 'artist']) {
      expect(await openclawSees(d, id), id).toMatchObject({ status: 'ok', expiresAt });
    }
  }, 600_000);

  it('after authbar sync, OpenClaw reads each synced agent as ok', async () => {
    const cred = signIn('acct-sync', 3 * HOUR);
    const d = fixture(['main', 'artist', 'coder'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })));
    expect((await runCli(['status', '--json'], d.env)).code).toBe(0); // AuthBar has seen the copies
    // OpenClaw refreshes in one agent and strands the other two.
    await new Promise((resolve, reject) => spawn(process.execPath, [PEER, 'refresh', d.stateDir, d.storePath('coder'), 'openai-codex:default', server.url]).on('exit', (c) => (c === 0 ? resolve(c) : reject(new Error(String(c))))));
    const sync = await runCli(['sync', '--json'], d.env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout).results.map((r: any) => r.outcome)).toEqual(['synced', 'synced']);
    const newest = d.readStore('coder').profiles['openai-codex:default'];
    for (const id of ['main', 'artist']) {
      expect(await openclawSees(d, id), id).toMatchObject({ status: 'ok', expiresAt: newest.expires });
    }
  }, 600_000);
});
