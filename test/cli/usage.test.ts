// `authbar usage` and usage in `authbar status`, as a user's shell runs them (the bundled CLI as
// a child process) against the loopback stand-in usage endpoint: one request per account,
// none from a plain status, none with an expired token, and never a token in any output.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StatusReportSchema } from '../../main/core/api.ts';
import { UsageReportSchema } from '../../main/core/usage/schema.ts';
import { runCli } from '../helpers/cli.ts';
import type { StateDir } from '../helpers/state-dir.ts';
import { startUsageServer, type UsageServer, usageTeam } from '../helpers/usage-server.ts';

const HOUR = 3_600_000;
let server: UsageServer;
let dirs: StateDir[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  server = await startUsageServer();
});
afterAll(() => server.close());
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
  server.requests.length = 0;
  server.answer = 'both';
});

/** main has its own account; coder and artist share a copy of acct-team; image generation rides on Codex. */
function setup(teamExpiresInMs = 72 * HOUR): { d: StateDir; env: Record<string, string>; secrets: string[] } {
  const team = usageTeam(server.url, { teamExpiresInMs, mainExpiresInMs: 72 * HOUR });
  dirs.push(team.d);
  return team;
}

async function cli(args: string[], env: Record<string, string>) {
  const result = await runCli(args, env);
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function usageJson(env: Record<string, string>, extra: string[] = []) {
  const result = await cli(['usage', '--json', ...extra], env);
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(UsageReportSchema.safeParse(report).success).toBe(true);
  return report;
}

describe('authbar usage', () => {
  it('asks once per account, not per copy, and names the agents that share it', async () => {
    const { env, secrets } = setup();
    const report = await usageJson(env);
    expect(report.requests).toBe(2);
    expect(server.requests.map((r) => r.accountId).sort()).toEqual(['acct-main', 'acct-team']);
    const team = report.accounts.find((a: any) => a.accountId === 'acct-team');
    expect(team).toMatchObject({ host: 'local', email: 'team@example.com', agents: ['artist', 'coder'], imageAgents: ['artist', 'coder'] });
    expect(team.usage).toMatchObject({ plan: 'plus', credits: 0 });
    expect(team.usage.error).toBeUndefined();
    expect(team.usage.windows.map((w: any) => [w.label, w.usedPercent])).toEqual([['5h', 22], ['Week', 61]]);
    expect(report.agents.map((a: any) => [a.id, a.readiness.state])).toEqual([['main', 'ready'], ['coder', 'ready'], ['artist', 'ready']]);

    // Asked again at once: the answers come from AuthBar's cache (at most once per 5 minutes per account).
    const again = await usageJson(env);
    expect(again.requests).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(again.accounts).toEqual(report.accounts);
    const cache = readFileSync(join(env.AUTHBAR_HOME!, 'usage.json'), 'utf8');
    expect(statSync(join(env.AUTHBAR_HOME!, 'usage.json')).mode & 0o777).toBe(0o600);
    for (const secret of secrets) expect(cache).not.toContain(secret);
  });

  it('prints one row per account with the windows and resets, readably', async () => {
    const { env } = setup();
    const result = await cli(['usage'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ACCOUNT\s+PLAN\s+USAGE\s+AGENTS$/m);
    expect(result.stdout).toMatch(/team@example\.com\s+plus \(0 credits\)\s+5h 22% used, resets in 3h \d+m · Week 61% used, resets in (4d|3d \d+h)\s+artist, coder/);
  });

  it('never asks with an expired access token, and says so', async () => {
    const { env } = setup(-HOUR);
    const report = await usageJson(env);
    expect(server.requests.map((r) => r.accountId)).toEqual(['acct-main']);
    const team = report.accounts.find((a: any) => a.accountId === 'acct-team');
    expect(team.usage).toMatchObject({ windows: [], checkedAt: null, error: { kind: 'token-expired', cause: 'usage unknown: token expired', fix: 'authbar refresh --agent artist' } });
    expect(report.agents.find((a: any) => a.id === 'coder').readiness.state).toBe('expired');
    const text = await cli(['usage'], env);
    expect(text.stdout).toContain('usage unknown: token expired');
  });

  it('shows a 401 as OpenClaw classifies it, with the sign-in fix, and backs off', async () => {
    const { env } = setup();
    server.answer = '401';
    const report = await usageJson(env, ['--agent', 'coder']);
    expect(server.requests.map((r) => r.accountId)).toEqual(['acct-team']);
    expect(report.accounts.map((a: any) => a.accountId)).toEqual(['acct-team']);
    const error = report.accounts[0].usage.error;
    expect(error).toMatchObject({ kind: 'unauthorized', fix: 'openclaw models auth --agent coder login --provider openai-codex' });
    expect(error.retryAfter - Date.parse(report.generatedAt)).toBeGreaterThanOrEqual(12 * HOUR - 60_000);
    await usageJson(env, ['--agent', 'coder']);
    expect(server.requests).toHaveLength(1);
  });

  it('survives garbage and a missing rate_limit', async () => {
    const { env } = setup();
    server.queue('garbage', 'missing-windows');
    const report = await usageJson(env);
    const kinds = report.accounts.map((a: any) => a.usage.error?.kind ?? `${a.usage.plan}:${a.usage.windows.length}`).sort();
    expect(kinds).toEqual(['bad-response', 'free:0']);
  });

  it('rejects an unknown agent as status does', async () => {
    const { env } = setup();
    const result = await cli(['usage', '--agent', 'nobody'], env);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('no agent "nobody"');
    expect(server.requests).toHaveLength(0);
  });
});

describe('usage in authbar status', () => {
  it('makes no request by default, and shows the cached usage and each agent\'s readiness', async () => {
    const { env } = setup();
    const before = await cli(['status', '--json'], env);
    expect(before.code, before.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const first = JSON.parse(before.stdout);
    expect(StatusReportSchema.safeParse(first).success).toBe(true);
    expect(first.agents[0].profiles[0].usage).toMatchObject({ windows: [], checkedAt: null });
    expect(first.agents[0].readiness).toEqual({ state: 'ready', until: null, cause: null, fix: null });

    await usageJson(env);
    const after = JSON.parse((await cli(['status', '--json'], env)).stdout);
    expect(server.requests).toHaveLength(2);
    expect(after.agents.find((a: any) => a.id === 'artist').profiles[0].usage.windows.map((w: any) => w.usedPercent)).toEqual([22, 61]);

    const table = await cli(['status'], env);
    expect(table.stdout).toMatch(/^AGENT\s+PROFILE\s+STATUS\s+EXPIRES\s+IMAGE GEN\s+USAGE\s+SHARED WITH$/m);
    expect(table.stdout).toMatch(/^artist\s+openai-codex:default\s+ok\s+in (2d \d+h|3d)\s+uses token\s+5h 22% · wk 61%\s+coder$/m);
  });

  it('asks with --usage, and --check counts a reached plan limit as 1 and a window above the threshold as 2', async () => {
    const { env } = setup();
    expect((await cli(['status', '--check'], env)).code).toBe(0);
    server.answer = 'high';
    const high = await cli(['status', '--usage', '--check'], env);
    expect(high.code, high.stderr).toBe(2);
    expect(server.requests).toHaveLength(2);

    const { env: env2 } = setup();
    server.answer = 'exhausted';
    const exhausted = await cli(['status', '--usage', '--check', '--json'], env2);
    expect(exhausted.code).toBe(1);
    const coder = JSON.parse(exhausted.stdout).agents.find((a: any) => a.id === 'coder');
    expect(coder.readiness).toMatchObject({ state: 'plan-limit' });
    expect(coder.readiness.until).toBe(coder.profiles[0].usage.limitReachedUntil);
    const table = await cli(['status'], env2);
    expect(table.stdout).toMatch(/^agent coder: the plan's usage limit is reached, until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 3h \d+m\)$/m);
  });
});

describe('secrets', () => {
  it('no token reached any output of these tests', () => {
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    // Every access token these tests minted is a JWT whose signature part is random; none may appear.
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
    expect(all).not.toMatch(/rt_[0-9a-f]{48}/);
  });
});
