// Store writes another local user cannot redirect (issue 13 §3): random exclusive temp names
// that never follow a planted symlink, stores in others' directories refused, lock
// directories private whatever the umask.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { replaceCredential, writeStoreFile } from '../../main/core/openclaw/json-store.ts';
import { CLI } from '../helpers/cli.ts';
import { storeDocument } from '../helpers/state-dir.ts';
import { server, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { codexCredential } from '../helpers/tokens.ts';

tokenServerPerTest();

const state = stateDirForServer;

function signIn(accountId: string) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs: 3_600_000 });
}

/** The temp names write-file-atomic 7 would use in this process: sha1(its file, pid, thread, counter). */
function predictableTempNames(target: string, count: number): string[] {
  const library = createRequire(import.meta.url).resolve('write-file-atomic');
  return Array.from({ length: count }, (_, i) => `${target}.${createHash('sha1').update(library).update(String(process.pid)).update(String(threadId)).update(String(i + 1)).digest().readUInt32BE(0)}`);
}

describe('store writes another local user cannot redirect', () => {
  it('a symlink planted at a predictable temp name receives nothing; the store stays a regular 0600 file', async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    const loot = join(d.root, 'attacker', 'loot');
    mkdirSync(join(d.root, 'attacker'));
    writeFileSync(loot, '');
    for (const name of predictableTempNames(d.storePath('main'), 200)) symlinkSync(loot, name);

    const next = { access: 'a'.repeat(40), refresh: `rt_${'b'.repeat(40)}`, expires: Date.now() + 3_600_000, accountId: 'acct-1' };
    expect(await replaceCredential(d.storePath('main'), 'openai-codex:default', cred.refresh, next)).toEqual({ result: 'written' });
    expect(readFileSync(loot, 'utf8')).toBe('');
    const store = lstatSync(d.storePath('main'));
    expect(store.isFile()).toBe(true);
    expect(store.mode & 0o777).toBe(0o600);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(next.refresh);
    // No temp file of ours is left behind (the planted links are the only extras).
    expect(readdirSync(d.agentDir('main')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a store whose symlink target lies in a directory others can write without the sticky bit, with a one-line reason', () => {
    const d = state({ agents: [{ id: 'main' }] });
    const shared = join(d.root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    writeFileSync(join(shared, 'auth-profiles.json'), '{}\n', { mode: 0o600 });
    symlinkSync(join(shared, 'auth-profiles.json'), d.storePath('main'));
    expect(() => writeStoreFile(d.storePath('main'), storeDocument({}))).toThrow(/^not written: its directory .*shared is writable by other users \(no sticky bit\)$/);
    expect(readFileSync(join(shared, 'auth-profiles.json'), 'utf8')).toBe('{}\n');
    // With the sticky bit (as /tmp has), others cannot replace our files there: allowed.
    chmodSync(shared, 0o1777);
    writeStoreFile(d.storePath('main'), storeDocument({}));
    expect(JSON.parse(readFileSync(join(shared, 'auth-profiles.json'), 'utf8'))).toEqual({ version: 1, profiles: {} });
  });

  it('refuses a store whose target directory or file another user owns', () => {
    const d = state({ agents: [{ id: 'main' }] });
    const theirs = join(d.root, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'auth-profiles.json'), '{}\n', { mode: 0o600 });
    symlinkSync(join(theirs, 'auth-profiles.json'), d.storePath('main'));
    chownSync(join(theirs, 'auth-profiles.json'), 4242, 4242);
    expect(() => writeStoreFile(d.storePath('main'), storeDocument({}))).toThrow(/auth-profiles\.json belongs to another user \(uid 4242\)$/);
    chownSync(theirs, 4243, 4243);
    expect(() => writeStoreFile(d.storePath('main'), storeDocument({}))).toThrow(/^not written: its directory .*theirs belongs to another user \(uid 4243\)$/);
    expect(readFileSync(join(theirs, 'auth-profiles.json'), 'utf8')).toBe('{}\n');
  });

  it('creates lock directories 0700 under umask 000', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-1') }) }] });
    const child = spawn('/bin/sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(statSync(join(d.stateDir, 'locks')).mode & 0o777).toBe(0o700);
    expect(statSync(join(d.stateDir, 'locks', 'oauth-refresh')).mode & 0o777).toBe(0o700);
    expect(statSync(d.storePath('main')).mode & 0o777).toBe(0o600);
  });
});

describe('files written under a narrow umask', () => {
  it('are exactly 0600: the mode is set after the bytes go in, whatever the umask took away', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-1') }) }] });
    const child = spawn('/bin/sh', ['-c', 'umask 377; exec "$0" "$@"', process.execPath, CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(statSync(d.storePath('main')).mode & 0o777).toBe(0o600);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
  });
});

describe('lock directories are ours alone', () => {
  it('refuses a lock directory another user planted, or a symlink in its place, and tightens one of ours that is too open', async () => {
    const { ensurePrivateDirectory } = await import('../../main/core/openclaw/private-write.ts');
    const d = state({ agents: [{ id: 'main' }] });
    const planted = join(d.root, 'openclaw-state-locks-planted');
    mkdirSync(planted, { mode: 0o777 });
    chownSync(planted, 4242, 4242);
    expect(() => ensurePrivateDirectory(planted)).toThrow(/belongs to another user \(uid 4242\)$/);

    const elsewhere = join(d.root, 'elsewhere');
    mkdirSync(elsewhere);
    const link = join(d.root, 'linked-locks');
    symlinkSync(elsewhere, link);
    expect(() => ensurePrivateDirectory(link)).toThrow(/is not a real directory$/);

    const loose = join(d.root, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o777);
    ensurePrivateDirectory(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o700);
  });

  it('a refresh whose refresh-lock directory belongs to another user makes no token request', async () => {
    const cred = signIn('acct-1');
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    mkdirSync(join(d.stateDir, 'locks', 'oauth-refresh'), { recursive: true, mode: 0o777 });
    chownSync(join(d.stateDir, 'locks', 'oauth-refresh'), 4242, 4242);
    const { runCli } = await import('../helpers/cli.ts');
    const result = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(server.live.has(cred.refresh)).toBe(true);
    expect(JSON.parse(result.stdout).results[0].cause).toMatch(/oauth-refresh belongs to another user \(uid 4242\).*nothing was requested/);
  });
});

describe('SQLite stores in a directory others can write', () => {
  it('are refused before any token request', async () => {
    const { makeSqliteStateDir, openaiCredential } = await import('../helpers/sqlite-state.ts');
    const issued = server.issue('acct-1');
    const s = makeSqliteStateDir({
      agents: [{ id: 'main' }],
      shared: { 'openai:default': openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + 3_600_000, accountId: 'acct-1' }) },
    });
    try {
      Object.assign(s.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
      chmodSync(join(s.stateDir, 'state'), 0o777);
      const { runCli } = await import('../helpers/cli.ts');
      const result = await runCli(['refresh', '--agent', 'main', '--json'], s.env);
      expect(result.code).toBe(1);
      expect(server.requests).toHaveLength(0);
      expect(JSON.parse(result.stdout).results[0].cause).toMatch(/state is writable by other users \(no sticky bit\).*nothing was requested/);
    } finally {
      s.cleanup();
    }
  });
});
