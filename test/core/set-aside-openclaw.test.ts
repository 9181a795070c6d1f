// Set-aside sign-ins, as a fourth review attacked them: one copy's record must not clear another's
// rotation, one record per copy however often the app brings a rotation along, OpenClaw 2026.9's
// failed fence proves the replacement dead, and a heal that removes a per-agent copy.
import { describe, expect, it } from 'vitest';
import { runCli, statusJson } from '../helpers/cli.ts';
import { filesHolding, forServer, rotatedAway, server, setAsideRecords, signIn, sqliteSignIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { fence, makeSqliteStateDir } from '../helpers/sqlite-state.ts';
import { storeDocument } from '../helpers/state-dir.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

const records = setAsideRecords;

describe('writtenOver: a record of one copy must not clear another copy\'s real rotation', () => {
  it('a token OpenClaw rotated away in artist\'s store is never presented, even when coder\'s own entry (the same token) was set aside', async () => {
    const shared = signIn('acct-1', 2 * HOUR);
    const d = stateDirForServer({ agents: ['main', 'artist', 'coder'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...shared } }) })) });
    await statusJson(d.env); // AuthBar sees all three holding the same token
    // OpenClaw refreshes artist's copy: the token rotates there; main and coder are left behind.
    const next = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(shared);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': next }));
    const seen = await statusJson(d.env);
    expect(seen.agents.find((a: { id: string }) => a.id === 'main').profiles[0].stranded).toBe('certain');
    // The user syncs coder only (authbar sync --agent coder): coder's own (dead) entry is set aside.
    await runCli(['sync', '--agent', 'coder'], d.env);
    expect(records(d.authbarHome)).toHaveLength(1);
    // Coder is then signed in to another account.
    d.writeStore('coder', storeDocument({ 'openai-codex:default': signIn('acct-2', 5 * 24 * HOUR) }));
    // main is still certainly stranded: nothing about main changed.
    const again = await statusJson(d.env);
    expect.soft(again.agents.find((a: { id: string }) => a.id === 'main').profiles[0].stranded).toBe('certain');
    // artist's token is later proved dead (rotated on another machine).
    rotatedAway(next);
    await runCli(['refresh', '--agent', 'artist'], d.env);
    const before = server.requests.length;
    const run = await runCli(['refresh', '--agent', 'main'], d.env);
    // Invariant 2: a token AuthBar's history saw rotated away is never presented.
    expect(server.requests.slice(before).map((r) => r.refreshToken)).not.toContain(shared.refresh);
    expect(run.stderr).toContain('rotated away in another store');
  }, 60_000);

  it('status --check: main, certainly stranded, stays so (exit 2) when coder\'s own entry of the same token is set aside', async () => {
    const shared = signIn('acct-1', 3 * 24 * HOUR);
    const d = stateDirForServer({ agents: ['main', 'artist', 'coder'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...shared } }) })) });
    await statusJson(d.env);
    rotatedAway(shared);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': signIn('acct-1', 8 * 24 * HOUR) }));
    expect((await runCli(['status', '--check'], d.env)).code).toBe(2);
    await runCli(['sync', '--agent', 'coder'], d.env);
    const check = await runCli(['status', '--check'], d.env);
    expect(check.code).toBe(2);
  }, 60_000);
});

describe('records of ordinary rotations the app brings along pile up', () => {
  it('every OpenClaw rotation in artist\'s store, auto-synced into main by the app, leaves a record that is never dropped', async () => {
    const { Controller } = await import('../../main/core/controller.ts');
    const { pruneSetAside, SETTLED_AFTER_MS } = await import('../../main/core/authbar/set-aside.ts');
    const { holdingIn, readStatus } = await import('../../main/core/read-status.ts');
    let token = signIn('acct-1', 3 * HOUR);
    const d = stateDirForServer({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...token } }) })) });
    const controller = new Controller({ env: d.env, debounceMs: 50 });
    try {
      await controller.start();
      for (let i = 0; i < 4; i++) {
        // OpenClaw refreshes artist's copy (an ordinary rotation); the app brings main along.
        const next = signIn('acct-1', (4 + i) * 24 * HOUR);
        rotatedAway(token);
        token = next;
        const synced = new Promise<void>((resolve) => controller.on((e) => e.type === 'auto-synced' && resolve()));
        d.writeStore('artist', storeDocument({ 'openai-codex:default': next }));
        await synced;
        expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(next.refresh);
      }
    } finally {
      await controller.stop();
    }
    // Each replacement proved live (artist's OpenClaw rotated it, by itself); hours later, pruned:
    pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + SETTLED_AFTER_MS + HOUR);
    const left = records(d.authbarHome).length;
    // ...and a refresh of main proves the current one live too.
    const refresh = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect({ afterPrune: left, afterRefresh: records(d.authbarHome).length }).toEqual({ afterPrune: 1, afterRefresh: 0 });
  }, 120_000);
});

describe('a record dropped although its replacement proved dead', () => {
  it('OpenClaw 2026.9 failed on the adopted sign-in (a failed fence); AuthBar then syncs a new one over the fence: the copy\'s own live sign-in must not be dropped', async () => {
    const { pruneSetAside, SETTLED_AFTER_MS } = await import('../../main/core/authbar/set-aside.ts');
    const { holdingIn, readStatus } = await import('../../main/core/read-status.ts');
    const own = sqliteSignIn('acct-1', -1 * HOUR); // the shared store's own: access expired, refresh token live
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR); // artist's, copied in from a laptop that rotated it since
    rotatedAway(newer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': own }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': newer } }] }));
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(d.profiles('shared')['openai:default'].refresh).toBe(newer.refresh);
    expect(filesHolding(d.authbarHome, own.refresh)).toHaveLength(1);
    // OpenClaw (main) tries the adopted sign-in, the endpoint rejects it: OpenClaw leaves a failed fence.
    d.setProfile('shared', 'openai:default', fence(d.profiles('shared')['openai:default'], 'failed'));
    // The user signs artist in again (a new, separate sign-in of the account).
    d.setProfile('artist', 'openai:default', sqliteSignIn('acct-1', 10 * 24 * HOUR));
    await runCli(['sync'], d.env); // (the app's keep-copies-in-sync does the same: a failed fence is certain)
    expect(d.profiles('shared')['openai:default'].refresh).toBe(d.profiles('artist')['openai:default'].refresh);
    expect(filesHolding(d.authbarHome, own.refresh)).toHaveLength(1); // still set aside, until the prune below
    // Hours later, any status/refresh/sync prunes.
    pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + SETTLED_AFTER_MS + HOUR);
    // Invariant 1: main's own sign-in is still live, and must be in a store or set aside.
    expect(server.live.has(own.refresh)).toBe(true);
    expect(filesHolding(d.root, own.refresh)).not.toEqual([]);
  }, 60_000);
});

describe('OpenClaw 2026.9 failed on what AuthBar wrote over a copy', () => {
  it('the next refresh gives the copy its own back first, and uses it (one rotation)', async () => {
    const own = sqliteSignIn('acct-1', -1 * HOUR);
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': own }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': newer } }] }));
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(d.profiles('shared')['openai:default'].refresh).toBe(newer.refresh);
    d.setProfile('shared', 'openai:default', fence(d.profiles('shared')['openai:default'], 'failed'));
    const refresh = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(server.requests.map((r) => [r.refreshToken === own.refresh, r.outcome])).toEqual([[true, 'rotated']]);
    expect(server.live.has(d.profiles('shared')['openai:default'].refresh)).toBe(true);
    expect(records(d.authbarHome)).toEqual([]);
  }, 60_000);
});

describe('SQLite era: a heal that removes a per-agent copy', () => {
  it('the per-agent copy a heal removed (to inherit the shared healer) gets its own back when the healer is rejected too', async () => {
    const own = sqliteSignIn('acct-1', -1 * HOUR); // artist's own: access expired, refresh token live
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR); // coder's, copied in from a laptop: dead
    rotatedAway(newer);
    const healer = sqliteSignIn('acct-1', 2 * 24 * HOUR); // the shared store's: dead too (copied in as well)
    rotatedAway(healer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': healer }, agents: [
      { id: 'main' }, { id: 'artist', profiles: { 'openai:default': own } }, { id: 'coder', profiles: { 'openai:default': newer } },
    ] }));
    await runCli(['sync', '--agent', 'artist'], d.env);
    expect(d.profiles('artist')['openai:default']?.refresh).toBe(newer.refresh); // replaced (the source is coder's, not the shared one)
    await runCli(['refresh', '--agent', 'artist'], d.env); // newer is rejected; the shared one heals (artist's copy removed)
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    expect(filesHolding(d.authbarHome, own.refresh)).toHaveLength(1);
    expect(Object.keys(d.profiles('artist'))).toEqual([]); // the heal removed artist's copy: it inherits the shared (dead) one
    for (let run = 0; run < 3 && d.profiles('artist')['openai:default']?.refresh !== own.refresh; run++) await runCli(['refresh', '--agent', 'artist'], d.env);
    // (observed: 'reused' again, then "needs-login ... Fix: openclaw models auth login --provider openai --agent main"; the record stays, never restored)
    // README: "When the endpoint rejects the newer one, the copy gets its own back"; a removed per-agent copy is refilled.
    expect(server.live.has(own.refresh)).toBe(true);
    expect(d.profiles('artist')['openai:default']?.refresh === own.refresh).toBe(true);
  }, 60_000);
});

describe('the app flapping between a dead newer sign-in and OpenClaw\'s failure on it', () => {
  it('after OpenClaw 2026.9 failed on the synced sign-in (a failed fence), the app does not write the same dead one back again and again', async () => {
    const { Controller } = await import('../../main/core/controller.ts');
    const own = sqliteSignIn('acct-1', -1 * HOUR);
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': own }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': newer } }] }));
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(d.profiles('shared')['openai:default'].refresh).toBe(newer.refresh);
    const controller = new Controller({ env: d.env, debounceMs: 50 });
    let syncs = 0;
    controller.on((e) => { if (e.type === 'auto-synced') syncs++; });
    try {
      await controller.start();
      for (let attempt = 0; attempt < 3; attempt++) {
        // OpenClaw presents the synced sign-in; the endpoint says it was reused; OpenClaw leaves a failed fence.
        d.setProfile('shared', 'openai:default', fence({ ...d.profiles('shared')['openai:default'], refresh: newer.refresh, access: newer.access }, 'failed'));
        // A rescan runs "keep copies in sync" to its end (whatever the watcher started is settled too).
        await controller.rescan();
        await controller.settled();
      }
    } finally {
      await controller.stop();
    }
    // Each OpenClaw failure was followed by the app writing the very token OpenClaw just failed on.
    expect(syncs).toBe(0);
  }, 60_000);
});

describe('a copy signed in anew after AuthBar wrote over it', () => {
  it('its new sign-in is set aside in turn when AuthBar writes over it again, and comes back', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync'], d.env);
    // The user signs main in again (a new sign-in, expired by now but live), and artist's store is copied in again.
    const fresh = signIn('acct-1', -2 * HOUR);
    d.writeStore('main', storeDocument({ 'openai-codex:default': fresh }));
    const again = signIn('acct-1', 9 * 24 * HOUR);
    rotatedAway(again);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': again }));
    await runCli(['sync'], d.env);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(again.refresh);
    expect(filesHolding(d.root, fresh.refresh)).not.toEqual([]);
    await runCli(['refresh', '--agent', 'main'], d.env);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(fresh.refresh);
  }, 60_000);
});

describe('OpenClaw 2026.9 failed on a replacement AuthBar wrote over two copies', () => {
  it('both copies get their own back (not only the fenced one), and the refresh then uses its own', async () => {
    const own1 = signIn('acct-1', -1 * HOUR);
    const own2 = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own1 }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': own2 }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync'], d.env);
    expect(records(d.authbarHome)).toHaveLength(2);
    // main's OpenClaw fails on it: a failed fence there; coder still holds the dead one.
    d.writeStore('main', storeDocument({ 'openai-codex:default': fence(d.readStore('main').profiles['openai-codex:default'], 'failed', undefined, 'openai-codex:default') }));
    const refresh = await runCli(['refresh', '--agent', 'coder'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(own1.refresh);
    expect(server.requests.map((r) => [r.refreshToken === own2.refresh, r.outcome])).toEqual([[true, 'rotated']]);
    expect(server.live.has(d.readStore('coder').profiles['openai-codex:default'].refresh)).toBe(true);
    expect(records(d.authbarHome)).toEqual([]);
  }, 60_000);
});
