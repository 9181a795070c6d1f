// Shown text: what a terminal would join back into a token, secrets in files another file
// shadows, and profile ids past the search's bounds, which must not cost a copy its place in
// refreshes and checks (found by reviews).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { carriersOf } from '../../main/core/secret-parts.ts';
import { runCli } from '../helpers/cli.ts';
import { rotatedAway, server, signIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
tokenServerPerTest();


describe('shown text', () => {
  it('a profile id whose run is split by an invisible mark is printed whole by the text table', async () => {
    const other = codexCredential({ accountId: 'acct-2' });
    const run = other.refresh.slice(3, 11);
    const id = `openai-codex:${run.slice(0, 4)}\u200b${run.slice(4)}`;
    const d = stateDirForServer({ agents: [
      { id: 'main', default: true, store: storeDocument({ [id]: codexCredential({ accountId: 'acct-1' }) }) },
      { id: 'ops', store: storeDocument({ 'openai-codex:default': other }) },
    ] });
    const out = await runCli(['status'], d.env);
    expect(out.stdout.includes(run)).toBe(false);
  });

  it('a long (1,100-character) profile id holding an expired sign-in does not make status --check pass', async () => {
    const id = `openai-codex:${'x'.repeat(1100)}`;
    const d = stateDirForServer({ agents: [{ id: 'main', default: true, store: storeDocument({ [id]: codexCredential({ accountId: 'acct-1', expiresInMs: -HOUR }) }) }] });
    const out = await runCli(['status', '--check'], d.env);
    expect(out.code).not.toBe(0);
  });

  it('a rotated-away token is not presented when its successor sits under a long (1,100-character) profile id', async () => {
    const old = signIn('acct-1', -1 * HOUR);
    rotatedAway(old); // rotated away: its successor is `next`
    const next = signIn('acct-1', 5 * DAY);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': old }) },
      { id: 'coder', store: storeDocument({ [`openai-codex:${'y'.repeat(1100)}`]: next }) },
    ] });
    await refreshAgents({ env: d.env, agents: ['main'] });
    expect(server.requests.map((r) => r.refreshToken)).not.toContain(old.refresh);
  });

  it('a copy of the same token under a long (1,100-character) profile id is brought along by a refresh', async () => {
    const cred = signIn('acct-1', -1 * HOUR);
    const longId = `openai-codex:${'z'.repeat(1100)}`;
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': cred }) },
      { id: 'coder', store: storeDocument({ [longId]: { ...cred } }) },
    ] });
    await refreshAgents({ env: d.env, agents: ['main'] });
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(d.readStore('coder').profiles[longId].refresh).toBe(d.readStore('main').profiles['openai-codex:default'].refresh);
  });

  it('many ordinary profiles past the search bounds are all still listed: only their emails may be left out', async () => {
    const profiles: Record<string, unknown> = {};
    for (let i = 0; i < 9000; i++) profiles[`openai-codex:user-${String(i).padStart(5, '0')}-${'p'.repeat(30)}`] = codexCredential({ accountId: `acct-${i}-${'a'.repeat(40)}`, email: `user-${i}-${'e'.repeat(60)}@example.com` });
    const d = stateDirForServer({ agents: [{ id: 'main', default: true, store: storeDocument(profiles) }] });
    const run = await runCli(['status', '--json'], d.env, { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout).agents[0].profiles;
    expect(listed).toHaveLength(9000);
    expect(listed[0]).toMatchObject({ profileId: `openai-codex:user-00000-${'p'.repeat(30)}` });
  }, 180_000);
  it('searches an oauth.json token that a legacy auth.json entry shadows', async () => {
    const inOauthFile = codexCredential({ accountId: 'acct-9' });
    const inLegacy = codexCredential({ accountId: 'acct-8' });
    const sig = (jwt: string) => jwt.split('.')[2]!;
    const d = stateDirForServer({ agents: [
      { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) },
      { id: 'coder', store: '{ not json', legacy: { 'openai-codex': inLegacy } },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', email: `${sig(inOauthFile.access).slice(0, 12)}@example.com` }) }) },
    ] });
    mkdirSync(join(d.stateDir, 'credentials'), { recursive: true });
    writeFileSync(join(d.stateDir, 'credentials', 'oauth.json'), JSON.stringify({ 'openai-codex': { access: inOauthFile.access, refresh: inOauthFile.refresh, expires: inOauthFile.expires } }), { mode: 0o600 });
    const out = await runCli(['status', '--json'], d.env);
    expect(out.stdout.includes(sig(inOauthFile.access).slice(0, 12))).toBe(false);
  });

  it("searches a legacy auth.json's ID token, which OpenClaw does not copy into the entry it makes", async () => {
    const idToken = codexCredential({ accountId: 'acct-7' }).access;
    const part = idToken.split('.')[2]!.slice(0, 12);
    const d = stateDirForServer({ agents: [
      { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) },
      { id: 'coder', store: '{ not json', legacy: { 'openai-codex': { ...codexCredential({ accountId: 'acct-8' }), idToken } } },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', email: `${part}@example.com` }) }) },
    ] });
    const out = await runCli(['status', '--json'], d.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.includes(part)).toBe(false);
  });
});

// Found by a third review: a bound on all shown text hid ordinary copies past it.
describe('the total bound on shown text', () => {
  it('with no secret at all, no ordinary id is a carrier (20,000 ids of 60 characters)', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `openai-codex:${String(i).padStart(47, 'p')}`);
    expect(carriersOf(ids, []).size).toBe(0);
  });

  // 16 ids of 64 KiB (each within the per-value bound) in main's store fill the 1 MiB budget first.
  const filler = () => Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`openai-codex:${String(i).padStart(65_536 - 13, 'f')}`, codexCredential({ accountId: `fill-${i}` })]));

  it('a copy under an ordinary id in another agent is still brought along by a refresh', async () => {
    const cred = signIn('acct-1', -1 * HOUR);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ ...filler(), 'openai-codex:default': cred }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:work': { ...cred } }) },
    ] });
    await refreshAgents({ env: d.env, agents: ['main'], ifNeeded: true });
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(d.readStore('coder').profiles['openai-codex:work'].refresh).toBe(d.readStore('main').profiles['openai-codex:default'].refresh);
  });

  it('status --check still fails for another agent\'s expired ordinary sign-in', async () => {
    const d = stateDirForServer({ agents: [
      { id: 'main', default: true, store: storeDocument(filler()) },
      { id: 'ops', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', expiresInMs: -HOUR }) }) },
    ] });
    const out = await runCli(['status', '--json'], d.env);
    const ops = JSON.parse(out.stdout).agents.find((a: { id: string }) => a.id === 'ops');
    expect(ops.profiles.map((p: { profileId: string }) => p.profileId)).toContain('openai-codex:default');
    expect((await runCli(['status', '--check'], d.env)).code).not.toBe(0);
  });
});
