// `authbar refresh` beside a stranded copy: one rotation per account per run, and every
// action taken (a sync before a failed request) is reported, in text and in --json.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { cleanedAfter, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

function signIn(accountId: string, expiresInMs = 2 * HOUR) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs });
}

/** Account A: main holds the newest sign-in, artist a copy whose refresh token was rotated away. Account B: coder. */
function strandedBesideSource(): StateDir {
  const old = signIn('acct-a', -HOUR);
  server.live.delete(old.refresh);
  server.used.add(old.refresh);
  const d = makeStateDir({
    agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-a') }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': old }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': signIn('acct-b') }) },
    ],
  });
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
  cleanedAfter(d);
  return d;
}

const refreshOf = (d: StateDir, id: string) => d.readStore(id).profiles['openai-codex:default'].refresh as string;

describe('refresh --all with a stranded copy beside its newer source', () => {
  for (const concurrency of ['1', '4']) {
    it(`makes one token request per sign-in, never rotating a credential it just refreshed (--concurrency ${concurrency})`, async () => {
      const d = strandedBesideSource();
      const result = await runCli(['refresh', '--all', '--json', '--concurrency', concurrency], d.env, { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(server.requests.map((r) => r.outcome)).toEqual(['rotated', 'rotated']);
      expect(JSON.parse(result.stdout).requests).toBe(2);
      expect(refreshOf(d, 'artist')).toBe(refreshOf(d, 'main'));
      expect(server.live.has(refreshOf(d, 'main'))).toBe(true);
      expect(server.live.has(refreshOf(d, 'coder'))).toBe(true);
    });
  }

  it('never names an agent as the source of its own credential ("main adopted from main")', async () => {
    // artist's copy not yet expired, so not known to be stranded; artist's run goes first.
    const old = signIn('acct-a', HOUR);
    server.live.delete(old.refresh);
    server.used.add(old.refresh);
    const d = makeStateDir({ agents: [
      { id: 'artist', store: storeDocument({ 'openai-codex:default': old }) },
      { id: 'main', store: storeDocument({ 'openai-codex:default': signIn('acct-a') }) },
    ] });
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
    cleanedAfter(d);
    const result = await runCli(['refresh', '--all', '--json', '--concurrency', '1'], d.env, { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const results = JSON.parse(result.stdout).results as Array<{ agentId: string; outcome: string; source: string | null }>;
    for (const r of results) expect(r.source, `${r.agentId}: ${r.outcome} from ${r.source}`).not.toBe(r.agentId);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
  });
});

describe('refresh --agent on a stranded copy with the network down', () => {
  it('reports the sync it did before the failed request, in text and in --json', async () => {
    const d = strandedBesideSource();
    const mainRefresh = refreshOf(d, 'main');
    server.queue('503', '503', '503');
    const text = await runCli(['refresh', '--agent', 'artist'], d.env, { timeoutMs: 60_000 });
    expect(text.code).toBe(1);
    expect(refreshOf(d, 'artist')).toBe(mainRefresh);
    expect(text.stdout).toMatch(/^artist\s+openai-codex:default\s+failed after syncing from main/m);
    expect(text.stderr).toContain('synced from main');

    // Again, on a fresh copy of the situation, as JSON.
    const e = strandedBesideSource();
    server.queue('503', '503', '503');
    const json = await runCli(['refresh', '--agent', 'artist', '--json'], e.env, { timeoutMs: 60_000 });
    expect(json.code).toBe(1);
    const [outcome] = JSON.parse(json.stdout).results;
    expect(outcome).toMatchObject({ agentId: 'artist', outcome: 'failed', failureKind: 'transient', source: 'main' });
    expect(outcome.expiresAt).toBe(e.readStore('main').profiles['openai-codex:default'].expires);
    expect(outcome.cause).toContain('synced from main');
  });
});
