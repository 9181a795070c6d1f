// A copy's own sign-in is never lost to a newer-looking one that is dead (found by a review).
// A store copied in from another machine looks newer and may already be rotated away there; the
// copy it replaces may be a live, separate sign-in. AuthBar sets that entry aside before writing
// over it (adopting before a refresh, syncing, healing, the app's "keep copies in sync"), puts it
// back when the endpoint rejects what replaced it, and drops it once the replacement proves live.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneSetAside, SETTLED_AFTER_MS, setAsideDir } from '../../main/core/authbar/set-aside.ts';
import { acquireLock, STORE_LOCK } from '../../main/core/openclaw/lock.ts';
import { holdingIn, readStatus } from '../../main/core/read-status.ts';
import { Controller, type ControllerEvent } from '../../main/core/controller.ts';
import { runCli } from '../helpers/cli.ts';
import { filesHolding, rotatedAway, server, setAsideRecords, signIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { fence } from '../helpers/sqlite-state.ts';
import { storeDocument } from '../helpers/state-dir.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

let controller: Controller | null = null;
afterEach(async () => {
  await controller?.stop();
  controller = null;
});


const records = setAsideRecords;

/** main: its own live sign-in; artist: a separate, newer sign-in of the same account that another machine already rotated. */
function separateSignIns(mainExpiresInMs: number) {
  const own = signIn('acct-1', mainExpiresInMs);
  const newer = signIn('acct-1', 5 * 24 * HOUR);
  rotatedAway(newer); // artist's store was copied from a laptop whose OpenClaw has refreshed it since
  const d = stateDirForServer({ agents: [
    { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
    { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
  ] });
  return { d, own, newer };
}

const mainToken = (d: ReturnType<typeof separateSignIns>['d']) => d.readStore('main').profiles['openai-codex:default'].refresh;

describe('a copy\'s own sign-in, replaced by a newer-looking one with no token request', () => {
  it('refresh adopts the newer one and sets main\'s own aside (0600, in AuthBar\'s recovery area); the next refresh, rejected, puts it back', async () => {
    const { d, own, newer } = separateSignIns(2 * HOUR); // expiring: a refresh is due
    const first = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(first.stdout).toMatch(/adopted from artist/);
    expect(server.requests).toHaveLength(0);
    expect(mainToken(d)).toBe(newer.refresh);
    expect(filesHolding(d.root, own.refresh)).toEqual([join(setAsideDir(d.authbarHome), records(d.authbarHome)[0]!)]);
    expect(statSync(join(setAsideDir(d.authbarHome), records(d.authbarHome)[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(setAsideDir(d.authbarHome)).mode & 0o777).toBe(0o700);

    // The adopted sign-in is dead: the endpoint says so, and main's own comes back, untried.
    const second = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    expect(second.stderr).toContain('the newer sign-in adopted earlier was dead; main has its own sign-in back, not tried. Fix: authbar refresh --agent main');
    expect(mainToken(d)).toBe(own.refresh);
    expect(records(d.authbarHome)).toEqual([]);

    // And it was live all along: the fix the line names works.
    const third = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(third.code, third.stderr).toBe(0);
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused', 'rotated']);
    expect(server.live.has(mainToken(d))).toBe(true);
  });

  it('sync sets main\'s expired but live own sign-in aside, and a refresh that finds the synced one dead puts it back', async () => {
    const { d, own } = separateSignIns(-1 * HOUR); // access expired, refresh token live: OpenClaw would refresh it
    const sync = await runCli(['sync'], d.env);
    expect(sync.stdout).toMatch(/synced from artist/);
    expect(filesHolding(d.root, own.refresh).every((path) => path.startsWith(setAsideDir(d.authbarHome)))).toBe(true);
    expect(filesHolding(d.root, own.refresh)).toHaveLength(1);
    await runCli(['refresh', '--agent', 'main'], d.env);
    expect(mainToken(d)).toBe(own.refresh);
    expect(server.live.has(own.refresh)).toBe(true);
  });

  it('a heal from a third copy, dead too, keeps main\'s own set aside and puts it back when that one is rejected', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const newer = signIn('acct-1', 2 * HOUR);
    rotatedAway(newer);
    const third = signIn('acct-1', 1 * HOUR);
    rotatedAway(third);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': third }) },
    ] });
    await runCli(['refresh', '--agent', 'main'], d.env);
    expect(filesHolding(d.root, own.refresh)).not.toEqual([]);
    expect(server.live.has(own.refresh)).toBe(true);
    await runCli(['refresh', '--agent', 'main'], d.env);
    expect(mainToken(d)).toBe(own.refresh);
  });

  it('the app\'s "keep copies in sync" sets main\'s live sign-in aside before bringing along a copied-in one', async () => {
    const live = signIn('acct-1', 3 * HOUR);
    const d = stateDirForServer({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...live } }) })) });
    controller = new Controller({ env: d.env, debounceMs: 50 });
    const events: ControllerEvent[] = [];
    controller.on((e) => events.push(e));
    await controller.start();
    // The user copies artist's store over from a laptop; the laptop's OpenClaw has since refreshed that sign-in.
    const fromLaptop = signIn('acct-1', 8 * 24 * HOUR);
    rotatedAway(fromLaptop);
    const synced = new Promise<void>((resolve) => controller!.on((e) => e.type === 'auto-synced' && resolve()));
    d.writeStore('artist', storeDocument({ 'openai-codex:default': fromLaptop }));
    await synced;
    expect(server.requests).toHaveLength(0);
    expect(filesHolding(d.root, live.refresh)).toHaveLength(1);
    expect(filesHolding(d.root, live.refresh)[0]!.startsWith(setAsideDir(d.authbarHome))).toBe(true);
  }, 60_000);
});

describe('records that are no longer needed', () => {
  it('go once the replacement proves live: an ordinary stranded copy, synced then refreshed, leaves none', async () => {
    const shared = signIn('acct-1', -1 * HOUR);
    const d = stateDirForServer({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...shared } }) })) });
    const next = signIn('acct-1', 3 * HOUR);
    rotatedAway(shared);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': next }));
    await runCli(['sync'], d.env);
    expect(mainToken(d)).toBe(next.refresh);
    const refresh = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(records(d.authbarHome)).toEqual([]);
  });

  it('go once the copy moved on from the replacement by itself (OpenClaw refreshed it), once settled', async () => {
    const { d, newer } = separateSignIns(-1 * HOUR);
    server.live.set(newer.refresh, 'acct-1'); // (this time the newer one is live)
    await runCli(['sync'], d.env);
    expect(records(d.authbarHome)).toHaveLength(1);
    const after = signIn('acct-1', 10 * 24 * HOUR); // OpenClaw refreshed main's copy itself
    d.writeStore('main', storeDocument({ 'openai-codex:default': after }));
    const holding = holdingIn(await readStatus({ env: d.env }));
    pruneSetAside(d.authbarHome, holding, Date.now());
    expect(records(d.authbarHome)).toHaveLength(1); // not settled yet: another AuthBar may be mid-write
    pruneSetAside(d.authbarHome, holding, Date.now() + SETTLED_AFTER_MS + HOUR);
    expect(records(d.authbarHome)).toEqual([]);
  });
});

// Found by a second review of the set-aside records.
describe('records that are still needed', () => {
  it('a copy replaced twice by newer-looking dead sign-ins keeps its own through every run, and gets it back', async () => {
    const own = signIn('acct-1', -1 * HOUR);
    const first = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(first);
    const d = stateDirForServer({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': first }) },
    ] });
    const kept = () => expect(filesHolding(d.root, own.refresh)).not.toEqual([]);
    await runCli(['sync'], d.env);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(first.refresh);
    const second = signIn('acct-1', 8 * 24 * HOUR);
    rotatedAway(second);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': second }));
    await runCli(['sync'], d.env);
    expect(mainToken(d)).toBe(second.refresh);
    kept();
    // Even once settled, AuthBar's own second write is no proof the first replacement was live.
    pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + SETTLED_AFTER_MS + HOUR);
    kept();
    for (let run = 0; run < 3 && mainToken(d) !== own.refresh; run++) {
      await runCli(['refresh', '--agent', 'main'], d.env);
      kept();
    }
    expect(mainToken(d)).toBe(own.refresh);
    expect((await runCli(['refresh', '--agent', 'main'], d.env)).code).toBe(0);
    expect(server.live.has(mainToken(d))).toBe(true);
  }, 60_000);

  it('another AuthBar pruning meanwhile never drops a record set aside but not yet written over', async () => {
    const { d, own } = separateSignIns(-1 * HOUR);
    // main's store lock is held (as OpenClaw would): the sync sets main's own aside, then waits to write.
    const lock = await acquireLock(d.storePath('main'), { policy: STORE_LOCK });
    const syncing = runCli(['sync'], d.env, { timeoutMs: 170_000 });
    try {
      while (records(d.authbarHome).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(mainToken(d)).toBe(own.refresh);
      // A second AuthBar prunes from its own snapshot, with no lock, even long after.
      pruneSetAside(d.authbarHome, holdingIn(await readStatus({ env: d.env })), Date.now() + SETTLED_AFTER_MS + HOUR);
      expect(records(d.authbarHome)).toHaveLength(1);
    } finally {
      lock.release();
    }
    expect((await syncing).stdout).toMatch(/synced from artist/);
    expect(filesHolding(d.root, own.refresh)).not.toEqual([]);
  }, 200_000);

  it('a copy over whose replacement OpenClaw 2026.9 left a failed fence gets its own back, and the dead one is not synced in again', async () => {
    const { d, own, newer } = separateSignIns(-1 * HOUR);
    await runCli(['sync'], d.env);
    expect(mainToken(d)).toBe(newer.refresh);
    d.writeStore('main', storeDocument({ 'openai-codex:default': fence(d.readStore('main').profiles['openai-codex:default'], 'failed', undefined, 'openai-codex:default') }));
    await runCli(['sync'], d.env);
    expect(mainToken(d)).toBe(own.refresh);
    expect(records(d.authbarHome)).toEqual([]);
    const refresh = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(server.requests.map((r) => [r.refreshToken === own.refresh, r.outcome])).toEqual([[true, 'rotated']]);
    expect(server.live.has(mainToken(d))).toBe(true);
  }, 60_000);
});
