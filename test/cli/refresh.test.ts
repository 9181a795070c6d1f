import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { holdLock } from '../helpers/peer.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
let server: TokenServer;
let dirs: StateDir[] = [];
let children: ChildProcess[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children = [];
  await server.close();
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function signIn(accountId: string, expiresInMs = 2 * HOUR) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs });
}

function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
  dirs.push(d);
  return d;
}

/** `lineages` sign-ins, each copied into `copies` agents: the usual hand-copied set-up. */
function copiedSetup(lineages: number, copies: number) {
  const agents = [];
  for (let l = 0; l < lineages; l++) {
    const cred = signIn(`acct-${l}`);
    for (let c = 0; c < copies; c++) agents.push({ id: l === 0 && c === 0 ? 'main' : `a${l}-${c}`, store: storeDocument({ 'openai-codex:default': { ...cred } }) });
  }
  return state({ agents });
}

const refreshOf = (d: StateDir, id: string) => d.readStore(id).profiles['openai-codex:default'].refresh as string;

describe('authbar refresh', () => {
  it('prints a progress line per agent, exits 0, and with --json the report', async () => {
    const d = copiedSetup(2, 2);
    const result = await runCli(['refresh', '--all'], d.env);
    // Only the note that refresh tokens go to the test's endpoint, not OpenAI's.
    expect(result.stderr).toMatch(/^authbar: note: refresh tokens go to http:\/\/127\.0\.0\.1:\d+\/oauth\/token, not to OpenAI's [^\n]*\n$/);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(result.stdout).toMatch(/^main\s+openai-codex:default\s+refreshed, expires in 9d 23h; also wrote a0-1$/m);
    const json = await runCli(['refresh', '--agent', 'a1-0', '--json'], d.env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ requests: 1, results: [{ agentId: 'a1-0', outcome: 'refreshed', syncedAgents: ['a1-1'] }] });
  });

  it('prints one line per failure naming agent, profile, cause and the fix, and exits 1', async () => {
    const dead = signIn('acct-dead');
    server.live.delete(dead.refresh);
    server.used.add(dead.refresh);
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-ok') }) }, { id: 'artist', store: storeDocument({ 'openai-codex:default': dead }) }] });
    const result = await runCli(['refresh', '--all'], d.env);
    expect(result.code).toBe(1);
    const [failure, note] = result.stderr.split('\n');
    expect(failure).toBe('authbar: agent artist, profile openai-codex:default: needs-login: refresh_token_reused. Fix: openclaw models auth --agent artist login --provider openai-codex');
    expect(note).toMatch(/^authbar: note: refresh tokens go to http:\/\/127\.0\.0\.1:\d+\/oauth\/token, not to OpenAI's /);
    expect(result.stdout).toMatch(/^main\s+openai-codex:default\s+refreshed/m);
    expect(result.stdout).toMatch(/^artist\s+openai-codex:default\s+failed$/m);
    const status = await runCli(['status', '--check', '--agent', 'artist'], d.env);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('needs-login');
  });

  it('explains usage mistakes and an endpoint it refuses in one line', async () => {
    const d = copiedSetup(1, 1);
    const neither = await runCli(['refresh'], d.env);
    expect(neither.code).toBe(64);
    expect(neither.stderr).toMatch(/^authbar: refresh: name agents with --agent ID, or use --all\. Usage: /);
    const unknown = await runCli(['refresh', '--agent', 'nobody'], d.env);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('no agent "nobody"');
    const insecure = await runCli(['refresh', '--all'], { ...d.env, AUTHBAR_TOKEN_URL: 'http://tokens.example.com/oauth/token' });
    expect(insecure.code).toBe(1);
    expect(insecure.stderr.trim().split('\n')).toHaveLength(1);
    expect(insecure.stderr).toContain('AUTHBAR_TOKEN_URL must be https://');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps every token out of stdout, stderr and AuthBar\'s memory', async () => {
    const d = copiedSetup(2, 2);
    const before = ['main', 'a0-1', 'a1-0', 'a1-1'].flatMap((id) => secretsIn(d.readStore(id)));
    server.queue('503', '503', '503');
    const outputs = [await runCli(['refresh', '--all'], d.env), await runCli(['refresh', '--all', '--json'], d.env)];
    const after = ['main', 'a0-1', 'a1-0', 'a1-1'].flatMap((id) => secretsIn(d.readStore(id)));
    const memory = existsSync(join(d.authbarHome, 'memory.json')) ? readFileSync(join(d.authbarHome, 'memory.json'), 'utf8') : '';
    for (const secret of [...before, ...after]) {
      for (const fragment of [secret, secret.slice(0, 12), secret.slice(-12)]) {
        for (const o of outputs) {
          expect(o.stdout).not.toContain(fragment);
          expect(o.stderr).not.toContain(fragment);
        }
        expect(memory).not.toContain(fragment);
      }
    }
  });
});

describe('authbar refresh beside other processes', () => {
  it('two refresh --all at once plus a process holding a store lock: one request per lineage, every store ends newest', async () => {
    const d = copiedSetup(4, 3);
    const ids = Object.keys(JSON.parse(readFileSync(join(d.stateDir, 'openclaw.json'), 'utf8')).agents.list.reduce((o: Record<string, 1>, a: { id: string }) => ({ ...o, [a.id]: 1 }), {}));
    // OpenClaw holds one agent's store lock as it does while writing, until a refresh waits on it.
    const holder = await holdLock(d.storePath('a2-1'), (child) => children.push(child));
    const storeLock = observeLock(`${d.storePath('a2-1')}.lock`);
    // "At once" for real, however slow the machine: every token answer is held until the other
    // run is seen waiting on the refresh lock (one file: every lineage has the same profile id),
    // so both runs planned from the stores as they were before any rotation. One lineage at a
    // time in each run, so a reader of that lock is always the other run.
    const refreshLock = observeLock(`${jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:default')}.lock`);
    let answer = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    server.queue(...Array.from({ length: 4 }, () => ({ until: answered })));

    const refreshAll = () => runCli(['refresh', '--all', '--json', '--concurrency', '1'], d.env, { timeoutMs: 120_000 });
    const both = Promise.all([refreshAll(), refreshAll()]);
    try {
      await Promise.all([
        refreshLock.readByAnother().then(answer),
        storeLock.readByAnother().then(() => holder.release()),
      ]);
    } finally {
      storeLock.stop();
      refreshLock.stop();
      holder.release();
      answer();
    }
    const [first, second] = await both;
    expect(first.stderr + second.stderr).toBe('');
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(server.requests.map((r) => r.outcome).sort()).toEqual(['rotated', 'rotated', 'rotated', 'rotated']);
    const outcomes = [...JSON.parse(first.stdout).results, ...JSON.parse(second.stdout).results].map((r: { outcome: string }) => r.outcome);
    expect(outcomes.filter((o) => o === 'refreshed').length).toBeGreaterThanOrEqual(3);
    expect(outcomes.every((o) => o === 'refreshed' || o === 'adopted')).toBe(true);
    for (let l = 0; l < 4; l++) {
      const copies = ids.filter((id) => id === 'main' ? l === 0 : id.startsWith(`a${l}-`));
      const refreshes = new Set(copies.map((id) => refreshOf(d, id)));
      expect(refreshes.size).toBe(1);
      expect(server.live.has([...refreshes][0]!)).toBe(true);
    }
  });

  it('takes over a stale refresh lock left by a dead process', async () => {
    const d = copiedSetup(1, 2);
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    const { jsonEraRefreshLockTarget } = await import('../../main/core/openclaw/refresh-lock.ts');
    const lockFile = `${jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:default')}.lock`;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(d.stateDir, 'locks', 'oauth-refresh'), { recursive: true });
    writeFileSync(lockFile, JSON.stringify({ pid: dead.pid, createdAt: new Date().toISOString() }, null, 2));
    // Taken over at once: waiting out a live-looking lock would outlast runCli's bound (60 s).
    const result = await runCli(['refresh', '--all'], d.env);
    expect(result.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('waits for a live refresh lock held by another process, then adopts or refreshes once', async () => {
    const d = copiedSetup(1, 2);
    const { jsonEraRefreshLockTarget } = await import('../../main/core/openclaw/refresh-lock.ts');
    const target = jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:default');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(d.stateDir, 'locks', 'oauth-refresh'), { recursive: true });
    const holder = await holdLock(target, (child) => children.push(child));
    const refreshLock = observeLock(`${target}.lock`);
    const running = runCli(['refresh', '--all'], d.env, { timeoutMs: 120_000 });
    try {
      await refreshLock.readByAnother(); // the refresh is waiting on the holder (reads its pid)
      expect(server.requests).toEqual([]);
    } finally {
      refreshLock.stop();
      holder.release();
    }
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

function heldLive(d: StateDir): boolean {
  const dir = join(d.authbarHome, 'recovery');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((name) => {
    try {
      return server.live.has(JSON.parse(readFileSync(join(dir, name), 'utf8')).credential.refresh);
    } catch {
      return false;
    }
  });
}

describe('crash safety', () => {
  it('a refresh SIGKILLed at random points never leaves a store truncated, unparseable or not 0600', async () => {
    const d = copiedSetup(1, 12);
    const ids = ['main', ...Array.from({ length: 11 }, (_, i) => `a0-${i + 1}`)];
    let lost = 0;
    for (let round = 0; round < 25; round++) {
      const child = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, 30 + Math.random() * 120));
      child.kill('SIGKILL');
      await exited;
      for (const id of ids) {
        const path = d.storePath(id);
        const text = readFileSync(path, 'utf8');
        expect(() => JSON.parse(text), `${id} after round ${round}`).not.toThrow();
        expect(JSON.parse(text).profiles['openai-codex:default'].refresh).toMatch(/^rt_/);
        expect(statSync(path).mode & 0o777).toBe(0o600);
      }
      // Killed after AuthBar read the answer, the new token waits in its recovery file or that
      // file's whole temp (the next run writes it back: test/cli/kill-window.test.ts). Killed while
      // the answer was still in flight, or before its bytes reached the disk, it is gone with the
      // old one dead (no client can close that window; OpenClaw has it too). The user then signs
      // in again in main, as they would. (Any file in recovery/ is not proof: an empty temp or a
      // recovery whose token a later round rotated holds nothing live.)
      if (!heldLive(d) && !ids.some((id) => server.live.has(refreshOf(d, id)))) {
        lost++;
        d.writeStore('main', storeDocument({ 'openai-codex:default': signIn('acct-0', server.expiresInSeconds * 1000) }));
      }
    }
    expect(lost).toBeLessThan(25);
    // Afterwards one clean run brings every copy, including those a kill left behind, to one live credential.
    const final = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(final.code, final.stderr).toBe(0);
    const refreshes = new Set(ids.map((id) => refreshOf(d, id)));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    // Copies left behind by a kill were adopted, never presented.
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
  }, 120_000);
});
