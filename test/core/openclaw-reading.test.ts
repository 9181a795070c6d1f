// The classes of state dirs on which AuthBar disagreed with the real openclaw@2026.5.7
// (issue 16): each fixture states the expected verdicts, read off OpenClaw 2026.5.7's store
// loading (`coercePersistedAuthProfileStore`, `loadAuthProfileStoreForAgent`,
// `mergeAuthProfileStores`) and confirmed against the real CLI by the differential test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStatus } from '../../main/core/read-status.ts';
import { checkExitCode } from '../../main/core/status.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
let dirs: StateDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  dirs.push(d);
  return d;
}
const report = async (d: StateDir) => (await readStatus({ env: d.env, now: NOW })).report;
type Report = Awaited<ReturnType<typeof report>>;
const agent = (r: Report, id: string) => {
  const found = r.agents.find((a) => a.id === id);
  if (!found) throw new Error(`no agent ${id} in ${r.agents.map((a) => a.id).join(',')}`);
  return found;
};
const listed = (r: Report, id: string) => agent(r, id).profiles.map((p) => [p.profileId, p.source, p.status, p.expiresAt]);
const cred = (accountId: string, expiresInMs: number | null, extra: Record<string, unknown> = {}) =>
  ({ ...codexCredential({ accountId, expiresInMs }, NOW), ...extra });

describe('lenient entries (OpenClaw lists a Codex entry whose fields have the wrong types)', () => {
  it('lists an entry whose access, refresh, accountId or email is not a string, with the verdict from expires and an error naming the field', async () => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': cred('acct-main', 48 * HOUR) }) },
        { id: 'numaccess', store: storeDocument({ 'openai-codex:default': cred('a1', 30 * HOUR, { access: 12345 }) }) },
        { id: 'objrefresh', store: storeDocument({ 'openai-codex:default': cred('a2', 3 * HOUR, { refresh: { nested: true } }) }) },
        { id: 'numemail', store: storeDocument({ 'openai-codex:me': cred('a3', -HOUR, { email: 7 }) }) },
      ],
    });
    const r = await report(d);
    expect(listed(r, 'numaccess')).toEqual([['openai-codex:default', 'own', 'ok', NOW + 30 * HOUR]]);
    expect(agent(r, 'numaccess').profiles[0]!.error).toBe('access is not a string: OpenClaw cannot use this sign-in');
    expect(agent(r, 'objrefresh').profiles[0]).toMatchObject({ status: 'expiring', error: 'refresh is not a string: OpenClaw cannot use this sign-in' });
    expect(listed(r, 'numemail')).toEqual([
      ['openai-codex:default', 'main', 'ok', NOW + 48 * HOUR],
      ['openai-codex:me', 'own', 'expired', NOW - HOUR],
    ]);
    expect(agent(r, 'numemail').profiles[1]!.error).toMatch(/^email is not a string/);
    expect(agent(r, 'main').profiles[0]!.error).toBeUndefined();
  });

  it('counts a malformed entry as 1 in --check even when its expiry is fine', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred('a1', 30 * HOUR, { access: 12345 }) }) }] });
    expect(checkExitCode(await report(d))).toBe(1);
  });

  it('uses a fractional expires as it is', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred('a1', null, { expires: NOW + 30 * HOUR + 0.5 }) }) }] });
    expect(listed(await report(d), 'main')).toEqual([['openai-codex:default', 'own', 'ok', NOW + 30 * HOUR + 0.5]]);
  });
});

describe('provider spelling', () => {
  it('normalises a provider written in another case or with spaces, and drops an entry with no provider (own or main\'s)', async () => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': cred('acct-main', 48 * HOUR, { provider: undefined }) }) },
        { id: 'spaced', store: storeDocument({ 'openai-codex:x': cred('a1', 30 * HOUR, { provider: ' OpenAI-Codex ' }) }) },
        { id: 'inherits' },
      ],
    });
    const r = await report(d);
    expect(listed(r, 'spaced')).toEqual([['openai-codex:x', 'own', 'ok', NOW + 30 * HOUR]]);
    expect(agent(r, 'spaced').profiles[0]!.provider).toBe('openai-codex');
    expect(listed(r, 'main')).toEqual([]);
    expect(listed(r, 'inherits')).toEqual([]);
  });
});

describe('legacy files OpenClaw still reads', () => {
  it('merges <stateDir>/credentials/oauth.json as <provider>:default where auth-profiles.json is absent or unusable', async () => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:me@example.com': cred('acct-main', 48 * HOUR) }) },
        { id: 'nostore' },
        { id: 'broken', store: '{"version":1,"profiles":{' },
        { id: 'fine', store: storeDocument({ 'openai-codex:other': cred('a9', 20 * HOUR) }) },
      ],
    });
    mkdirSync(join(d.stateDir, 'credentials'), { recursive: true });
    const legacy = cred('acct-oauth', 10 * HOUR, { type: undefined, provider: undefined });
    writeFileSync(join(d.stateDir, 'credentials', 'oauth.json'), JSON.stringify({ 'openai-codex': legacy }));
    const r = await report(d);
    expect(listed(r, 'nostore')).toEqual([
      ['openai-codex:default', 'own', 'expiring', NOW + 10 * HOUR],
      ['openai-codex:me@example.com', 'main', 'ok', NOW + 48 * HOUR],
    ]);
    expect(listed(r, 'broken')).toEqual(listed(r, 'nostore'));
    expect(agent(r, 'broken')).toMatchObject({ status: 'unreadable', openclawStatus: 'expiring' });
    expect(listed(r, 'fine').map((p) => p[0])).toEqual(['openai-codex:me@example.com', 'openai-codex:other']);
    expect(listed(r, 'main').map((p) => p[0])).toEqual(['openai-codex:me@example.com']);
  });

  it.each([
    ['truncated', '{"version":1,"profiles":{"openai-codex:default":'],
    ['a UTF-8 BOM', `\uFEFF${JSON.stringify(storeDocument({}))}`],
    ['no profiles object', '{"version":1}'],
  ])('reads a legacy auth.json beside an auth-profiles.json that is %s', async (_name, text) => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': cred('acct-main', 48 * HOUR) }) },
        { id: 'odd', store: text, legacy: { 'openai-codex': cred('acct-legacy', 5 * HOUR, { provider: undefined }) } },
      ],
    });
    const r = await report(d);
    expect(listed(r, 'odd')).toEqual([['openai-codex:default', 'own', 'expiring', NOW + 5 * HOUR]]);
    expect(agent(r, 'odd')).toMatchObject({ status: 'unreadable', openclawStatus: 'expiring', storeKind: 'json' });
  });

  it('reads `profiles` given as an array under the ids "0", "1", …', async () => {
    const d = state({ agents: [{ id: 'main', store: { version: 1, profiles: [cred('a0', 30 * HOUR), cred('a1', -HOUR)] } }] });
    const r = await report(d);
    expect(listed(r, 'main')).toEqual([['0', 'own', 'ok', NOW + 30 * HOUR], ['1', 'own', 'expired', NOW - HOUR]]);
    expect(agent(r, 'main').status).toBe('expired');
  });
});

describe('inheritance as OpenClaw merges it', () => {
  it('hides main\'s OAuth profile behind an agent\'s own token or api_key under the same id', async () => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': cred('acct-main', 48 * HOUR) }) },
        { id: 'token', store: storeDocument({ 'openai-codex:default': { type: 'token', provider: 'openai-codex', token: 'tok' } }) },
        { id: 'key', store: storeDocument({ 'openai-codex:default': { type: 'api_key', provider: 'openai-codex', key: 'sk' } }) },
        { id: 'junk', store: storeDocument({ 'openai-codex:default': { type: 'weird', provider: 'openai-codex' } }) },
      ],
    });
    const r = await report(d);
    expect(listed(r, 'token')).toEqual([]);
    expect(listed(r, 'key')).toEqual([]);
    // An entry OpenClaw rejects (unknown type) hides nothing.
    expect(listed(r, 'junk')).toEqual([['openai-codex:default', 'main', 'ok', NOW + 48 * HOUR]]);
  });

  it('shows main\'s usable profile instead of the agent\'s own when auth-state.json marks the own one as failing', async () => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:main@example.com': cred('acct-main', 48 * HOUR) }) },
        {
          id: 'failing',
          store: storeDocument({ 'openai-codex:own@example.com': cred('acct-own', 30 * HOUR) }),
          authState: { version: 1, order: { 'openai-codex': ['openai-codex:own@example.com'] }, usageStats: { 'openai-codex:own@example.com': { cooldownReason: 'auth', cooldownUntil: NOW + HOUR } } },
        },
        {
          id: 'ratelimited',
          store: storeDocument({ 'openai-codex:own@example.com': cred('acct-own', 30 * HOUR) }),
          authState: { version: 1, lastGood: { 'openai-codex': 'openai-codex:own@example.com' }, usageStats: { 'openai-codex:own@example.com': { cooldownReason: 'rate_limit' } } },
        },
      ],
    });
    const r = await report(d);
    expect(listed(r, 'failing')).toEqual([['openai-codex:main@example.com', 'main', 'ok', NOW + 48 * HOUR]]);
    expect(listed(r, 'ratelimited').map((p) => p[0])).toEqual(['openai-codex:main@example.com', 'openai-codex:own@example.com']);
  });
});

describe('SQLite era (2026.9.6 merges as 2026.5.7 did, drift rule only)', () => {
  it('shows main\'s newer profile of the same account instead of an agent\'s own openai:default, and keeps an own profile of another id', async () => {
    const { makeSqliteStateDir } = await import('../helpers/sqlite-state.ts');
    const sign = (accountId: string, expiresInMs: number) => ({ ...codexCredential({ accountId, expiresInMs }, NOW), provider: 'openai' });
    const d = makeSqliteStateDir({
      shared: { 'openai:me@example.com': sign('acct-1', 48 * HOUR) },
      agents: [
        { id: 'main' },
        { id: 'stale', profiles: { 'openai:default': sign('acct-1', 30 * HOUR) } },
        { id: 'other', profiles: { 'openai:default': sign('acct-2', 30 * HOUR) } },
        { id: 'tokened', profiles: { 'openai:me@example.com': { type: 'token', provider: 'openai', token: 'tok' } } },
      ],
    });
    try {
      const r = await report(d as unknown as StateDir);
      expect(listed(r, 'stale')).toEqual([['openai:me@example.com', 'main', 'ok', NOW + 48 * HOUR]]);
      expect(listed(r, 'other')).toEqual([['openai:default', 'own', 'ok', NOW + 30 * HOUR], ['openai:me@example.com', 'main', 'ok', NOW + 48 * HOUR]]);
      expect(listed(r, 'tokened')).toEqual([]);
    } finally {
      d.cleanup();
    }
  });
});

describe('a remote host\'s report', () => {
  it('keeps OpenClaw\'s own verdict and a malformed entry\'s error, cleaned like every remote field', async () => {
    const { acceptStatusReport } = await import('../../main/core/remote/remote-report.ts');
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': cred('a1', 30 * HOUR, { access: 12345 }) }) },
        { id: 'broken', store: '{"version":1' },
      ],
    });
    const local = await report(d);
    const remote = structuredClone(local);
    remote.agents[0]!.profiles[0]!.error = 'access is not a string\u001b]52;c;cm0gLXJmIH4=\u0007';
    const accepted = acceptStatusReport({ name: 'vps', destination: 'user@vps' }, remote);
    expect(accepted.agents[0]!.profiles[0]!.error).toBe('“access is not a string”');
    expect(accepted.agents[1]).toMatchObject({ status: 'unreadable', openclawStatus: 'ok' });
  });

  it('with a time no Date can hold (an expiry, a reset) is invalid data, before any notice formats it', async () => {
    const { acceptStatusReport } = await import('../../main/core/remote/remote-report.ts');
    const d = state({ agents: [{ id: 'main', default: true, store: storeDocument({ 'openai-codex:default': cred('a1', 30 * HOUR) }) }] });
    const local = await report(d);
    const host = { name: 'vps', destination: 'user@vps' };
    const window = { label: 'Week', usedPercent: 100, resetsAt: 1e20 };
    const withReset = structuredClone(local);
    withReset.agents[0]!.profiles[0]!.usage = { plan: 'plus', windows: [window], credits: null, checkedAt: Date.now(), limitReachedUntil: null };
    expect(() => acceptStatusReport(host, withReset)).toThrow(/answered with invalid data \(agents\.0\.profiles\.0\.usage\.windows\.0\.resetsAt\)/);
    const withExpiry = structuredClone(local);
    withExpiry.agents[0]!.profiles[0]!.expiresAt = -9e15;
    expect(() => acceptStatusReport(host, withExpiry)).toThrow(/invalid data \(agents\.0\.profiles\.0\.expiresAt\)/);
  });
});
