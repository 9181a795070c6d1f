// Set-aside sign-ins, as a third review attacked them: OpenClaw 2026.9's per-agent copies removed
// for the shared one, a record past a month, a re-keyed profile, AuthBar's own write taken for a
// rotation; and what held (no held-sign-in noise, chains, heals, one rotation per run).
import { describe, expect, it } from 'vitest';
import { pruneSetAside, setAsideDir } from '../../main/core/authbar/set-aside.ts';
import { holdingIn, readStatus } from '../../main/core/read-status.ts';
import { runCli } from '../helpers/cli.ts';
import { filesHolding, forServer, rotatedAway, server, setAsideRecords, signIn, sqliteSignIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { makeSqliteStateDir } from '../helpers/sqlite-state.ts';
import { storeDocument } from '../helpers/state-dir.ts';

const HOUR = 3_600_000;
/** Past any age a record could be dropped at, if it were. */
const MONTH = 31 * 24 * HOUR;
tokenServerPerTest();



describe('SQLite era: a per-agent copy that sync removed (to inherit the shared one)', () => {
  it('gets its own sign-in back when the shared one it was made to inherit is rejected', async () => {
    const own = sqliteSignIn('acct-1', -1 * HOUR); // artist's own: access expired, refresh token live
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR); // the shared store's, copied in from a laptop that rotated it since
    rotatedAway(newer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': newer }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': own } }] }));
    const sync = await runCli(['sync', '--agent', 'artist'], d.env);
    expect(sync.stdout + sync.stderr).toMatch(/synced/);
    expect(d.profiles('artist')).toEqual({}); // removed: it inherits the shared (dead) one now
    expect(filesHolding(d.authbarHome, own.refresh)).toHaveLength(1);
    expect(filesHolding(d.authbarHome, own.refresh)[0]!.startsWith(setAsideDir(d.authbarHome))).toBe(true);

    const refresh = await runCli(['refresh', '--agent', 'artist'], d.env);
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    // README: "When the endpoint rejects the newer one, the copy gets its own back".
    expect(d.profiles('artist')['openai:default']?.refresh).toBe(own.refresh);
  }, 60_000);

  it('same through a refresh that adopts the shared one (per-agent copy removed), rejected in the next run', async () => {
    const own = sqliteSignIn('acct-1', 2 * HOUR); // expiring: a refresh is due
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': newer }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': own } }] }));
    const first = await runCli(['refresh', '--agent', 'artist'], d.env);
    expect(server.requests).toHaveLength(0);
    expect(d.profiles('artist')).toEqual({});
    const second = await runCli(['refresh', '--agent', 'artist'], d.env);
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    expect(d.profiles('artist')['openai:default']?.refresh).toBe(own.refresh);
  }, 60_000);

  it('…and a month on, the record of a live sign-in whose copy was removed is still there, and still goes back', async () => {
    const own = sqliteSignIn('acct-1', -1 * HOUR);
    const newer = sqliteSignIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = forServer(makeSqliteStateDir({ shared: { 'openai:default': newer }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': own } }] }));
    await runCli(['sync', '--agent', 'artist'], d.env);
    pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + MONTH);
    expect(filesHolding(d.authbarHome, own.refresh)).toHaveLength(1);
    await runCli(['refresh', '--agent', 'artist'], d.env);
    expect(d.profiles('artist')['openai:default']?.refresh).toBe(own.refresh);
  }, 60_000);
});

describe('JSON era', () => {
  /** main: its own live sign-in (access expired); artist: a newer-looking one already rotated on another machine. */
  function separate() {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    return { d, own, newer };
  }

  it('a copy whose profile id changed (OpenClaw re-keyed it by email) still gets its own back when the replacement is rejected', async () => {
    const { d, own, newer } = separate();
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(newer.refresh);
    // Same entry, new id (as `openclaw doctor` / a newer OpenClaw names profiles by email).
    const doc = d.readStore('main');
    doc.profiles['openai-codex:acct-1@example.com'] = doc.profiles['openai-codex:default'];
    delete doc.profiles['openai-codex:default'];
    d.writeStore('main', doc);
    const refresh = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    expect(JSON.stringify(d.readStore('main'))).toContain(own.refresh);
  }, 60_000);

  it('status, status --check and recover: a set-aside record is not a held sign-in, and no token text from it is printed', async () => {
    const { d, own } = separate();
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(setAsideRecords(d.authbarHome)).toHaveLength(1);
    const outs = [
      await runCli(['status'], d.env),
      await runCli(['status', '--json'], d.env),
      await runCli(['status', '--check'], d.env),
      await runCli(['recover'], d.env),
      await runCli(['recover', '--json'], d.env),
    ];
    for (const o of outs) {
      expect(o.stdout + o.stderr).not.toContain(own.refresh);
      expect(o.stdout + o.stderr).not.toContain(own.access);
      expect(o.stdout + o.stderr).not.toMatch(/set-aside|holds? a rotated|authbar recover/i);
    }
  }, 60_000);
});

describe('JSON era chains', () => {
  it('a copy synced twice (the second time from a store that moved on from the first) gets its own back, never presenting a rotated-away token', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const first = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(first);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': first }) },
    ] });
    await runCli(['sync', '--agent', 'main'], d.env);
    await runCli(['status'], d.env); // AuthBar's history sees artist hold `first`
    const second = signIn('acct-1', 8 * 24 * HOUR);
    rotatedAway(second);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': second })); // artist moved on from `first`
    const st = await runCli(['status'], d.env);
    const s2 = await runCli(['sync', '--agent', 'main'], d.env);
    pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + 2 * HOUR);
    const main = () => d.readStore('main').profiles['openai-codex:default'].refresh;
    for (let run = 0; run < 4 && main() !== own.refresh; run++) {
      const r = await runCli(['refresh', '--agent', 'main'], d.env);
    }
    expect(main()).toBe(own.refresh);
  }, 60_000);
});

describe('no drop by age', () => {
  it('never drops the only copy of a live sign-in while the copy still holds the dead replacement', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(newer.refresh);
    // 31 days on, main still holds the dead replacement (OpenClaw's own refresh of it failed; nobody ran authbar refresh).
    pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + MONTH);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(newer.refresh);
    expect(server.live.has(own.refresh)).toBe(true);
    expect(filesHolding(d.authbarHome, own.refresh)).not.toEqual([]);
  }, 60_000);
});

describe('a heal whose write fails for the copy that set its own aside', () => {
  it('keeps main\'s own sign-in through later runs, and gives it back', async () => {
    const { chmodSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const healer = signIn('acct-1', 2 * 24 * HOUR);
    rotatedAway(healer); // dead too (copied in from the laptop as well)
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': healer }) },
    ] });
    const main = () => d.readStore('main').profiles['openai-codex:default'].refresh;
    const kept = () => JSON.stringify(d.readStore('main')).includes(own.refresh) || filesHolding(d.authbarHome, own.refresh).length > 0;
    await runCli(['sync', '--agent', 'main'], d.env);
    expect(main()).toBe(newer.refresh);
    let answer = () => {};
    server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const running = runCli(['refresh', '--agent', 'main'], d.env);
    await server.received(1);
    chmodSync(dirname(d.storePath('main')), 0o777); // main's store refuses the heal's write
    answer();
    const healRun = await running;
    chmodSync(dirname(d.storePath('main')), 0o700);
    expect(main()).toBe(newer.refresh);
    expect(kept()).toBe(true);
    for (let run = 0; run < 5 && main() !== own.refresh; run++) {
      pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + 2 * HOUR);
      const r = await runCli(['refresh', '--agent', 'main'], d.env);
      expect(kept()).toBe(true);
    }
    expect(main()).toBe(own.refresh);
  }, 120_000);
});

describe('put-back of an entry whose token another store has since rotated', () => {
  it('is never presented afterwards (a newer copy is adopted instead)', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': { ...own } }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync', '--agent', 'main'], d.env);
    await runCli(['status'], d.env);
    // OpenClaw refreshed coder's copy (own → next) a while ago; next's access token has expired since.
    const next = signIn('acct-1', -40 * 60_000);
    rotatedAway(own);
    d.writeStore('coder', storeDocument({ 'openai-codex:default': next }));
    const st = await runCli(['status'], d.env);
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await runCli(['refresh', '--agent', 'main'], d.env));
    expect(server.requests.map((r) => r.outcome)).not.toContain('reused-twice');
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(1); // only `newer`, once
    // (observed: run 1 still says "main has its own sign-in back, not tried" for a token coder's OpenClaw rotated away)
  }, 60_000);
});

describe('one rotation per account per run, after a put-back', () => {
  it('refresh of every agent: main gets its own back and coder (holding the same own token) rotates it once for both', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': { ...own } }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync', '--agent', 'main'], d.env);
    const r = await runCli(['refresh', '--all'], d.env);
    expect(server.requests.filter((q) => q.outcome === 'rotated').length).toBeLessThanOrEqual(1);
    const tokens = ['main', 'coder'].map((id) => d.readStore(id).profiles['openai-codex:default'].refresh);
    for (const t of tokens) expect(server.used.has(t)).toBe(false); // nobody left holding a rotated-away token
  }, 60_000);
});

describe('AuthBar\'s own write over a copy counts as that copy moving on', () => {
  it('a put-back sign-in, live, shared with another agent, is refreshed by the fix the put-back names (not called rotated away)', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': { ...own } }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync', '--agent', 'main'], d.env);
    const first = await runCli(['refresh', '--all'], d.env);
    expect(first.stderr).toContain('main has its own sign-in back, not tried. Fix: authbar refresh --agent main');
    // The live sign-in coder holds is not "rotated away", and is not a login to redo: coder refreshed it.
    expect(first.stderr).not.toMatch(/agent coder.*(rotated away|login)/);
    expect(server.requests.map((r) => r.outcome).sort()).toEqual(['reused', 'rotated']);
    const fix = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(fix.code, fix.stderr).toBe(0);
    for (const id of ['main', 'coder']) expect(server.live.has(d.readStore(id).profiles['openai-codex:default'].refresh)).toBe(true);
  }, 60_000);
});

describe('…and then a sync writes over that live sign-in', () => {
  it('every live sign-in of the account is still in a store or set aside after a later sync', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': { ...own } }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
    ] });
    await runCli(['sync', '--agent', 'main'], d.env);
    await runCli(['refresh', '--all'], d.env); // main gets its own back; coder refreshes the same (live) sign-in
    // The user copies artist's store in from the laptop again: another newer-looking, dead sign-in.
    const again = signIn('acct-1', 9 * 24 * HOUR);
    rotatedAway(again);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': again }));
    await runCli(['sync'], d.env);
    // Every live sign-in of the account is in a store or set aside.
    const live = [...server.live].filter(([, account]) => account === 'acct-1').map(([token]) => token);
    expect(live).not.toEqual([]);
    for (const token of live) expect(filesHolding(d.root, token)).not.toEqual([]);
  }, 60_000);
});

describe('two copies of one account in one store', () => {
  it('the copy set aside gets its own back, and the fix refreshes it', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(newer);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own, 'openai-codex:work': newer }) },
    ] });
    await runCli(['sync'], d.env);
    await runCli(['refresh', '--agent', 'main'], d.env);
    await runCli(['refresh', '--agent', 'main'], d.env);
    expect(server.requests.filter((q) => q.outcome === 'reused')).toHaveLength(1);
    const p = d.readStore('main').profiles;
    expect([p['openai-codex:default'].refresh, p['openai-codex:work'].refresh].some((t: string) => server.live.has(t))).toBe(true);
  }, 60_000);
});
