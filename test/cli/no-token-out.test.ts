// No part of a token in any output or file of AuthBar's but the recovery file, whatever the
// other side sends (found by an attack review): a usage endpoint that echoes the Bearer in its
// plan name, SQLite error text that quotes a row, an access token whose account claim carries
// the refresh token.
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileOutcome } from '../../main/core/api.ts';
import { failureLine, progressLine } from '../../main/cli/outcomes.ts';
import { runCli } from '../helpers/cli.ts';
import { makeSqliteStateDir, openaiCredential } from '../helpers/sqlite-state.ts';
import { makeStateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { accessToken, codexCredential, refreshToken, secretsIn } from '../helpers/tokens.ts';

describe('a usage endpoint', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      const escapes = req.headers['chatgpt-account-id'] === 'acct-esc';
      const now = Math.floor(Date.now() / 1000);
      res.writeHead(200, { 'content-type': 'application/json' });
      // The token's signature: the part no other token shares.
      res.end(JSON.stringify({ plan_type: escapes ? 'plus\x9b2J\x9d0;owned\x07\x1b[31m' : bearer.split('.')[2], rate_limit: { primary_window: { used_percent: 5, limit_window_seconds: 18000, reset_at: now + 3600 } } }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/backend-api/wham/usage`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('never shows or caches any part of the access token a usage endpoint echoes back', async () => {
    const store = storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-echo', email: 'e@example.com' }) });
    const d = makeStateDir({ agents: [{ id: 'main', default: true, store }] });
    const env = { ...d.env, AUTHBAR_USAGE_URL: url };
    const [access] = secretsIn(store);
    const piece = access!.split('.')[2]!.slice(0, 12); // 12 chars of the access token's signature
    try {
      const usage = await runCli(['usage', '--json'], env);
      const table = await runCli(['usage'], env);
      const status = await runCli(['status', '--json'], env);
      const cache = readFileSync(join(d.authbarHome, 'usage.json'), 'utf8');
      const leaked = Object.entries({ 'usage --json': usage.stdout, usage: table.stdout, 'status --json': status.stdout, 'usage.json': cache })
        .filter(([, text]) => text.includes(piece)).map(([where]) => where);
      expect(leaked).toEqual([]);
    } finally {
      d.cleanup();
    }
  });

  it('scrubs plan names an earlier AuthBar cached from an echoing endpoint: never shown, gone from usage.json', async () => {
    const whole = storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-whole' }) });
    const word = storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-word' }) });
    const d = makeStateDir({ agents: [{ id: 'main', default: true, store: whole }, { id: 'artist', store: word }] });
    const [wholeAccess] = secretsIn(whole);
    const [wordAccess] = secretsIn(word);
    // Before 6d20f27 the plan was cached as sent: the whole Bearer, or a plain-looking word cut from it.
    const piece = `p${wordAccess!.split('.')[2]!.slice(0, 12)}`;
    const now = Date.now();
    const entry = (plan: string) => ({ askedAt: now, checkedAt: now, usage: { plan, windows: [], credits: null, limitReachedUntil: null }, error: null, failures: 0 });
    mkdirSync(d.authbarHome, { recursive: true });
    writeFileSync(join(d.authbarHome, 'usage.json'), JSON.stringify({ version: 1, accounts: { 'account:acct-whole': entry(wholeAccess!), 'account:acct-word': entry(piece), 'account:acct-gone': entry('plus') } }), { mode: 0o600 });
    try {
      const status = await runCli(['status', '--json'], d.env);
      const table = await runCli(['status'], d.env);
      const cache = readFileSync(join(d.authbarHome, 'usage.json'), 'utf8');
      const leaked = Object.entries({ 'status --json': status.stdout, status: table.stdout, 'usage.json': cache })
        .filter(([, text]) => text.includes(wholeAccess!.slice(-16)) || text.includes(piece.slice(1))).map(([where]) => where);
      expect(leaked).toEqual([]);
      expect(JSON.parse(cache).accounts['account:acct-gone'].usage.plan).toBe('plus'); // the rest is kept
    } finally {
      d.cleanup();
    }
  });

  it('drops a plan name with control characters in it', async () => {
    const store = storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-esc' }) });
    const d = makeStateDir({ agents: [{ id: 'main', default: true, store }] });
    try {
      const env = { ...d.env, AUTHBAR_USAGE_URL: url };
      const usage = await runCli(['usage', '--json'], env);
      const status = await runCli(['status', '--json'], env);
      // One-byte CSI/OSC (C1) are not escaped by JSON.stringify: they reach the terminal as is.
      expect(usage.stdout + status.stdout).not.toMatch(/[\x80-\x9f]/);
      expect(JSON.parse(usage.stdout).accounts[0].usage.plan).toBeNull(); // not a plan's name: dropped
    } finally {
      d.cleanup();
    }
  });
});

describe('SQLite error text', () => {
  let tokens: TokenServer;
  beforeAll(async () => {
    tokens = await startTokenServer();
  });
  afterAll(() => tokens.close());

  it('refresh: a write refused with the new row in the error prints the new, live refresh token', async () => {
    const issued = tokens.issue('acct-1');
    const d = makeSqliteStateDir({
      shared: { 'openai:default': openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + 3_600_000, accountId: 'acct-1' }) },
      agents: [{ id: 'main' }],
    });
    try {
      const db = new DatabaseSync(d.stateDb);
      db.exec("CREATE TRIGGER guard BEFORE UPDATE ON config_machine_state BEGIN SELECT RAISE(ABORT, NEW.value_json); END");
      db.close();
      const env = { ...d.env, AUTHBAR_TOKEN_URL: tokens.url };
      const run = await runCli(['refresh', '--agent', 'main', '--json'], env);
      expect(tokens.requests.at(-1)?.outcome).toBe('rotated');
      const fresh = [...tokens.live.keys()].at(-1)!; // the refresh token the endpoint just issued
      expect(run.stdout + run.stderr).not.toContain(fresh.slice(3, 15));
    } finally {
      d.cleanup();
    }
  });

  it('status: a store row read through a view whose error quotes the row prints the stored tokens', async () => {
    const issued = tokens.issue('acct-2');
    const d = makeSqliteStateDir({
      shared: {},
      agents: [{ id: 'main' }, { id: 'coder', profiles: { 'openai:default': openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + 3_600_000, accountId: 'acct-2' }) } }],
    });
    try {
      const db = new DatabaseSync(d.agentDb('coder'));
      db.exec('ALTER TABLE auth_profile_store RENAME TO auth_profile_store_data');
      db.exec("CREATE VIEW auth_profile_store AS SELECT store_key, json_extract('{}', store_json) AS store_json, updated_at FROM auth_profile_store_data");
      db.close();
      const run = await runCli(['status', '--json'], d.env);
      expect(run.stdout + run.stderr).not.toContain(issued.refresh.slice(3, 15));
    } finally {
      d.cleanup();
    }
  });
});

describe('an account claim', () => {
  it('never prints a refresh token that the access token\'s account claim carries', async () => {
    const refresh = refreshToken();
    const access = accessToken(refresh, Date.now() + 3 * 86_400_000);
    const store = storeDocument({ 'openai-codex:default': codexCredential({ accountId: null, access, refresh }) });
    const d = makeStateDir({ agents: [{ id: 'main', default: true, store }] });
    try {
      const json = await runCli(['status', '--json'], d.env);
      const usage = await runCli(['usage'], d.env);
      expect(json.stdout + usage.stdout).not.toContain(refresh.slice(3, 15));
    } finally {
      d.cleanup();
    }
  });
});

// Found by an attack review: a store's own text (a profile id, an account id, an email) reached
// the terminal as it was: escapes that clear the screen or retitle the window, a newline that
// forges a row, a bidi override.
describe('text from a store', () => {
  it('reaches the terminal without controls, escapes or bidi marks; --json keeps it exact, escaped', async () => {
    const id = 'openai-codex:x\u001b[2J\u001b]0;pwned\u0007\nmain   openai-codex:default  ok\r\u202e\u009b31m';
    const store = storeDocument({ [id]: codexCredential({ accountId: 'acct-1', email: 'e@example.com', expiresInMs: -60_000 }) });
    const d = makeStateDir({ agents: [{ id: 'main', default: true, store }] });
    const env = { ...d.env, AUTHBAR_TOKEN_URL: 'http://127.0.0.1:9/oauth/token' };
    try {
      const outputs = {
        status: await runCli(['status'], env),
        'status --json': await runCli(['status', '--json'], env),
        'sync --dry-run': await runCli(['sync', '--dry-run'], env),
        refresh: await runCli(['refresh', '--agent', 'main', '--timeout', '5s'], env),
        'refresh --json': await runCli(['refresh', '--agent', 'main', '--timeout', '5s', '--json'], env),
      };
      const unsafe = Object.entries(outputs).filter(([, r]) => /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/.test(r.stdout + r.stderr)).map(([what]) => what);
      expect(unsafe).toEqual([]);
      expect(outputs.status.stdout).toContain('openai-codex:x');
      expect(JSON.parse(outputs['status --json'].stdout).agents[0].profiles[0].profileId).toBe(id);
    } finally {
      d.cleanup();
    }
  });
});

// Found by an attack review: what a store shows (a profile id, an email) can hold a token, its
// own or another store's, and what it shows reaches the panel (IPC) as it is.
describe('text a store shows', () => {
  it('never carries a refresh token of the scan, nor controls, bidi marks or unbounded length', async () => {
    const artist = codexCredential({ accountId: 'acct-2' });
    const own = codexCredential({ accountId: 'acct-3' });
    const d = makeStateDir({ agents: [
      { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', email: `x${artist.refresh}@example.com` }) }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': artist }) },
      { id: 'named', store: storeDocument({ [`openai-codex:${own.refresh}`]: own }) },
      { id: 'spoof', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-4', email: `\u202emoc.elpmaxe@eci\u202c\x1b]52;c;aGk=\x07` }) }) },
      { id: 'huge', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-5', email: `${'a'.repeat(200_000)}@x.com` }) }) },
    ] });
    try {
      const report = JSON.parse((await runCli(['status', '--json'], d.env)).stdout);
      const text = JSON.stringify(report);
      expect(text.includes(artist.refresh.slice(3, 20))).toBe(false);
      expect(text.includes(own.refresh.slice(3, 20))).toBe(false);
      const email = (id: string) => report.agents.find((a: { id: string }) => a.id === id).profiles[0]?.email;
      expect(email('spoof')).toBe('moc.elpmaxe@eci');
      expect(email('huge')).toBeNull();
    } finally {
      d.cleanup();
    }
  });

  // Found by a review: only each agent's primary store was searched, not the files OpenClaw falls back to.
  it('never carries part of a token that only credentials/oauth.json or a legacy auth.json holds', async () => {
    const inOauthFile = codexCredential({ accountId: 'acct-9' });
    const inLegacy = codexCredential({ accountId: 'acct-8' });
    const sig = (jwt: string) => jwt.split('.')[2]!;
    const d = makeStateDir({ agents: [
      { id: 'main', default: true },
      // auth-profiles.json unparseable: OpenClaw falls back to auth.json (and oauth.json)
      { id: 'coder', store: '{ not json', legacy: { 'openai-codex': inLegacy } },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', email: `${sig(inOauthFile.access).slice(0, 12)}@example.com` }) }) },
      { id: 'ops', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-2', email: `${sig(inLegacy.access).slice(0, 12)}@example.com` }) }) },
    ] });
    mkdirSync(join(d.stateDir, 'credentials'), { recursive: true });
    writeFileSync(join(d.stateDir, 'credentials', 'oauth.json'), JSON.stringify({ 'openai-codex': { access: inOauthFile.access, refresh: inOauthFile.refresh, expires: inOauthFile.expires, accountId: 'acct-9' } }), { mode: 0o600 });
    try {
      const run = await runCli(['status', '--json'], d.env);
      const email = (id: string) => JSON.parse(run.stdout).agents.find((a: { id: string }) => a.id === id).profiles[0]?.email;
      expect(email('artist')).toBeNull();
      expect(email('ops')).toBeNull();
      for (const token of [inOauthFile.access, inLegacy.access]) expect(run.stdout.includes(sig(token).slice(0, 12))).toBe(false);
    } finally {
      d.cleanup();
    }
  });

  // Found by this project's own leftovers list: other profiles' access tokens were not searched.
  it('never carries part of another profile\'s access token, however long the tokens', async () => {
    const artist = codexCredential({ accountId: 'acct-2', email: 'artist@example.com' });
    const coder = codexCredential({ accountId: 'acct-3', refresh: `rt_${'Q'.repeat(10_000)}long` });
    const sig = (jwt: string) => jwt.split('.')[2]!;
    const d = makeStateDir({ agents: [
      { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', email: `${sig(artist.access).slice(0, 12)}@example.com` }) }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': artist }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': coder }) },
      { id: 'ops', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: `acct-${sig(artist.access).slice(12, 22)}` }) }) },
      { id: 'tail', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-5', email: `QQQQQQlong@example.com` }) }) },
      { id: 'named', store: storeDocument({ [`openai-codex:${sig(artist.access).slice(20, 32)}`]: codexCredential({ accountId: 'acct-6' }) }) },
    ] });
    try {
      const run = await runCli(['status', '--json'], d.env);
      const report = JSON.parse(run.stdout);
      const profiles = (id: string) => report.agents.find((a: { id: string }) => a.id === id).profiles;
      expect(profiles('main')[0].email).toBeNull();
      expect(profiles('ops')[0].accountId).toBeNull();
      expect(profiles('tail')[0].email).toBeNull();
      expect(profiles('named').map((p: { profileId: string }) => p.profileId)).toEqual(['openai-codex:default']); // main's, inherited; never its own
      expect(profiles('artist')[0].email).toBe('artist@example.com');
      const table = await runCli(['status'], d.env);
      for (const text of [run.stdout, table.stdout]) {
        for (let i = 0; i + 8 <= artist.access.length; i += 8) expect(text.includes(artist.access.slice(i, i + 8)), artist.access.slice(i, i + 8)).toBe(false);
      }
    } finally {
      d.cleanup();
    }
  });
});

// Found by a review: cleaning a whole line let one field's unterminated OSC (`ESC ]`) swallow the
// rest of the line, the outcome, cause and fix included.
describe('a line with a store\'s text in it', () => {
  it('keeps every word after a field with a stray escape', () => {
    const result = profileOutcome({ agentId: 'main', profileId: 'openai-codex:x refreshed, expires in 9d 23h\x1b]' }, { outcome: 'failed', failureKind: 'transient', cause: 'connection refused', fix: 'authbar refresh --agent main' });
    expect(progressLine(result, Date.now())).toMatch(/^main\s+openai-codex:x refreshed, expires in 9d 23h failed$/);
    expect(failureLine(result)).toBe('authbar: agent main, profile openai-codex:x refreshed, expires in 9d 23h: transient: connection refused. Fix: authbar refresh --agent main');
  });
});
