import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, statusJson } from '../helpers/cli.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { holdLock } from '../helpers/peer.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PEER = join(import.meta.dirname, '../helpers/openclaw-peer.mjs');
let server: TokenServer;
let dirs: StateDir[] = [];
let children: ChildProcess[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await server.close();
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function signIn(accountId: string, expiresInMs = 5 * DAY) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com` });
}

function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
  dirs.push(d);
  return d;
}

const cred = (d: StateDir, id: string) => d.readStore(id).profiles['openai-codex:default'];
const profileOf = (report: any, id: string) => report.agents.find((a: any) => a.id === id).profiles[0];

/** What OpenClaw does in one agent: refresh its copy (one request), rename over that one store. */
function openclawRefreshes(d: StateDir, agentId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PEER, 'refresh', d.stateDir, d.storePath(agentId), 'openai-codex:default', server.url], { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`peer refresh exited ${code}`))));
  });
}

/** Three agents holding one hand-copied credential, plus an unrelated account. */
async function threeCopies() {
  const shared = signIn('acct-shared');
  const d = state({
    imageGenerationModel: 'openai/gpt-image-2',
    agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': shared }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': { ...shared } }) },
      { id: 'coder', store: { version: 1, profiles: { 'openai-codex:default': { ...shared }, 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: 'sk-ant' } } } },
      { id: 'other', store: storeDocument({ 'openai-codex:default': signIn('acct-other') }) },
    ],
  });
  await statusJson(d.env); // AuthBar sees the copies once (the app's watcher does this all the time)
  return { d, shared };
}

describe('stranded copies, seen and fixed', () => {
  it('OpenClaw refreshes one copy → the others are reported stranded → sync makes no request → the next refresh rotates all with one', async () => {
    const { d, shared } = await threeCopies();
    const otherBefore = readFileSync(d.storePath('other'), 'utf8');
    await openclawRefreshes(d, 'artist');
    expect(server.requests).toHaveLength(1);
    const newest = cred(d, 'artist');
    expect(newest.refresh).not.toBe(shared.refresh);

    const report = await statusJson(d.env);
    expect(profileOf(report, 'main')).toMatchObject({ stranded: 'certain', newerCopyIn: 'artist', status: 'ok', fix: 'authbar sync --agent main' });
    expect(profileOf(report, 'coder')).toMatchObject({ stranded: 'certain', newerCopyIn: 'artist' });
    expect(profileOf(report, 'artist')).toMatchObject({ stranded: null, newerCopyIn: null });
    expect(profileOf(report, 'other')).toMatchObject({ stranded: null, newerCopyIn: null });
    const table = await runCli(['status'], d.env);
    // Certain, so no "probably" before it (that is the likely stranding's word).
    expect(table.stdout).toMatch(/main\s+openai-codex:default\s+ok.*\(stranded: newer sign-in in artist\)/);
    expect(table.stdout).not.toMatch(/probably stranded/);
    expect((await runCli(['status', '--check'], d.env)).code).toBe(2);

    const sync = await runCli(['sync', '--json'], d.env);
    expect(sync.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const results = JSON.parse(sync.stdout).results;
    expect(results.map((r: any) => [r.agentId, r.outcome, r.source]).sort()).toEqual([['coder', 'synced', 'artist'], ['main', 'synced', 'artist']]);
    for (const id of ['main', 'coder']) {
      expect(cred(d, id)).toMatchObject({ access: newest.access, refresh: newest.refresh, expires: newest.expires, accountId: 'acct-shared' });
      expect(statSync(d.storePath(id)).mode & 0o777).toBe(0o600);
    }
    expect(d.readStore('coder').profiles['anthropic:default']).toEqual({ type: 'api_key', provider: 'anthropic', key: 'sk-ant' });
    expect(readFileSync(d.storePath('other'), 'utf8')).toBe(otherBefore);
    const after = await statusJson(d.env);
    expect(after.agents.every((a: any) => a.profiles.every((p: any) => p.stranded === null))).toBe(true);
    expect((await runCli(['status', '--check'], d.env)).code).toBe(0);

    const refresh = await runCli(['refresh', '--all', '--json'], d.env);
    expect(refresh.code).toBe(0);
    expect(server.requests.filter((r) => r.refreshToken === newest.refresh)).toHaveLength(1);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
    const finals = new Set(['main', 'artist', 'coder'].map((id) => cred(d, id).refresh));
    expect(finals.size).toBe(1);
    expect(server.live.has([...finals][0])).toBe(true);
  });

  it('refresh never presents a stranded token: it syncs first, then makes one request for everyone', async () => {
    const { d } = await threeCopies();
    await openclawRefreshes(d, 'artist');
    const refresh = await runCli(['refresh', '--agent', 'main', '--agent', 'coder', '--json'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
    expect(server.requests).toHaveLength(2); // OpenClaw's own, then AuthBar's one
    const results = JSON.parse(refresh.stdout).results;
    expect(results.every((r: any) => ['refreshed', 'adopted'].includes(r.outcome))).toBe(true);
    expect(results.find((r: any) => r.outcome === 'refreshed').source).toBe('artist');
    expect(new Set(['main', 'artist', 'coder'].map((id) => cred(d, id).refresh)).size).toBe(1);
  });

  it('with no history, an expired copy beside a live same-account copy is likely stranded, and sync fixes it', async () => {
    const live = signIn('acct-1', 6 * DAY);
    const old = codexCredential({ accountId: 'acct-1', expiresInMs: -2 * HOUR, email: 'old@example.com' });
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': live }) }, { id: 'stale', store: storeDocument({ 'openai-codex:default': old }) }] });
    const report = await statusJson(d.env);
    expect(profileOf(report, 'stale')).toMatchObject({ status: 'expired', stranded: 'likely', newerCopyIn: 'main' });
    expect((await runCli(['status', '--check'], d.env)).code).toBe(1);
    const sync = await runCli(['sync', '--agent', 'stale'], d.env);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^stale\s+openai-codex:default\s+synced from main, expires in 5d 23h$/m);
    // email is the copy's own where it has one
    expect(cred(d, 'stale')).toMatchObject({ refresh: live.refresh, access: live.access, expires: live.expires, email: 'old@example.com' });
    expect(server.requests).toHaveLength(0);
  });

  it('--dry-run writes nothing and exits 1 while something is stranded', async () => {
    const { d } = await threeCopies();
    await openclawRefreshes(d, 'artist');
    const before = ['main', 'coder'].map((id) => readFileSync(d.storePath(id), 'utf8'));
    const dry = await runCli(['sync', '--dry-run'], d.env);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/^main\s+openai-codex:default\s+would sync from artist \(rotated away in another store\)$/m);
    expect(['main', 'coder'].map((id) => readFileSync(d.storePath(id), 'utf8'))).toEqual(before);
    const json = JSON.parse((await runCli(['sync', '--dry-run', '--json'], d.env)).stdout);
    expect(json).toMatchObject({ dryRun: true, requests: 0 });
    expect(json.results).toHaveLength(2);
  });

  it('leaves a copy that OpenClaw rewrote during the sync, and never writes a store that does not parse', async () => {
    const { d } = await threeCopies();
    writeFileSync(d.storePath('coder'), '{ "version": 1, "profiles": ');
    await openclawRefreshes(d, 'artist');
    // OpenClaw holds main's store lock while it writes main a newer credential of its own.
    const holder = await holdLock(d.storePath('main'), (child) => children.push(child));
    const storeLock = observeLock(`${d.storePath('main')}.lock`);
    try {
      const syncing = runCli(['sync', '--json'], d.env, { timeoutMs: 120_000 });
      // Sync has planned and now waits on main's store lock: it is seen reading the holder's pid.
      await storeLock.readByAnother();
      const relogin = signIn('acct-shared', 9 * DAY);
      d.writeStore('main', storeDocument({ 'openai-codex:default': relogin }));
      holder.release();
      const sync = await syncing;
      expect(await holder.exited).toBe(0);
      expect(cred(d, 'main').refresh).toBe(relogin.refresh);
      expect(readFileSync(d.storePath('coder'), 'utf8')).toBe('{ "version": 1, "profiles": ');
      const results = JSON.parse(sync.stdout).results;
      expect(results.find((r: any) => r.agentId === 'main')).toMatchObject({ outcome: 'skipped' });
      expect(results.find((r: any) => r.agentId === 'coder')).toBeUndefined();
      expect(server.requests).toHaveLength(1);
    } finally {
      storeLock.stop();
    }
  });

  it('falls back without history when AuthBar\'s memory is corrupt or missing, and keeps the corrupt file aside', async () => {
    const { d } = await threeCopies();
    await openclawRefreshes(d, 'artist');
    writeFileSync(join(d.authbarHome, 'memory.json'), '{ not json');
    // Without history, copies that are still within their expiry are not judged stranded...
    const report = await statusJson(d.env);
    expect(profileOf(report, 'main').stranded).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/memory\.json is not valid JSON; starting without history \(the corrupt file is kept aside\)/);
    expect(readdirSync(d.authbarHome).some((f) => f.startsWith('memory.json.corrupt-'))).toBe(true);
    // ...and a refresh still never presents the rotated-away token: the newer copy is adopted.
    const refresh = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout).results[0]).toMatchObject({ outcome: 'adopted', source: 'artist' });
    expect(cred(d, 'main').refresh).toBe(cred(d, 'artist').refresh);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
  });

  it('heals a dead copy from a live one when a refresh meets refresh_token_reused, instead of asking for a login', async () => {
    // No history, and the dead copy even claims the later expiry: only the endpoint can tell.
    const dead = signIn('acct-1', 9 * DAY);
    server.live.delete(dead.refresh);
    server.used.add(dead.refresh);
    const live = signIn('acct-1', 5 * DAY);
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': dead }) }, { id: 'artist', store: storeDocument({ 'openai-codex:default': live }) }] });
    const refresh = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout).results[0]).toMatchObject({ outcome: 'healed', source: 'artist' });
    expect(cred(d, 'main')).toMatchObject({ refresh: live.refresh, access: live.access });
    expect((await statusJson(d.env)).agents[0].status).toBe('ok');
  });

  it('never writes the Codex CLI\'s own profile, and never copies from it', async () => {
    const live = signIn('acct-1', 6 * DAY);
    const old = codexCredential({ accountId: 'acct-1', expiresInMs: -HOUR });
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:codex-cli': live, 'openai-codex:default': old }) }] });
    const before = readFileSync(d.storePath('main'), 'utf8');
    const sync = await runCli(['sync'], d.env);
    expect(sync.code).toBe(0);
    expect(readFileSync(d.storePath('main'), 'utf8')).toBe(before);
  });

  it('keeps every token out of output and AuthBar\'s memory', async () => {
    const { d, shared } = await threeCopies();
    await openclawRefreshes(d, 'artist');
    const outputs = [await runCli(['status'], d.env), await runCli(['sync', '--dry-run', '--json'], d.env), await runCli(['sync'], d.env), await runCli(['status', '--json'], d.env)];
    const memory = readFileSync(join(d.authbarHome, 'memory.json'), 'utf8');
    const secrets = [...secretsIn(shared), ...['main', 'artist', 'coder', 'other'].flatMap((id) => secretsIn(d.readStore(id)))];
    for (const secret of secrets) {
      for (const fragment of [secret, secret.slice(0, 12), secret.slice(-12)]) {
        for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(fragment);
        expect(memory).not.toContain(fragment);
      }
    }
    // The memory holds salted hashes only: not even a bare SHA-256 of a token appears.
    const { createHash } = await import('node:crypto');
    for (const secret of secrets) expect(memory).not.toContain(createHash('sha256').update(secret).digest('hex'));
  });
});
