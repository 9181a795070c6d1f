// A rotated token is never lost (issue 13 §1). Each case below ended, before the fix, with the
// endpoint having rotated the token and every store still holding the old, dead one.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoveryPath } from '../../main/core/authbar/recovery.ts';
import { jsonEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { holdLock } from '../helpers/peer.ts';
import { makeSqliteStateDir, openaiCredential, type SqliteState } from '../helpers/sqlite-state.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const PEER = join(import.meta.dirname, '../helpers/openclaw-peer.mjs');
let server: TokenServer;
let cleanups: Array<() => void> = [];
let children: ChildProcess[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children = [];
  await server.close();
  for (const clean of cleanups.reverse()) clean();
  cleanups = [];
});

function signIn(accountId: string, expiresInMs = 2 * HOUR) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs });
}

function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
  cleanups.push(() => d.cleanup());
  return d;
}

/** Every file in AuthBar's recovery directory, as text. */
function recoveryTexts(authbarHome: string): string[] {
  const dir = join(authbarHome, 'recovery');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The account's live refresh token at the endpoint is in a store or in AuthBar's recovery file. */
function liveTokenKept(account: string, storeTexts: string[], authbarHome: string): boolean {
  const live = [...server.live].filter(([, a]) => a === account).map(([token]) => token);
  return live.some((token) => [...storeTexts, ...recoveryTexts(authbarHome)].some((text) => text.includes(token)));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe('before any token request, everything that can be proven is proven', () => {
  it('a symlinked store whose target directory refuses new files (immutable, so root is refused too): no request, the reason named', async (context) => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main' }] });
    const vault = join(d.root, 'vault');
    mkdirSync(vault);
    writeFileSync(join(vault, 'auth-profiles.json'), `${JSON.stringify(storeDocument({ 'openai-codex:default': cred }), null, 2)}\n`, { mode: 0o600 });
    symlinkSync(join(vault, 'auth-profiles.json'), d.storePath('main'));
    // Tests run as root, which ignores modes: an immutable directory refuses root as well.
    if (spawnSync('chattr', ['+i', vault]).status !== 0) return context.skip('chattr +i is not supported on this file system');
    cleanups.push(() => spawnSync('chattr', ['-i', vault]));

    const result = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(server.live.has(cred.refresh)).toBe(true);
    const [outcome] = JSON.parse(result.stdout).results;
    expect(outcome).toMatchObject({ outcome: 'failed', failureKind: 'unwritable' });
    expect(outcome.cause).toMatch(/nothing was requested/);
    expect(outcome.cause).toContain(realpathSync(vault));
    expect(result.stderr).not.toContain(cred.refresh);
  });

  it('a store with a 20,000-deep unknown field (it parses, but cannot be serialized again): no request, the reason named', async () => {
    const cred = signIn('acct-1');
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const text = `{"version":1,"profiles":{"openai-codex:default":${JSON.stringify(cred)}},"deep":${deep}}\n`;
    const d = state({ agents: [{ id: 'main', store: text }] });
    const result = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(server.live.has(cred.refresh)).toBe(true);
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(text);
    const [outcome] = JSON.parse(result.stdout).results;
    expect(outcome).toMatchObject({ outcome: 'failed', failureKind: 'unwritable' });
    expect(outcome.cause).toMatch(/cannot be written back.*nothing was requested/);
  });

  it('SQLite era: OpenClaw\'s lifecycle lock file pre-created by another user as a non-database file: no request, the reason named', async () => {
    const issued = server.issue('acct-1');
    const d: SqliteState = makeSqliteStateDir({
      agents: [{ id: 'main' }],
      shared: { 'openai:default': openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + HOUR, accountId: 'acct-1' }) },
    });
    cleanups.push(() => d.cleanup());
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
    const uid = process.getuid!();
    const lockDir = `/tmp/openclaw-state-locks-${uid}`;
    mkdirSync(lockDir, { recursive: true, mode: 0o700 });
    const lockFile = join(lockDir, `state-lifecycle.${createHash('sha256').update(realpathSync(d.stateDb)).digest('hex').slice(0, 8)}.lock.sqlite`);
    writeFileSync(lockFile, 'not a database, planted by someone else\n'.repeat(200), { mode: 0o644 });
    chownSync(lockFile, 4242, 4242);
    cleanups.push(() => rmSync(lockFile, { force: true }));

    const result = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(server.live.has(issued.refresh)).toBe(true);
    const [outcome] = JSON.parse(result.stdout).results;
    expect(outcome).toMatchObject({ outcome: 'failed', failureKind: 'unwritable' });
    expect(outcome.cause).toContain(lockFile);
    expect(outcome.cause).toMatch(/nothing was requested/);
  });

  it('SQLite era: a shared row with a 20,000-deep unknown field: no request, the reason named', async () => {
    const issued = server.issue('acct-1');
    const d: SqliteState = makeSqliteStateDir({
      agents: [{ id: 'main' }],
      shared: { 'openai:default': openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + HOUR, accountId: 'acct-1' }) },
    });
    cleanups.push(() => d.cleanup());
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(d.stateDb);
    const row = (db.prepare("SELECT value_json AS v FROM config_machine_state WHERE state_key = 'authProfiles.store'").get() as { v: string }).v;
    db.prepare("UPDATE config_machine_state SET value_json = ? WHERE state_key = 'authProfiles.store'").run(`${row.slice(0, -1)},"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    db.close();

    const result = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(server.live.has(issued.refresh)).toBe(true);
    const [outcome] = JSON.parse(result.stdout).results;
    expect(outcome).toMatchObject({ outcome: 'failed', failureKind: 'unwritable' });
    expect(outcome.cause).toMatch(/authProfiles\.store row .* cannot be written back \(it nests too deeply to serialize\); nothing was requested/);
  });
});

describe('after a rotation', () => {
  it('a reader that goes away (`| head -1`, a dropped ssh session) while another sign-in\'s answer is on its way: the exit waits for that write', async () => {
    const [a, b] = [signIn('acct-a'), signIn('acct-b')];
    // Two profile ids: two refresh locks, so the two requests go out together.
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': a }) }, { id: 'coder', store: storeDocument({ 'openai-codex:work': b }) }] });
    d.env.AUTHBAR_TOKEN_TIMEOUT_MS = '60000';
    let open!: () => void;
    // The first request to arrive is held; the other is answered at once and its line printed.
    server.queue({ until: new Promise<void>((resolve) => (open = resolve)) });
    const child = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    let exitedEarly = false;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
      exitedEarly = true;
      resolve(code);
    }));
    // Nobody reads the output: the other sign-in's progress line meets a closed pipe.
    child.stdout!.destroy();
    await until(() => exitedEarly || stderr.includes('finishing a token refresh'));
    expect(exitedEarly, 'it exited with an answer still on its way').toBe(false);
    expect(stderr).toMatch(/^authbar: the output was closed; finishing a token refresh before exiting/m);
    open();
    expect(await exited).toBe(0);
    // Both rotated sign-ins reached their stores.
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated', 'rotated']);
    for (const [id, profile, account] of [['main', 'openai-codex:default', 'acct-a'], ['coder', 'openai-codex:work', 'acct-b']] as const) {
      const head = [...server.live].find(([, acc]) => acc === account)![0];
      expect(d.readStore(id).profiles[profile].refresh, id).toBe(head);
    }
  }, 60_000);

  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) it(`${signal === 'SIGINT' ? 'Ctrl-C' : signal} while waiting for a store lock does not end the process before the write (a second one says what it waits for); exit ${exitCode} with the new token in the store`, async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    let open!: () => void;
    server.queue({ until: new Promise<void>((resolve) => (open = resolve)) });
    const child = spawn(process.execPath, [CLI, 'refresh', '--agent', 'main'], { env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await until(() => server.requests.length === 1);
    // OpenClaw takes main's store lock while the answer is on its way.
    const ready = join(d.root, 'peer-ready');
    const peer = spawn(process.execPath, [PEER, 'hold', d.storePath('main'), '600000', ready], { stdio: 'ignore' });
    children.push(peer);
    await until(() => existsSync(ready));
    open();
    await until(() => server.requests[0]!.outcome === 'rotated');

    child.kill(signal);
    let exitedEarly = false;
    void exited.then(() => (exitedEarly = true));
    await until(() => exitedEarly || stderr.includes('finishing'));
    if (!exitedEarly) {
      child.kill(signal);
      await until(() => exitedEarly || stderr.includes('waiting for'));
      expect(exitedEarly).toBe(false);
      expect(stderr).toMatch(/waiting for .*main/);
      peer.kill('SIGKILL'); // OpenClaw goes away; its lock is now stale
    }
    const code = await exited;
    expect(code).toBe(exitCode);
    expect(liveTokenKept('acct-1', [readFileSync(d.storePath('main'), 'utf8')], d.authbarHome)).toBe(true);
    const head = [...server.live].find(([, a]) => a === 'acct-1')![0];
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(head);
    expect(recoveryTexts(d.authbarHome)).toEqual([]);
    expect(stderr).not.toContain(head);
    // It let go of OpenClaw's locks before exiting.
    expect(existsSync(`${d.storePath('main')}.lock`)).toBe(false);
    expect(readdirSync(join(d.stateDir, 'locks', 'oauth-refresh')).filter((f) => f.endsWith('.lock'))).toEqual([]);
  }, 60_000);
});

// Two AuthBars (the app and the CLI): B planned before A's answer came, then waited on the
// refresh lock. A kept its answer in the recovery file and was killed while OpenClaw held the
// store lock. Under the lock B must see the held answer: the token it planned to present is dead.
describe('two AuthBars: one holds the answer, the other already planned', () => {
  it('the second never presents the token the first rotated away; the held answer goes back into the store', async () => {
    const r0 = server.issue('acct-0');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-0', access: r0.access, refresh: r0.refresh, expiresInMs: 60_000 }) }) }] });
    d.env.AUTHBAR_TOKEN_TIMEOUT_MS = '5000';
    let answer = () => {};
    server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });

    // A asks the endpoint and holds the refresh lock while the answer is on its way.
    const a = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
    children.push(a);
    const aExited = new Promise<void>((resolve) => a.on('exit', () => resolve()));
    await server.received(1);
    // B starts: nothing is held yet, so it plans to refresh R0 and waits on the lock.
    const refreshLock = observeLock(`${jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:default')}.lock`);
    const b = runCli(['refresh', '--all', '--json'], d.env, { timeoutMs: 120_000 });
    await refreshLock.readByAnother();
    refreshLock.stop();
    // OpenClaw holds main's store lock; A gets its answer, keeps it in recovery/, waits on the store...
    const store = await holdLock(d.storePath('main'), (c) => children.push(c));
    answer();
    const held = recoveryPath(d.authbarHome, r0.refresh);
    await until(() => existsSync(held));
    // ...and is killed there (the case the recovery file exists for).
    a.kill('SIGKILL');
    await aExited;
    store.release();

    const result = await b;
    expect(server.requests.filter((r) => r.refreshToken === r0.refresh).map((r) => r.outcome), `B: ${result.stdout}`).toEqual(['rotated']);
    expect(JSON.parse(result.stdout).results).toMatchObject([{ agentId: 'main', outcome: 'failed', fix: 'authbar recover' }]);
    const recover = await runCli(['recover'], d.env);
    expect(recover.code, recover.stderr).toBe(0);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
  }, 150_000);
});
