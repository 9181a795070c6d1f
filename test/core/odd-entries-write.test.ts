// Refresh never writes an entry OpenClaw reads differently than a rewrite would leave it
// (issue 16, issue 13 §5): malformed fields, an odd provider spelling, `profiles` as an array,
// legacy files. Each is listed (as OpenClaw lists it), refused before any token request, and
// left byte for byte as it was.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStatus } from '../../main/core/read-status.ts';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { syncStranded } from '../../main/core/sync.ts';
import { makeStateDir, type StateDir, storeDocument, writeJson } from '../helpers/state-dir.ts';
import { cleanedAfter, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

function signIn(accountId: string, extra: Record<string, unknown> = {}) {
  const issued = server.issue(accountId);
  return { ...codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs: 2 * HOUR, email: `${accountId}@example.com` }), ...extra };
}

function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
  cleanedAfter(d);
  return d;
}

const bytes = (path: string) => readFileSync(path, 'utf8');

describe('refresh leaves odd entries exactly as OpenClaw reads them', () => {
  it.each([
    ['access is a number', { access: 12345 }, /access is not a string/],
    ['refresh is an object', { refresh: { x: 1 } }, /refresh is not a string/],
    ['the provider is spelled " OpenAI-Codex "', { provider: ' OpenAI-Codex ' }, /provider is written/],
  ])('refuses an own entry whose %s: listed, no token request, the store unchanged', async (_name, extra, cause) => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-1', extra) }) }] });
    const before = bytes(d.storePath('main'));
    expect((await readStatus({ env: d.env })).report.agents[0]!.profiles).toHaveLength(1);
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.requests).toBe(0);
    expect(report.results).toMatchObject([{ agentId: 'main', profileId: 'openai-codex:default', outcome: 'failed', failureKind: 'unwritable' }]);
    expect(report.results[0]!.cause).toMatch(cause);
    expect(bytes(d.storePath('main'))).toBe(before);
  });

  it('refreshes a sound copy and leaves a malformed copy of the same sign-in in another agent untouched', async () => {
    const shared = signIn('acct-1');
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': shared }) },
        { id: 'odd', store: storeDocument({ 'openai-codex:default': { ...shared, email: 7 } }) },
      ],
    });
    const oddBefore = bytes(d.storePath('odd'));
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results).toMatchObject([{ agentId: 'main', outcome: 'refreshed' }]);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).not.toBe(shared.refresh);
    expect(bytes(d.storePath('odd'))).toBe(oddBefore);
  });

  it('never rewrites a store whose profiles are an array', async () => {
    const d = state({ agents: [{ id: 'main', store: { version: 1, profiles: [signIn('acct-1')] } }] });
    const before = bytes(d.storePath('main'));
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.requests).toBe(0);
    expect(report.results).toMatchObject([{ profileId: '0', outcome: 'failed', failureKind: 'unwritable' }]);
    expect(bytes(d.storePath('main'))).toBe(before);
  });

  it('never writes credentials/oauth.json or converts it into an auth-profiles.json', async () => {
    const d = state({ agents: [{ id: 'main' }] });
    const oauthPath = join(d.stateDir, 'credentials', 'oauth.json');
    writeJson(oauthPath, { 'openai-codex': { ...signIn('acct-1'), type: undefined, provider: undefined } });
    const before = bytes(oauthPath);
    const status = (await readStatus({ env: d.env })).report.agents[0]!;
    expect(status.profiles).toMatchObject([{ profileId: 'openai-codex:default', storePath: oauthPath }]);
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.requests).toBe(0);
    expect(report.results).toMatchObject([{ outcome: 'failed', failureKind: 'unwritable' }]);
    expect(bytes(oauthPath)).toBe(before);
    expect(() => bytes(d.storePath('main'))).toThrow(/ENOENT/);
  });

  it('sync never writes a malformed copy, even an expired one beside a live copy of the same account', async () => {
    const live = signIn('acct-1');
    const stale = { ...signIn('acct-1'), expires: Date.now() - HOUR, access: 42 };
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': live }) },
        { id: 'odd', store: storeDocument({ 'openai-codex:default': stale }) },
      ],
    });
    const before = bytes(d.storePath('odd'));
    const status = (await readStatus({ env: d.env })).report.agents.find((a) => a.id === 'odd')!;
    expect(status.profiles[0]).toMatchObject({ status: 'expired', stranded: null, error: 'access is not a string: OpenClaw cannot use this sign-in' });
    const report = await syncStranded({ env: d.env, agents: 'all' });
    expect(report.results.filter((r) => r.agentId === 'odd' && r.outcome === 'synced')).toEqual([]);
    expect(bytes(d.storePath('odd'))).toBe(before);
  });
});

// Found by an attack review. JSON.parse keeps a "__proto__" key as an own field; an assignment
// (zod's rebuilt object, OpenClaw's own `normalized[key] =`) does not.
describe('"__proto__" keys', () => {
  it('keeps a top-level "__proto__" field when it writes a refreshed store', async () => {
    const d = state({ agents: [{ id: 'main' }] });
    const text = `{"version":1,"__proto__":{"keepMe":true},"profiles":${JSON.stringify({ 'openai-codex:default': signIn('acct-1') })}}`;
    writeFileSync(d.storePath('main'), text, { mode: 0o600 });
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results[0]).toMatchObject({ outcome: 'refreshed' });
    expect(bytes(d.storePath('main'))).toContain('"__proto__": {\n    "keepMe": true\n  }');
  });

  it('does not list a profile named "__proto__", as OpenClaw 2026.5.7 and 2026.9.6 drop it, and never refreshes it', async () => {
    const d = state({ agents: [{ id: 'main' }] });
    writeFileSync(d.storePath('main'), `{"version":1,"profiles":{"__proto__":${JSON.stringify(signIn('acct-1', { expires: Date.now() - HOUR }))}}}`, { mode: 0o600 });
    const before = bytes(d.storePath('main'));
    expect((await readStatus({ env: d.env })).report.agents[0]!.profiles).toEqual([]);
    await refreshAgents({ env: d.env, agents: ['main'] });
    expect(server.requests).toEqual([]);
    expect(bytes(d.storePath('main'))).toBe(before);
  });
});
