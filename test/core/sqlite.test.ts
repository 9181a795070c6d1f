// The SQLite era (OpenClaw 2026.9.x) on real databases: reading the shared and per-agent
// stores on the live files, fences, half-migrated dirs, OpenClaw 2026.9's refresh lock, and
// refreshing and syncing as a polite peer (short BEGIN IMMEDIATE, waiting out OpenClaw).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { sqliteEraLockDigest, sqliteEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { readStatus } from '../../main/core/read-status.ts';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { syncStranded } from '../../main/core/sync.ts';
import { fence, makeSqliteStateDir, openaiCredential, type SqliteState } from '../helpers/sqlite-state.ts';
import { cleanedAfter, forServer, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { accessToken, refreshToken } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
tokenServerPerTest();

function signIn(accountId: string, expiresInMs: number, email = `${accountId}@example.com`) {
  const issued = server.issue(accountId);
  return openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + expiresInMs, accountId, email });
}

const state = (options: Parameters<typeof makeSqliteStateDir>[0]): SqliteState => forServer(makeSqliteStateDir(options));

const report = async (d: SqliteState) => (await readStatus({ env: d.env })).report;
const agentOf = (r: Awaited<ReturnType<typeof report>>, id: string) => r.agents.find((a) => a.id === id)!;

describe('reading 2026.9 stores', () => {
  it('reads the shared store and per-agent overrides, and says which each profile comes from', async () => {
    const shared = signIn('acct-1', 3 * DAY);
    const own = signIn('acct-2', 5 * HOUR);
    const d = state({
      shared: { 'openai:default': shared },
      defaults: { mediaModels: { image: 'openai/gpt-image-2' } },
      agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': own } }, { id: 'coder', profiles: {} }, { id: 'writer' }],
    });
    const r = await report(d);
    expect(agentOf(r, 'main')).toMatchObject({ storeKind: 'sqlite', storePath: d.stateDb, writable: true, isDefault: true });
    expect(agentOf(r, 'main').profiles[0]).toMatchObject({ profileId: 'openai:default', provider: 'openai', source: 'own', status: 'ok', expiresAt: shared.expires });
    expect(agentOf(r, 'artist').profiles).toMatchObject([{ source: 'own', status: 'expiring', accountId: 'acct-2', storePath: d.agentDb('artist') }]);
    expect(agentOf(r, 'coder').profiles).toMatchObject([{ source: 'main', status: 'ok', storePath: d.stateDb }]);
    expect(agentOf(r, 'writer').profiles).toMatchObject([{ source: 'main' }]);
    expect(agentOf(r, 'writer').imageGeneration).toEqual({ model: 'openai/gpt-image-2', dependsOnCodex: true });
  });

  it('shows a pending fence as refreshing and a failed one as needs-login with 2026.9\'s fix, and no fence string anywhere', async () => {
    const d = state({
      shared: { 'openai:default': fence(signIn('acct-1', DAY), 'pending') },
      agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': fence(signIn('acct-2', DAY), 'failed') } }],
    });
    const r = await report(d);
    expect(agentOf(r, 'main').profiles[0]).toMatchObject({ status: 'refreshing', fix: null, cause: 'OpenClaw is refreshing this token now' });
    expect(agentOf(r, 'artist').profiles[0]).toMatchObject({ status: 'needs-login', cause: 'refresh failed: sign in again', fix: 'openclaw models auth login --provider openai --agent artist' });
    expect(JSON.stringify(r)).not.toContain('openclaw-oauth-refresh-fence');
  });

  it('marks an agent OpenClaw 2026.9 refuses (JSON store awaiting migration) and ignores *.migrated-* leftovers', async () => {
    const d = state({
      shared: { 'openai:default': signIn('acct-1', 3 * DAY) },
      agents: [
        { id: 'main' },
        { id: 'pending', json: { version: 1, profiles: { 'openai-codex:default': { type: 'oauth', provider: 'openai-codex', access: 'a', refresh: 'r', expires: Date.now() + DAY } } } },
        { id: 'empty', profiles: {}, json: { version: 1, profiles: {} } },
        { id: 'done', profiles: {} },
      ],
    });
    writeFileSync(join(d.agentDir('done'), 'auth-profiles.json.migrated-2026-11-24T07-04-36.514Z-7b43651f'), '{}');
    const r = await report(d);
    for (const id of ['pending', 'empty']) {
      expect(agentOf(r, id)).toMatchObject({ status: 'unreadable', writable: false, fix: 'openclaw doctor --fix' });
      expect(agentOf(r, id).error).toMatch(/AUTH_PROFILE_MIGRATION_REQUIRED/);
    }
    expect(agentOf(r, 'done')).toMatchObject({ status: 'ok', profiles: [{ source: 'main' }] });
  });

  // Found by an attack review: a row of hundreds of MB was read whole on every status (672 MB, 2 s
  // each), where a JSON store past 16 MiB is refused unread.
  it('refuses a store row past 16 MiB unread, as it refuses a JSON store that large', async () => {
    const cred = openaiCredential({ access: accessToken('acct-main', Date.now() + 72 * 3_600_000), refresh: refreshToken(), expires: Date.now() + 72 * 3_600_000, accountId: 'acct-main' });
    const s = makeSqliteStateDir({ shared: { 'openai:default': cred }, agents: [{ id: 'main' }, { id: 'coder', profiles: {} }] });
    cleanedAfter(s);
    const db = new DatabaseSync(s.agentDb('coder'));
    db.prepare("UPDATE auth_profile_store SET store_json = ? WHERE store_key = 'primary'").run(JSON.stringify({ version: 1, profiles: {}, junk: 'x'.repeat(17 * 1024 * 1024) }));
    db.close();
    const coder = (await readStatus({ env: s.env })).report.agents.find((a) => a.id === 'coder')!;
    expect(coder.status).toBe('unreadable');
    expect(coder.error).toContain('larger than 16 MiB');
  });

  it('sees a change still in the WAL, written by another connection', async () => {
    const d = state({ shared: { 'openai:default': signIn('acct-1', 3 * DAY) }, agents: [{ id: 'main' }] });
    const writer = new DatabaseSync(d.stateDb);
    writer.exec('PRAGMA wal_autocheckpoint=0');
    const later = Date.now() + 9 * DAY;
    const store = JSON.parse((writer.prepare("SELECT value_json AS v FROM config_machine_state WHERE state_key='authProfiles.store'").get() as { v: string }).v);
    store.profiles['openai:default'].expires = later;
    writer.prepare("UPDATE config_machine_state SET value_json = ? WHERE state_key='authProfiles.store'").run(JSON.stringify(store));
    expect(readFileSync(`${d.stateDb}-wal`).length).toBeGreaterThan(0);
    expect(agentOf(await report(d), 'main').profiles[0]!.expiresAt).toBe(later);
    writer.close();
  });

  it('shows a newer, unknown schema read-only, and its Refresh prints OpenClaw\'s own command', async () => {
    const d = state({ stateSchema: 19, shared: { 'openai:default': signIn('acct-1', HOUR) }, agents: [{ id: 'main' }] });
    const r = await report(d);
    expect(agentOf(r, 'main')).toMatchObject({ writable: false });
    expect(agentOf(r, 'main').profiles[0]!.fix).toBe('openclaw models status --probe --agent main');
    const refresh = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(refresh.requests).toBe(0);
    expect(refresh.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'unwritable', fix: 'openclaw models status --probe --agent main' });
    expect(refresh.results[0]!.cause).toMatch(/schema version 19/);
  });
});

describe('OpenClaw 2026.9\'s refresh lock', () => {
  it('names the lock with the digest the real package computes', () => {
    // Computed by openclaw@2026.9.6's own function (imported from its dist), see the note on issue 8.
    expect(sqliteEraLockDigest('openai', 'openai:default')).toBe('5440fa0b86d2697ef1152f7cb32a8157');
    expect(sqliteEraLockDigest('openai', 'openai:user@example.com')).toBe('05381e74f3b000f9b2edef1bc8669fab');
    expect(sqliteEraLockDigest('openai-codex', 'openai-codex:default')).toBe('7b9da1f0ba485a46aaec13e8c09ceb27');
    expect(sqliteEraRefreshLockTarget('/s', 'openai', 'openai:default')).toBe('/s/locks/oauth-refresh/lock-5440fa0b86d2697ef1152f7cb32a8157');
  });
});

describe('refreshing and syncing 2026.9 stores', () => {
  it('refreshes the shared profile in one short transaction, keeps the rest of the row, and lets same-account agent copies inherit', async () => {
    const shared = signIn('acct-1', 2 * HOUR);
    const d = state({
      shared: { 'openai:default': { ...shared, idToken: 'id-token-kept' }, 'openai:key': { type: 'api_key', provider: 'openai', key: 'sk-kept' } },
      agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': { ...shared } } }, { id: 'coder', profiles: { 'openai:me@example.com': { ...shared } } }],
    });
    // The lock file OpenClaw would see while we hold it: {pid, createdAt, starttime}.
    const lockFile = `${sqliteEraRefreshLockTarget(d.stateDir, 'openai', 'openai:default')}.lock`;
    // The token answer is held while the test reads the lock AuthBar holds across its request.
    let answer = () => {};
    server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const running = refreshAgents({ env: d.env, agents: ['main'] });
    await server.received(1);
    const seenLock = JSON.parse(readFileSync(lockFile, 'utf8'));
    answer();
    const result = await running;
    expect(seenLock).toMatchObject({ pid: process.pid, starttime: expect.any(Number) });
    expect(result.requests).toBe(1);
    expect(result.results[0]).toMatchObject({ outcome: 'refreshed', syncedAgents: ['artist', 'coder'] });
    const row = d.profiles('shared');
    expect(row['openai:default'].refresh).not.toBe(shared.refresh);
    expect(server.live.has(row['openai:default'].refresh)).toBe(true);
    expect(row['openai:default']).toMatchObject({ idToken: 'id-token-kept', accountId: 'acct-1', provider: 'openai', type: 'oauth' });
    expect(row['openai:key']).toEqual({ type: 'api_key', provider: 'openai', key: 'sk-kept' });
    expect(d.profiles('artist')).toEqual({}); // inherits the shared credential now, as doctor --fix would leave it
    expect(d.profiles('coder')['openai:me@example.com'].refresh).toBe(row['openai:default'].refresh);
    expect(existsSync(lockFile)).toBe(false);
    const r = await report(d);
    expect(agentOf(r, 'artist').profiles).toMatchObject([{ source: 'main', status: 'ok' }]);
  });

  // Found by a review: adoption removes an agent's copy so it inherits the shared one; when that
  // shared one turns out dead, the removed copy (a live sign-in) must come back, whole.
  it('puts back an agent copy that adoption removed, when the shared sign-in turns out dead', async () => {
    const own = { ...signIn('acct-1', -1 * HOUR), note: 'kept' };
    const newer = signIn('acct-1', 2 * HOUR);
    server.used.add(newer.refresh);
    server.live.delete(newer.refresh);
    const d = state({ shared: { 'openai:default': newer }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': own } }] });
    const result = await refreshAgents({ env: d.env, agents: ['artist'] });
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    expect(result.results[0]).toMatchObject({ agentId: 'artist', outcome: 'failed', failureKind: 'needs-login' });
    expect(result.results[0]!.cause).toContain('artist has its own sign-in back, not tried');
    expect(d.profiles('artist')).toEqual({ 'openai:default': own });
  });

  it('waits for OpenClaw\'s pending fence to settle, then adopts what it wrote with no request', async () => {
    const shared = signIn('acct-1', 2 * HOUR);
    const d = state({ shared: { 'openai:default': shared }, agents: [{ id: 'main' }] });
    const settled = signIn('acct-1', 10 * DAY);
    // OpenClaw: a pending fence now (it holds no lock while its request is out), the new credential in 800 ms.
    d.setProfile('shared', 'openai:default', fence(shared, 'pending'));
    const openclaw = spawn(process.execPath, ['-e', `
      const { DatabaseSync } = require('node:sqlite');
      setTimeout(() => {
        const db = new DatabaseSync(${JSON.stringify(d.stateDb)}); db.exec('PRAGMA busy_timeout=5000'); db.exec('BEGIN IMMEDIATE');
        const s = JSON.parse(db.prepare("SELECT value_json AS v FROM config_machine_state WHERE state_key='authProfiles.store'").get().v);
        s.profiles['openai:default'] = ${JSON.stringify(settled)};
        db.prepare("UPDATE config_machine_state SET value_json=? WHERE state_key='authProfiles.store'").run(JSON.stringify(s)); db.exec('COMMIT');
      }, 800);`]);
    const done = new Promise((r) => openclaw.on('exit', r));
    const result = await refreshAgents({ env: d.env, agents: ['main'] });
    await done;
    expect(result.requests).toBe(0);
    expect(result.results[0]).toMatchObject({ outcome: 'adopted', expiresAt: settled.expires });
  });

  it('a write transaction held past the busy timeout makes it a transient failure: no request, nothing written', async () => {
    const shared = signIn('acct-1', 2 * HOUR);
    const d = state({ shared: { 'openai:default': shared }, agents: [{ id: 'main' }] });
    const holder = spawn(process.execPath, ['-e', `
      const { DatabaseSync } = require('node:sqlite');
      const db = new DatabaseSync(${JSON.stringify(d.stateDb)}); db.exec('BEGIN IMMEDIATE'); console.log('holding');
      process.stdin.resume(); process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); });`], { stdio: ['pipe', 'pipe', 'inherit'] });
    // Held until the test is done with it (a 4 s hold could end before a slow machine got there).
    try {
      await new Promise((r) => holder.stdout!.once('data', r));
      const result = await refreshAgents({ env: d.env, agents: ['main'] });
      expect(result.requests).toBe(0);
      expect(result.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'transient' });
      expect(server.requests).toHaveLength(0);
      expect(d.profiles('shared')['openai:default'].refresh).toBe(shared.refresh);
    } finally {
      holder.stdin!.end();
      if (holder.exitCode === null) await new Promise((r) => holder.on('exit', r));
    }
  });

  it('never makes a concurrent OpenClaw writer wait long enough to see "database is locked"', async () => {
    const shared = signIn('acct-1', 2 * HOUR);
    const d = state({ shared: { 'openai:default': shared }, agents: [{ id: 'main' }, ...Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, profiles: { 'openai:default': { ...shared } } }))] });
    // An OpenClaw-like writer: BEGIN IMMEDIATE with OpenClaw's busy_timeout of 5000 ms, over and
    // over, from its first write until the refreshes are done (the test closes its stdin): it
    // overlaps all of them on a machine of any speed.
    const writer = spawn(process.execPath, ['-e', `
      const { DatabaseSync } = require('node:sqlite');
      let busy = 0, writes = 0, done = false, said = false;
      process.stdin.resume(); process.stdin.on('end', () => (done = true));
      const tick = () => {
        try { const db = new DatabaseSync(${JSON.stringify(d.stateDb)}); db.exec('PRAGMA busy_timeout=5000'); db.exec('BEGIN IMMEDIATE');
          db.prepare("UPDATE config_machine_state SET updated_at_ms=? WHERE state_key='authProfiles.state'").run(Date.now()); db.exec('COMMIT'); db.close(); writes++;
        } catch (e) { if (/locked|busy/i.test(e.message)) busy++; }
        if (writes > 0 && !said) { said = true; console.log('writing'); }
        if (done) { console.log(JSON.stringify({ busy, writes })); process.exit(0); } else setTimeout(tick, 2);
      }; tick();`], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((r) => writer.on('exit', r));
    let out = '';
    writer.stdout!.on('data', (c) => (out += c));
    const lines = createInterface({ input: writer.stdout! });
    await Promise.race([once(lines, 'line'), exited.then((code) => Promise.reject(new Error(`the writer exited (${code}) before its first write`)))]);
    try {
      for (let i = 0; i < 3; i++) {
        const result = await refreshAgents({ env: d.env, agents: 'all' });
        expect(result.results.every((r) => r.outcome !== 'failed')).toBe(true);
      }
    } finally {
      writer.stdin!.end();
      await exited;
    }
    const { busy, writes } = JSON.parse(out.slice(out.indexOf('{')));
    expect(writes).toBeGreaterThan(1);
    expect(busy).toBe(0);
  });

  it('sync heals a failed-fenced agent copy by letting it inherit the live shared sign-in, with no request', async () => {
    const shared = signIn('acct-1', 3 * DAY);
    const d = state({ shared: { 'openai:default': shared }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': fence({ ...shared, access: accessToken('acct-1', Date.now()), refresh: refreshToken() }, 'failed') } }] });
    const before = await report(d);
    expect(agentOf(before, 'artist').profiles[0]).toMatchObject({ status: 'needs-login', stranded: 'certain', newerCopyIn: 'main', fix: 'authbar sync --agent artist' });
    const result = await syncStranded({ env: d.env, agents: ['artist'] });
    expect(result.results).toMatchObject([{ agentId: 'artist', outcome: 'synced', source: 'main' }]);
    expect(d.profiles('artist')).toEqual({});
    expect(agentOf(await report(d), 'artist').profiles).toMatchObject([{ source: 'main', status: 'ok' }]);
    expect(server.requests).toHaveLength(0);
    expect(readdirSync(d.agentDir('artist')).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });
});
