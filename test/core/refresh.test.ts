import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RefreshEvent } from '../../main/core/api.ts';
import { jsonEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { readStatus } from '../../main/core/read-status.ts';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { holdLock } from '../helpers/peer.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { cleanedAfter, killedAfter, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

/** A credential the token server knows, as a fresh sign-in would leave it. */
function signIn(accountId: string, expiresInMs = 2 * HOUR, extra: Record<string, unknown> = {}) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com`, extra });
}

function state(options: Parameters<typeof makeStateDir>[0]): StateDir & { env: Record<string, string> } {
  const d = makeStateDir(options);
  d.env.AUTHBAR_TOKEN_URL = server.url;
  d.env.AUTHBAR_TOKEN_TIMEOUT_MS = '1500';
  cleanedAfter(d);
  return d;
}

const statusOf = async (d: StateDir, id: string) => (await readStatus({ env: d.env })).report.agents.find((a) => a.id === id)!;

describe('refreshAgents', () => {
  it('refreshes once, writes atomically with 0600, keeps other profiles and unknown fields, and leaves auth-state.json alone', async () => {
    const cred = signIn('acct-1', 2 * HOUR, { futureField: { keep: true } });
    const other = { type: 'api_key', provider: 'anthropic', key: 'sk-ant', note: 'x' };
    const authState = { version: 1, order: { 'openai-codex': ['openai-codex:default'] }, lastGood: {} };
    const d = state({ agents: [{ id: 'main', store: { version: 1, profiles: { 'openai-codex:default': cred, 'anthropic:default': other }, extraTop: 7 }, authState }] });
    const authStateBefore = readFileSync(join(d.agentDir('main'), 'auth-state.json'), 'utf8');

    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.requests).toBe(1);
    expect(report.results).toMatchObject([{ agentId: 'main', profileId: 'openai-codex:default', outcome: 'refreshed', syncedAgents: [] }]);

    const store = d.readStore('main');
    const next = store.profiles['openai-codex:default'];
    expect(next.refresh).not.toBe(cred.refresh);
    expect(server.live.has(next.refresh)).toBe(true);
    expect(next.access).not.toBe(cred.access);
    expect(next.expires).toBeGreaterThan(Date.now() + 9 * 86_400_000);
    expect(next).toMatchObject({ accountId: 'acct-1', email: 'acct-1@example.com', futureField: { keep: true }, type: 'oauth', provider: 'openai-codex' });
    expect(store.profiles['anthropic:default']).toEqual(other);
    expect(store.extraTop).toBe(7);
    expect(statSync(d.storePath('main')).mode & 0o777).toBe(0o600);
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(`${JSON.stringify(store, null, 2)}\n`);
    expect(readFileSync(join(d.agentDir('main'), 'auth-state.json'), 'utf8')).toBe(authStateBefore);
    expect(report.results[0]!.expiresAt).toBe(next.expires);
    expect((await statusOf(d, 'main')).status).toBe('ok');
  });

  it('makes one request per lineage and writes the new credential into every copy, naming them', async () => {
    const shared = signIn('acct-1');
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': shared }) },
        { id: 'artist', store: storeDocument({ 'openai-codex:default': { ...shared } }) },
        { id: 'coder', store: storeDocument({ 'openai-codex:default': { ...shared } }) },
        { id: 'ghost', configured: false, store: storeDocument({ 'openai-codex:default': { ...shared } }) },
        { id: 'solo', store: storeDocument({ 'openai-codex:default': signIn('acct-2') }) },
      ],
    });
    const events: RefreshEvent[] = [];
    const report = await refreshAgents({ env: d.env, agents: ['artist', 'coder', 'solo'], onEvent: (e) => events.push(e) });
    expect(report.requests).toBe(2);
    const byAgent = Object.fromEntries(report.results.map((r) => [r.agentId, r]));
    expect(byAgent.artist).toMatchObject({ outcome: 'refreshed', syncedAgents: ['coder', 'ghost', 'main'] });
    expect(byAgent.coder).toMatchObject({ outcome: 'refreshed' });
    expect(byAgent.solo).toMatchObject({ outcome: 'refreshed', syncedAgents: [] });
    const refreshes = ['main', 'artist', 'coder', 'ghost'].map((id) => d.readStore(id).profiles['openai-codex:default'].refresh);
    expect(new Set(refreshes).size).toBe(1);
    expect(server.live.has(refreshes[0])).toBe(true);
    expect(events.filter((e) => e.type === 'started').map((e) => e.type === 'started' && e.agentId).sort()).toEqual(['artist', 'coder', 'solo']);
    expect(events.filter((e) => e.type === 'finished')).toHaveLength(3);
  });

  it('refreshes main\'s store for an agent that inherits, and everyone inheriting sees it', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-1') }) }, { id: 'artist' }] });
    const report = await refreshAgents({ env: d.env, agents: ['artist'] });
    // The copy refreshed is main's own: nothing else to sync.
    expect(report.results).toMatchObject([{ agentId: 'artist', outcome: 'refreshed', syncedAgents: [] }]);
    expect(existsSync(d.storePath('artist'))).toBe(false);
    expect((await statusOf(d, 'artist')).profiles[0]!.expiresAt).toBe(d.readStore('main').profiles['openai-codex:default'].expires);
  });

  it('with --if-needed touches only expiring, expired and expiry-less profiles', async () => {
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': signIn('a', 3 * 86_400_000) }) },
        { id: 'soon', store: storeDocument({ 'openai-codex:default': signIn('b', 2 * HOUR) }) },
        { id: 'gone', store: storeDocument({ 'openai-codex:default': signIn('c', -HOUR) }) },
        { id: 'noexp', store: storeDocument({ 'openai-codex:default': { ...signIn('d'), expires: undefined } }) },
      ],
    });
    const report = await refreshAgents({ env: d.env, agents: 'all', ifNeeded: true });
    expect(Object.fromEntries(report.results.map((r) => [r.agentId, r.outcome]))).toEqual({ main: 'skipped', soon: 'refreshed', gone: 'refreshed', noexp: 'refreshed' });
    expect(report.requests).toBe(3);
  });

  it('adopts a credential another process wrote while it waited for the refresh lock, with no request', async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }, { id: 'copy', store: storeDocument({ 'openai-codex:default': { ...cred } }) }] });
    // OpenClaw in agent main refreshes (holding the refresh lock for 700 ms) just as we start.
    const peer = spawn(process.execPath, [join(import.meta.dirname, '../helpers/openclaw-peer.mjs'), 'refresh', d.stateDir, d.storePath('main'), 'openai-codex:default', server.url, '700']);
    const peerDone = new Promise((resolve) => peer.on('exit', resolve));
    const lockFile = `${jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:default')}.lock`;
    while (!existsSync(lockFile)) await new Promise((r) => setTimeout(r, 10));

    const report = await refreshAgents({ env: d.env, agents: ['copy'] });
    await peerDone;
    expect(report.requests).toBe(0);
    expect(server.requests).toHaveLength(1); // the peer's only
    expect(report.results).toMatchObject([{ agentId: 'copy', outcome: 'adopted' }]);
    expect(d.readStore('copy').profiles['openai-codex:default'].refresh).toBe(d.readStore('main').profiles['openai-codex:default'].refresh);
  });

  it('on refresh_token_reused reports needs-login with the fix, records it, and status says so until the store changes', async () => {
    const cred = signIn('acct-1');
    server.used.add(cred.refresh);
    server.live.delete(cred.refresh);
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    const before = readFileSync(d.storePath('main'), 'utf8');
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results).toMatchObject([{
      outcome: 'failed', failureKind: 'needs-login', cause: 'refresh_token_reused',
      fix: 'openclaw models auth --agent main login --provider openai-codex',
    }]);
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(before);
    expect(await statusOf(d, 'main')).toMatchObject({ status: 'needs-login', fix: 'openclaw models auth --agent main login --provider openai-codex' });

    // Presenting a dead token again gets nothing but risk: a second refresh makes no request.
    const again = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(again.requests).toBe(0);
    expect(again.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'needs-login' });

    // A new sign-in (the store changes) clears it.
    d.writeStore('main', storeDocument({ 'openai-codex:default': signIn('acct-1', 3 * 86_400_000) }));
    expect((await statusOf(d, 'main')).status).toBe('ok');
    const memory = readFileSync(join(d.authbarHome, 'memory.json'), 'utf8');
    expect(memory).not.toContain(cred.refresh);
    expect(memory).not.toContain(cred.refresh.slice(3, 20));
  });

  /** main holds `own`; artist a newer sign-in of the same account that the endpoint has rotated away. */
  function beside(own: Record<string, unknown>) {
    const newer = signIn('acct-1', 2 * HOUR);
    server.used.add(newer.refresh);
    server.live.delete(newer.refresh);
    const d = state({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    return { d, newer };
  }

  // A copy with a later expiry is adopted before the request (OpenClaw's own merge rule). When
  // the endpoint then says that one was dead, the copies it replaced get their own sign-in back:
  // it may be a live one (a separate sign-in of the account), and it was never tried.
  it('puts a copy\'s own sign-in back when the newer one it adopted turns out dead', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const { d, newer } = beside(own);
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(server.requests.map((r) => [r.refreshToken, r.outcome])).toEqual([[newer.refresh, 'reused']]);
    expect(report.results).toMatchObject([{ agentId: 'main', outcome: 'failed', failureKind: 'needs-login' }]);
    expect(report.results[0]!.cause).toBe('refresh_token_reused: the newer sign-in adopted from artist was dead; main has its own sign-in back, not tried');
    expect(d.readStore('main').profiles['openai-codex:default']).toEqual(own);
    expect(server.live.has(own.refresh)).toBe(true);
    expect(d.readStore('artist').profiles['openai-codex:default']).toEqual(newer);
  });

  // Found by a review: the put-back sign-in was remembered as the one rejected (so never tried
  // again), and the token the endpoint did reject was not remembered (so presented again).
  it('remembers the token the endpoint rejected, never the sign-in put back in its place', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const { d, newer } = beside(own);
    await refreshAgents({ env: d.env, agents: ['main'] });
    const main = (await statusOf(d, 'main')).profiles[0]!;
    expect(main.status).not.toBe('needs-login');
    expect(main.newerCopyIn).toBeNull(); // never offered a sync from the dead copy
    expect((await statusOf(d, 'artist')).profiles[0]!.status).toBe('needs-login');
    // The dead token is never presented again; the one put back is tried next time.
    await refreshAgents({ env: d.env, agents: ['artist'] });
    expect(server.requests.filter((r) => r.refreshToken === newer.refresh)).toHaveLength(1);
    const again = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(again.results[0]).toMatchObject({ agentId: 'main', outcome: 'refreshed' });
    expect(server.requests.map((r) => r.refreshToken)).toEqual([newer.refresh, own.refresh]);
  });

  // Found by a review: an entry without an expiry could not be put back, and the line hid it.
  it('puts back a copy\'s own entry whole, one without an expiry too', async () => {
    const { expires: _none, ...own } = signIn('acct-1', -1 * HOUR);
    const { d } = beside({ ...own, futureField: 1 });
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results[0]!.cause).toContain('main has its own sign-in back, not tried');
    expect(d.readStore('main').profiles['openai-codex:default']).toEqual({ ...own, futureField: 1 });
  });

  it('keeps the old credential on transient and bad-response failures', async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    const before = readFileSync(d.storePath('main'), 'utf8');
    server.queue('503', '429', '503');
    const transient = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(transient.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'transient', fix: 'authbar refresh --agent main' });
    expect(transient.requests).toBe(3); // each try is a request the endpoint saw
    expect(server.requests).toHaveLength(3);
    server.queue('missing-fields');
    const bad = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(bad.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'bad-response' });
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(before);
    expect((await statusOf(d, 'main')).status).toBe('expiring');
  });

  // Found by a review: the shown (cleaned) account id once stood in for the stored one, so two
  // copies of one account whose stored id has an invisible mark no longer matched, and the
  // stranded one presented its dead token.
  it('matches copies by the stored account id, whatever of it is shown', async () => {
    const odd = (expiresInMs: number) => ({ ...signIn('acct-a', expiresInMs), accountId: 'acct-a\u200b' });
    const old = odd(HOUR);
    server.live.delete(old.refresh);
    server.used.add(old.refresh);
    const d = state({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': odd(2 * HOUR) }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': old }) },
    ] });
    const report = await refreshAgents({ env: d.env, agents: ['artist'] });
    expect(report.results[0]).toMatchObject({ outcome: 'refreshed', source: 'main' });
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
  });

  // Found by an attack review: the endpoint rotated, so the old token is dead; an answer with a
  // new refresh token is kept whatever else it lacks, or the sign-in is lost.
  it.each([
    ['a string expires_in', { expires_in: '864000' }],
    ['a zero expires_in', { expires_in: 0 }],
    ['a null expires_in', { expires_in: null }],
    ['no expires_in', { expires_in: undefined }],
    ['an expires_in no date can hold', { expires_in: 1e306 }],
    ['no access token', { access_token: undefined, id_token: undefined }],
  ])('keeps a rotated answer with %s: the new refresh token is in the store', async (_, answerWith) => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    server.queue({ answerWith });
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results[0]).toMatchObject({ outcome: 'refreshed' });
    const stored = d.readStore('main').profiles['openai-codex:default'];
    expect(server.live.has(stored.refresh)).toBe(true);
    expect(Number.isFinite(stored.expires)).toBe(true);
    expect(stored.expires).toBeLessThan(Date.now() + 400 * 86_400_000);
    // With no access token it is expired at once, so the next refresh uses the new token (found by a review).
    if ('access_token' in answerWith) {
      expect(stored.expires).toBeLessThanOrEqual(Date.now());
      expect((await refreshAgents({ env: d.env, agents: ['main'], ifNeeded: true })).results[0]).toMatchObject({ outcome: 'refreshed' });
    }
  });

  it('refuses a 200 that rotated nothing (the same refresh token back) and has no usable access token: the store as it was', async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    const before = readFileSync(d.storePath('main'), 'utf8');
    server.queue({ answerWith: { refresh_token: cred.refresh, access_token: 12345 } });
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'bad-response' });
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(before);
  });

  // Found by an attack review: a directory where a store's lock file goes (no OpenClaw makes one)
  // was moved aside and then failed to delete, ending the whole run with a stack of EISDIR.
  it('refuses a store whose lock path is a directory, leaves it, and refreshes the other agents', async () => {
    const d = state({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-1') }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': signIn('acct-2') }) },
    ] });
    const lockDir = `${d.storePath('main')}.lock`;
    mkdirSync(join(lockDir, 'sub'), { recursive: true });
    const report = await refreshAgents({ env: d.env, agents: 'all' });
    const byAgent = Object.fromEntries(report.results.map((r) => [r.agentId, r]));
    expect(byAgent.artist).toMatchObject({ outcome: 'refreshed' });
    expect(byAgent.main).toMatchObject({ outcome: 'failed' });
    expect(byAgent.main!.cause).toContain(`${lockDir} is not a lock file`);
    expect(statSync(join(lockDir, 'sub')).isDirectory()).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('never writes a copy that stopped parsing meanwhile, and reports it', async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }, { id: 'b', store: storeDocument({ 'openai-codex:default': { ...cred } }) }] });
    // The token server holds its answer; meanwhile b's store is damaged.
    let answer = () => {};
    server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const running = refreshAgents({ env: d.env, agents: ['main'] });
    await server.received(1);
    writeFileSync(d.storePath('b'), '{"version":1,"profiles":');
    answer();
    const report = await running;
    expect(report.results[0]).toMatchObject({ outcome: 'refreshed', syncedAgents: [] });
    // Every action is reported, failed or not: b was left behind, and why.
    expect(report.results[0]!.cause).toMatch(/^not written: b \(.*auth-profiles\.json is unreadable now/);
    expect(readFileSync(d.storePath('b'), 'utf8')).toBe('{"version":1,"profiles":');
  });

  it('reports unknown agents, unreadable stores and agents without a Codex sign-in', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('a') }) }, { id: 'bad', store: 'nope' }, { id: 'none', store: storeDocument({}) }] });
    await expect(refreshAgents({ env: d.env, agents: ['nobody'] })).rejects.toThrow(/no agent "nobody"/);
    const report = await refreshAgents({ env: d.env, agents: ['bad'] });
    expect(report.results).toMatchObject([{ agentId: 'bad', outcome: 'failed', failureKind: 'unreadable' }]);
    expect(report.results[0]!.fix).toContain(d.storePath('bad'));
    expect(report.requests).toBe(0);
  });

  it('never refreshes the Codex CLI\'s own profile', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:codex-cli': signIn('a') }) }] });
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results[0]).toMatchObject({ outcome: 'skipped' });
    expect(report.requests).toBe(0);
  });
});

// OpenClaw 2026.5 takes a live holder's refresh lock once it is older than 180 s. A request sent
// after that could meet another AuthBar's request for the same token (one of them a reuse), so
// none is sent unless its answer can come (the endpoint's timeout) while the lock is still ours.
describe('the refresh lock\'s age', () => {
  it('sends no request that could outlast the lock: transient, nothing requested, the store as it was', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-1') }) }] });
    const before = readFileSync(d.storePath('main'), 'utf8');
    // The endpoint's own 30 s per try cannot fit in a lock that goes stale after 20 s (15 s kept as margin).
    const report = await refreshAgents({ env: { ...d.env, AUTHBAR_TOKEN_TIMEOUT_MS: '30000' }, agents: 'all', lockStaleMs: 20_000 });
    expect(report.results).toMatchObject([{ agentId: 'main', outcome: 'failed', failureKind: 'transient' }]);
    expect(report.results[0]!.cause).toBe('AUTHBAR_TOKEN_TIMEOUT_MS (30 s) is longer than AuthBar may keep OpenClaw\'s refresh lock for an answer (5 s); lower it; nothing was requested');
    expect(server.requests).toHaveLength(0);
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(before);
    // With the lock's real bound, the same refresh goes through.
    expect((await refreshAgents({ env: d.env, agents: 'all' })).results).toMatchObject([{ outcome: 'refreshed' }]);
  });

  it('counts from the first lock taken: a second one waited for does not make the first any younger', async () => {
    // One sign-in copied under two profile ids: one lineage, two refresh locks, taken in order.
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred, 'openai-codex:work': { ...cred } }) }] });
    const ours = d.readStore('main').profiles['openai-codex:default'].refresh;
    const [first, second] = ['openai-codex:default', 'openai-codex:work'].map((id) => jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', id)).sort();
    mkdirSync(dirname(second!), { recursive: true, mode: 0o700 });
    const held = await holdLock(second!, killedAfter);
    const waiter = observeLock(`${second}.lock`);
    // A 2 s window for the request (17 s stale, 15 s margin), of which an answer may take 0.5 s.
    const refreshing = refreshAgents({ env: { ...d.env, AUTHBAR_TOKEN_TIMEOUT_MS: '500' }, agents: ['main'], concurrency: 1, lockStaleMs: 17_000 });
    await waiter.readByAnother();
    waiter.stop();
    // The first lock is AuthBar's now; let go of the second once the first is older than that window.
    const takenAt = statSync(`${first}.lock`).mtimeMs;
    while (Date.now() - takenAt < 2_000) await new Promise((r) => setTimeout(r, 50));
    held.release();
    const report = await refreshing;
    expect(server.requests.filter((r) => r.refreshToken === ours)).toHaveLength(0);
    expect(report.results.find((r) => r.profileId === 'openai-codex:default')).toMatchObject({ outcome: 'failed', failureKind: 'transient', cause: expect.stringMatching(/held the refresh lock too long/) });
  });
});
