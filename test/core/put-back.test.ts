// Putting back what an adoption overwrote when the adopted sign-in turns out dead, and a token
// rejected once in a run never presented again in it (found by a review).
import { describe, expect, it } from 'vitest';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { runCli } from '../helpers/cli.ts';
import { forServer, rotatedAway, server, signIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { makeSqliteStateDir, openaiCredential, type SqliteState } from '../helpers/sqlite-state.ts';
import { storeDocument } from '../helpers/state-dir.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

const sqlState = (options: Parameters<typeof makeSqliteStateDir>[0]): SqliteState => forServer(makeSqliteStateDir(options));
function sqlSignIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + expiresInMs, accountId, email: `${accountId}@example.com` });
}

/** main holds `own`; artist a newer sign-in of the same account that the endpoint has rotated away. */
function mainBesideDead(own: Record<string, unknown>) {
  const newer = signIn('acct-1', 2 * HOUR);
  rotatedAway(newer);
  const d = stateDirForServer({ agents: [
    { id: 'main', store: storeDocument({ 'openai-codex:default': own }) },
    { id: 'artist', store: storeDocument({ 'openai-codex:default': newer }) },
  ] });
  return { d, newer };
}

describe('put-back', () => {
  it('puts back a mode-only entry exactly as stored (no `type` added)', async () => {
    const { type: _t, ...rest } = signIn('acct-1', -1 * HOUR);
    const own = { ...rest, mode: 'oauth' };
    const { d } = mainBesideDead(own);
    const report = await refreshAgents({ env: d.env, agents: ['main'] });
    expect(report.results[0]!.cause).toContain('main has its own sign-in back');
    expect(d.readStore('main').profiles['openai-codex:default']).toEqual(own);
  });

  it('never resurrects a shared profile someone removed while the request was out', async () => {
    const own = sqlSignIn('acct-1', -1 * HOUR);
    const newer = sqlSignIn('acct-1', 2 * HOUR);
    rotatedAway(newer);
    const d = sqlState({ shared: { 'openai:default': own }, agents: [{ id: 'main' }, { id: 'artist', profiles: { 'openai:default': newer } }] });
    let release!: () => void;
    server.queue({ until: new Promise<void>((r) => (release = r)) });
    const run = refreshAgents({ env: d.env, agents: ['main'] });
    await server.received(1);
    d.setProfile('shared', 'openai:default', undefined); // `openclaw models auth logout` meanwhile
    release();
    const report = await run;
    expect(server.requests.map((r) => r.outcome)).toEqual(['reused']);
    expect(report.results[0]!.cause).not.toContain('own sign-in back');
    expect(d.profiles('shared')).toEqual({});
  });
});

describe('several lineages of one account in one run', () => {
  it('presents a token the endpoint rejected earlier in the same run only once', async () => {
    const { d, newer } = mainBesideDead(signIn('acct-1', -1 * HOUR));
    await refreshAgents({ env: d.env, agents: 'all', concurrency: 1 });
    expect(server.requests.filter((r) => r.refreshToken === newer.refresh)).toHaveLength(1);
  });
});

describe('what the CLI says after a put-back', () => {
  it('names the dead sign-in and the one put back, and sends the user to refresh, not to sign in again', async () => {
    const { d } = mainBesideDead(signIn('acct-1', -1 * HOUR));
    const run = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('agent main, profile openai-codex:default: needs-login: refresh_token_reused: the newer sign-in adopted from artist was dead; main has its own sign-in back, not tried. Fix: authbar refresh --agent main');
    expect(run.stdout + run.stderr).not.toMatch(/login --provider/);
    // status agrees: main is expired (its own sign-in, untried), artist holds the dead one.
    const status = JSON.parse((await runCli(['status', '--json'], d.env)).stdout);
    const profile = (id: string) => status.agents.find((a: { id: string }) => a.id === id).profiles[0];
    expect(profile('main')).toMatchObject({ status: 'expired', fix: 'authbar refresh --agent main', newerCopyIn: null });
    expect(profile('artist')).toMatchObject({ status: 'needs-login', cause: 'the refresh token was rejected (refresh_token_reused)' });
  });
});

// Found by a third review: a lineage stopped as already rejected re-recorded a generic cause.
describe('a token rejected earlier in the run', () => {
  it('the copy still holding it keeps the endpoint\'s own cause after refresh --all', async () => {
    const { d } = mainBesideDead(signIn('acct-1', -1 * HOUR));
    await refreshAgents({ env: d.env, agents: 'all', concurrency: 1 });
    const status = JSON.parse((await runCli(['status', '--json'], d.env)).stdout);
    const artist = status.agents.find((a: { id: string }) => a.id === 'artist').profiles[0];
    expect(artist).toMatchObject({ status: 'needs-login', cause: 'the refresh token was rejected (refresh_token_reused)' });
  });
});
