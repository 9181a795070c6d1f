// What kills leave behind (issue 13 §1): a recovery file's whole temp (a kill between its fsync
// and its rename) holds the only live copy of a sign-in and is held like the file itself; the
// temps beside stores hold sign-ins too and go once abandoned; odd entries in the recovery
// directory never block; a temp whose writer is alive is left to it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoveryPath } from '../../main/core/authbar/recovery.ts';
import { jsonEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { cleanedAfter, killedAfter, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { makeStateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

tokenServerPerTest();

// A kill after the recovery file's temp was written and fsynced but before its rename (the fsync
// is the slow step of that write, so this is where a kill in that window most likely lands):
// the only live copy of the sign-in is the temp file. It is held like the file itself.
describe('a recovery file a kill left under its temp name', () => {
  it('is held: status shows it, the dead token is never presented, and the next refresh writes it back', async () => {
    const dead = server.issue('acct-0');
    server.live.delete(dead.refresh);
    server.used.add(dead.refresh);
    const next = server.issue('acct-0');
    const cred = codexCredential({ accountId: 'acct-0', access: dead.access, refresh: dead.refresh, expiresInMs: -60_000 });
    const d = cleanedAfter(makeStateDir({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) }));
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const temp = `${recoveryPath(d.authbarHome, dead.refresh)}.authbar-${randomUUID()}.tmp`;
    writeFileSync(temp, `${JSON.stringify({
      version: 1, createdAt: Date.now(), provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh: dead.refresh,
      credential: { access: next.access, refresh: next.refresh, expires: Date.now() + 3_600_000, accountId: 'acct-0' },
      copies: ['main', 'artist'].map((id) => ({ storePath: d.storePath(id), storeKind: 'json', profileId: 'openai-codex:default', holder: id })),
    }, null, 2)}\n`, { mode: 0o600 });
    // A temp another kill left before writing a byte, an hour ago (unmarked, as AuthBar named
    // them before): it holds nothing and goes.
    const empty = `${recoveryPath(d.authbarHome, 'rt_other')}.${randomUUID()}.tmp`;
    writeFileSync(empty, '', { mode: 0o600 });
    utimesSync(empty, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

    const status = await runCli(['status', '--json'], d.env);
    expect(JSON.parse(status.stdout).held).toMatchObject([{ agents: ['artist', 'main'] }]);
    expect(status.stdout).not.toContain(next.refresh);

    const run = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests.filter((r) => r.refreshToken === dead.refresh)).toHaveLength(0);
    for (const id of ['main', 'artist']) expect(server.live.has(d.readStore(id).profiles['openai-codex:default'].refresh)).toBe(true);
    expect(readdirSync(recoveryDir)).toEqual([]);
  });

  it('a temp another AuthBar may still be writing (young, not yet whole) is left alone and not reported', async () => {
    const d = cleanedAfter(makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) }] }));
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const young = `${recoveryPath(d.authbarHome, 'rt_other')}.${randomUUID()}.tmp`;
    writeFileSync(young, '{"version": 1, "createdAt"', { mode: 0o600 });
    const status = await runCli(['status', '--json'], d.env);
    expect(JSON.parse(status.stdout).held).toBeUndefined();
    const run = await runCli(['recover'], d.env);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(young)).toBe(true);
  });
});

// A kill among AuthBar's store writes leaves `auth-profiles.json.authbar-<uuid>.tmp` beside the
// store, holding a sign-in that a store or the recovery file holds too. No file of AuthBar's but
// the recovery file keeps a token: the next write of that store removes AuthBar's temps no writer
// has touched for ten minutes, under the store's lock. A young one stays, and OpenClaw's own
// (`.<uuid>.tmp`) always: killed before its rename, it may hold the only copy of a sign-in.
describe('store temps a kill left', () => {
  it('AuthBar\'s are removed by the next write of that store once abandoned; a young one and OpenClaw\'s stay', async () => {
    const issued = server.issue('acct-0');
    const cred = codexCredential({ accountId: 'acct-0', access: issued.access, refresh: issued.refresh, expiresInMs: 60_000 });
    const d = cleanedAfter(makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] }));
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const old = `${d.storePath('main')}.authbar-${randomUUID()}.tmp`;
    const young = `${d.storePath('main')}.authbar-${randomUUID()}.tmp`;
    const openclaws = `${d.storePath('main')}.${randomUUID()}.tmp`;
    const other = `${d.storePath('main')}.notes.tmp`;
    for (const path of [old, young, openclaws, other]) writeFileSync(path, readFileSync(d.storePath('main')), { mode: 0o600 });
    for (const path of [old, openclaws, other]) utimesSync(path, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const run = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(openclaws)).toBe(true);
    expect(existsSync(other)).toBe(true); // not a name AuthBar or OpenClaw writes through
  });
});

describe('odd entries in the recovery directory', () => {
  it('a recovery file with a time no Date can hold is still shown as held, and status does not fail', async () => {
    const d = cleanedAfter(makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) }] }));
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    writeFileSync(recoveryPath(d.authbarHome, 'rt_old'), JSON.stringify({
      version: 1, createdAt: 1e300, provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh: 'rt_old',
      credential: { access: 'at_new', refresh: 'rt_new', expires: Date.now() + 3_600_000, accountId: 'acct-0' },
      copies: [{ storePath: d.storePath('main'), storeKind: 'json', profileId: 'openai-codex:default', holder: 'main' }],
    }), { mode: 0o600 });
    const status = await runCli(['status', '--json'], d.env);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).held).toMatchObject([{ agents: ['main'] }]);
  });


  it('a FIFO under a recovery name is reported by path and never blocks status or refresh', async () => {
    const d = cleanedAfter(makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) }] }));
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const fifo = `${recoveryPath(d.authbarHome, 'rt_other')}`;
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(spawnSync('mkfifo', [`${fifo}.${randomUUID()}.tmp`]).status).toBe(0);
    const status = await runCli(['status', '--json'], d.env, { timeoutMs: 30_000 });
    // The one under a final name is reported (by path, as an unreadable recovery file); the temp is skipped.
    expect(JSON.parse(status.stdout).held).toEqual([expect.objectContaining({ agents: [], message: expect.stringMatching(/FIFO/) })]);
    expect(JSON.parse(status.stdout).held[0].message).toContain(fifo);
    const recover = await runCli(['recover'], d.env, { timeoutMs: 30_000 });
    expect(recover.stdout + recover.stderr).toContain('FIFO');
  });
});

// The same temp while its writer is alive (stopped between its write and its rename): another
// AuthBar's status, recover and refresh beside it lose nothing and present no dead token; they
// wait on the writer's refresh lock, and the writer finishes as if nothing happened.
describe('a whole recovery temp whose writer is alive', () => {
  it('status beside it prints no token; a refresh beside it waits, and the writer finishes', async () => {
    const r0 = server.issue('acct-0');
    const cred = codexCredential({ accountId: 'acct-0', access: r0.access, refresh: r0.refresh, expiresInMs: 60_000 });
    const d = cleanedAfter(makeStateDir({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) }));
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const dir = join(d.authbarHome, 'recovery');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Stop A once its recovery file's temp has been written to (the first temp is the pre-flight's
    // probe). The stop may still land after the rename: run again until it finds the temp whole
    // (seen to take 1 to 5 tries on a loaded machine).
    let a!: ChildProcess;
    let aExited!: Promise<number | null>;
    for (let round = 0; ; round++) {
      expect(round, 'no stop landed while the recovery temp was whole').toBeLessThan(100);
      a = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
      killedAfter(a);
      aExited = new Promise<number | null>((resolve) => a.on('exit', (code) => resolve(code)));
      const seen = new Set<string>();
      const temp = await new Promise<string | null>((resolve) => {
        const watcher = watch(dir);
        watcher.on('change', (type, name) => {
          if (!String(name).endsWith('.tmp')) return;
          seen.add(String(name));
          // 'change' is a write into it ('rename' its creation, or its rename away).
          if (seen.size !== 2 || type !== 'change') return;
          a.kill('SIGSTOP');
          watcher.close();
          resolve(String(name));
        });
        void aExited.then(() => {
          watcher.close();
          resolve(null);
        });
      });
      let whole = false;
      try {
        whole = temp !== null && typeof JSON.parse(readFileSync(join(dir, temp), 'utf8')).credential?.refresh === 'string';
      } catch {
        // not there any more, or not written yet
      }
      if (whole) break;
      a.kill('SIGCONT');
      expect(await aExited).toBe(0);
    }
    const status = await runCli(['status', '--json'], d.env);
    expect(status.code, status.stderr).not.toBeNull();
    for (const token of [...server.used, ...server.live.keys()]) expect(status.stdout + status.stderr).not.toContain(token);
    const refreshLock = observeLock(`${jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:default')}.lock`);
    const b = runCli(['refresh', '--all', '--json'], d.env, { timeoutMs: 120_000 });
    await refreshLock.readByAnother();
    refreshLock.stop();
    a.kill('SIGCONT');
    expect(await aExited).toBe(0);
    const rb = await b;
    expect(rb.code, rb.stdout).toBe(0);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
    const refreshes = new Set(['main', 'artist'].map((id) => d.readStore(id).profiles['openai-codex:default'].refresh));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  }, 150_000);
});
