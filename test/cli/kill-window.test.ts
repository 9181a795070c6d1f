// SIGKILL in the window between the token endpoint's answer and the store writes (issue 13 §1).
// The answer is the only live copy of the sign-in then: AuthBar writes it to its recovery file
// before any store, so whenever the kill lands, the new credential ends in a store or there.
// The kill is timed from the recovery file appearing (the CLI has read the answer) plus a
// random 0-40 ms, so it falls anywhere in the writes to 8 stores or just after them.
// (The bytes still in flight between the server and the client cannot be kept by any client:
// OpenClaw has the same window. This test starts once the client holds the answer.)
// Below: the kill within the recovery file's own write, the temps kills leave (recovery and
// store), and odd entries in the recovery directory.
// `npm test` runs a few rounds; `npm run stress` runs 100 (AUTHBAR_KILL_ROUNDS).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoveryPath } from '../../main/core/authbar/recovery.ts';
import { jsonEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROUNDS = Number(process.env.AUTHBAR_KILL_ROUNDS) > 0 ? Number(process.env.AUTHBAR_KILL_ROUNDS) : 6;
let server: TokenServer;
let d: StateDir | null = null;
let children: ChildProcess[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children = [];
  await server.close();
  d?.cleanup();
  d = null;
});

const recoveryFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('SIGKILL between the answer and the write', () => {
  it(`over ${ROUNDS} kills, every run ends with the new credential in a store or in AuthBar's recovery file`, async () => {
    const issued = server.issue('acct-0');
    const cred = codexCredential({ accountId: 'acct-0', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * 3_600_000 });
    const ids = ['main', ...Array.from({ length: 7 }, (_, i) => `copy-${i + 1}`)];
    d = makeStateDir({ agents: ids.map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) });
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const storeTexts = () => ids.map((id) => readFileSync(d!.storePath(id), 'utf8'));
    const recoveryTexts = () => recoveryFiles(recoveryDir).map((f) => readFileSync(join(recoveryDir, f), 'utf8'));

    let killedInWindow = 0;
    let heldOnly = 0; // killed before any store was written: only the recovery file had it
    let partly = 0; // killed among the store writes
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
      children.push(child);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Only this round's answer counts: not a file left by the last kill (this run recovers and deletes it first).
      const before = new Set(recoveryFiles(recoveryDir));
      const watcher = watch(recoveryDir);
      let killAt: Promise<void> | null = null;
      watcher.on('change', (_type, name) => {
        const file = String(name);
        if (killAt || !file.endsWith('.json') || before.has(file) || !existsSync(join(recoveryDir, file))) return;
        killAt = new Promise((resolve) => setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, Math.random() * 40));
      });
      const signal = await exited;
      watcher.close();
      if (signal === 'SIGKILL') killedInWindow++;

      // The account's one live refresh token is somewhere AuthBar or OpenClaw can use it.
      const live = [...server.live].filter(([, account]) => account === 'acct-0').map(([token]) => token);
      expect(live, `round ${round}`).toHaveLength(1);
      const inStores = storeTexts().filter((t) => t.includes(live[0]!)).length;
      const held = recoveryTexts().some((t) => t.includes(live[0]!));
      expect(inStores > 0 || held, `round ${round}: the rotated token was lost`).toBe(true);
      if (held) heldOnly += inStores === 0 ? 1 : 0;
      if (held && inStores > 0 && inStores < ids.length) partly++;
      for (const id of ids) {
        expect(() => JSON.parse(readFileSync(d!.storePath(id), 'utf8'))).not.toThrow();
        expect(statSync(d!.storePath(id)).mode & 0o777).toBe(0o600);
      }
    }
    // The kills really landed in the window in most rounds (the rest finished first).
    expect(killedInWindow).toBeGreaterThan(0);
    console.log(`kill-window: ${killedInWindow} of ${ROUNDS} runs killed after the answer (${heldOnly} before any store write, ${partly} among the store writes)`);

    // One clean run: held sign-ins go back into the stores, every copy ends on one live token, no reuse ever.
    const final = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(final.code, final.stderr).toBe(0);
    expect(recoveryFiles(recoveryDir)).toEqual([]);
    const refreshes = new Set(ids.map((id) => d!.readStore(id).profiles['openai-codex:default'].refresh));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
    expect(existsSync(recoveryDir)).toBe(true);
  }, 30_000 + ROUNDS * 5_000);
});

// The same kill timed from the recovery file's temp appearing, with no delay: it lands in that
// file's own write (its fsync is the slow step), or just after it. The new credential then ends
// in a store, in the recovery file or in its whole temp; it is gone only when the kill came
// before the temp's bytes were written (an empty temp: as in flight, no client closes that).
describe('SIGKILL while the recovery file itself is written', () => {
  it(`over ${ROUNDS} kills, the answer is lost only if no byte of it reached the disk`, async () => {
    const ids = ['main', 'copy-1', 'copy-2'];
    const signInAll = () => {
      const issued = server.issue('acct-0');
      const cred = codexCredential({ accountId: 'acct-0', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * 3_600_000 });
      for (const id of ids) d!.writeStore(id, storeDocument({ 'openai-codex:default': { ...cred } }));
    };
    d = makeStateDir({ agents: ids.map((id) => ({ id })) });
    signInAll();
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const texts = (names: string[]) => names.map((f) => {
      try {
        return readFileSync(join(recoveryDir, f), 'utf8');
      } catch {
        return '';
      }
    });
    const counts = { inStores: 0, inFile: 0, inTemp: 0, lostBeforeWrite: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
      children.push(child);
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const before = new Set(readdirSync(recoveryDir));
      const watcher = watch(recoveryDir);
      // The first temp is the pre-flight's probe (created and removed before the request); the second is the write.
      const seen = new Set<string>();
      watcher.on('change', (_type, name) => {
        if (!String(name).endsWith('.tmp') || before.has(String(name))) return;
        seen.add(String(name));
        if (seen.size === 2) child.kill('SIGKILL');
      });
      await exited;
      watcher.close();

      const live = [...server.live].filter(([, account]) => account === 'acct-0').map(([token]) => token);
      expect(live, `round ${round}`).toHaveLength(1);
      const names = readdirSync(recoveryDir);
      const temps = names.filter((n) => n.endsWith('.tmp') && !before.has(n));
      if (ids.some((id) => readFileSync(d!.storePath(id), 'utf8').includes(live[0]!))) counts.inStores++;
      else if (texts(names.filter((n) => n.endsWith('.json'))).some((t) => t.includes(live[0]!))) counts.inFile++;
      else if (texts(temps).some((t) => t.includes(live[0]!))) counts.inTemp++;
      else {
        // Lost: only when this round's temp holds none of the answer, and the old token is dead.
        expect(temps.length, `round ${round}: the rotated token was lost`).toBeGreaterThan(0);
        expect(texts(temps).every((t) => !t.includes('"refresh"')), `round ${round}: lost with its bytes on disk`).toBe(true);
        counts.lostBeforeWrite++;
        server.live.delete(live[0]!); // nobody holds it: as good as gone
        signInAll(); // the user signs in again, as they would
      }
    }
    console.log(`kill-window (temp): ${JSON.stringify(counts)} over ${ROUNDS} rounds`);
    const final = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(final.code, final.stderr).toBe(0);
    expect(readdirSync(recoveryDir).filter((n) => n.endsWith('.json'))).toEqual([]);
    const refreshes = new Set(ids.map((id) => d!.readStore(id).profiles['openai-codex:default'].refresh));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
  }, 30_000 + ROUNDS * 5_000);
});

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
    d = makeStateDir({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) });
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const temp = `${recoveryPath(d.authbarHome, dead.refresh)}.${randomUUID()}.tmp`;
    writeFileSync(temp, `${JSON.stringify({
      version: 1, createdAt: Date.now(), provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh: dead.refresh,
      credential: { access: next.access, refresh: next.refresh, expires: Date.now() + 3_600_000, accountId: 'acct-0' },
      copies: ['main', 'artist'].map((id) => ({ storePath: d!.storePath(id), storeKind: 'json', profileId: 'openai-codex:default', holder: id })),
    }, null, 2)}\n`, { mode: 0o600 });
    // A temp another kill left before writing a byte, an hour ago: it holds nothing and goes.
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
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) }] });
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

// A kill among the store writes leaves `auth-profiles.json.<uuid>.tmp` beside the store, holding
// the sign-in (OpenClaw's own writes leave the same). No file of AuthBar's but the recovery file
// keeps a token: the next write of that store removes the temps no writer has touched for ten
// minutes, under the store's lock; a young one (OpenClaw may be writing it) stays.
describe('store temps a kill left', () => {
  it('are removed by the next write of that store once abandoned; a young one stays', async () => {
    const issued = server.issue('acct-0');
    const cred = codexCredential({ accountId: 'acct-0', access: issued.access, refresh: issued.refresh, expiresInMs: 60_000 });
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const old = `${d.storePath('main')}.${randomUUID()}.tmp`;
    const young = `${d.storePath('main')}.${randomUUID()}.tmp`;
    const other = `${d.storePath('main')}.notes.tmp`;
    for (const path of [old, young, other]) writeFileSync(path, readFileSync(d.storePath('main')), { mode: 0o600 });
    utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    utimesSync(other, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const run = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(other)).toBe(true); // not a name AuthBar or OpenClaw writes through
  });
});

describe('odd entries in the recovery directory', () => {
  it('a FIFO under a recovery name is reported by path and never blocks status or refresh', async () => {
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0' }) }) }] });
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
    d = makeStateDir({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) });
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const dir = join(d.authbarHome, 'recovery');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const a = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
    children.push(a);
    const aExited = new Promise<number | null>((resolve) => a.on('exit', (code) => resolve(code)));
    // The first temp is the pre-flight's probe; stop A at the second (the recovery file's write).
    const seen = new Set<string>();
    await new Promise<void>((resolve) => {
      const watcher = watch(dir);
      watcher.on('change', (_type, name) => {
        if (!String(name).endsWith('.tmp')) return;
        seen.add(String(name));
        if (seen.size !== 2) return;
        a.kill('SIGSTOP');
        watcher.close();
        resolve();
      });
    });
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
    const refreshes = new Set(['main', 'artist'].map((id) => d!.readStore(id).profiles['openai-codex:default'].refresh));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  }, 150_000);
});
