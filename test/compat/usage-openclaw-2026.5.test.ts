// The plan's usage as the real openclaw@2026.5.7 reads it and as AuthBar reads it, from the same
// loopback stand-in answer (reached by OpenClaw through the test TLS proxy as chatgpt.com):
// labels, percentages and reset times agree for every shape; failures show no windows in both.
// And what 2026.5.7 records itself: after a model call meets the plan's 429, its WHAM probe puts
// the profile in a cooldown in auth-state.json; AuthBar shows it without asking.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { installOpenClaw, runOpenClaw } from '../helpers/openclaw.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { type OpenAiProxy, startOpenAiProxy } from '../helpers/tls-proxy.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';
import { expectAgreement, openClawWindows } from '../helpers/usage-compare.ts';
import { type Shape, startUsageServer, type UsageServer } from '../helpers/usage-server.ts';

const T = Date.now(); // the stand-in's clock stays here, so both readers see the same reset_at
const CASES: Shape[] = ['both', 'week-by-gap', 'day', 'null-secondary', 'string-balance', 'exhausted', 'missing-windows', '401', '403', '429', 'garbage'];
const ERRORS: Partial<Record<Shape, string>> = { '401': 'unauthorized', '403': 'forbidden', '429': 'rate-limited', garbage: 'bad-response' };

let openclaw: string;
let tokens: TokenServer;
let usage: UsageServer;
let proxy: OpenAiProxy;
let d: StateDir;
let access: string;

beforeAll(async () => {
  [openclaw, tokens, usage] = await Promise.all([installOpenClaw('2026.5.7'), startTokenServer(), startUsageServer({ clock: () => T })]);
  proxy = await startOpenAiProxy(tokens, { usageUrl: usage.url });
  const credential = codexCredential({ accountId: 'acct-usage', email: 'me@example.com', expiresInMs: 3 * 86_400_000 });
  access = credential.access;
  d = makeStateDir({
    config: { agents: { defaults: { model: 'openai-codex/gpt-5.5' } } },
    agents: [{ id: 'main', default: true, store: storeDocument({ 'openai-codex:default': credential }) }],
  });
}, 300_000);
afterAll(async () => {
  await proxy?.close();
  await tokens?.close();
  await usage?.close();
  d?.cleanup();
});

describe('usage windows with the real openclaw@2026.5.7', () => {
  it.each(CASES)('agrees with OpenClaw on the %s answer', async (shape) => {
    usage.answer = shape;
    usage.requests.length = 0;
    const before = Date.now();
    const theirs = await runOpenClaw(openclaw, ['models', 'status', '--agent', 'main'], { ...d.env, ...proxy.env, NODE_USE_ENV_PROXY: '1' });
    const after = Date.now();
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(usage.requests).toHaveLength(1);
    const openclawRequest = usage.requests[0]!;

    // A fresh AuthBar home per case: its cache would otherwise (rightly) not ask again.
    const ours = await runCli(['usage', '--json'], { ...d.env, AUTHBAR_HOME: `${d.root}/authbar-${shape}`, AUTHBAR_USAGE_URL: usage.url });
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout.includes(access)).toBe(false);
    expect(usage.requests).toHaveLength(2);
    // The same request: the same Bearer and ChatGPT-Account-Id (compared, never printed).
    expect(usage.requests[1]!.authorization === openclawRequest.authorization && openclawRequest.authorization === `Bearer ${access}`).toBe(true);
    expect([openclawRequest.accountId, usage.requests[1]!.accountId]).toEqual(['acct-usage', 'acct-usage']);

    const account = JSON.parse(ours.stdout).accounts[0];
    const windows = openClawWindows(theirs.stdout, 'openai-codex');
    // OpenClaw prints a usage line exactly when the answer had windows: the comparison is never vacuous.
    expect(windows !== null).toBe(!ERRORS[shape] && shape !== 'missing-windows');
    expectAgreement(account.usage.windows, windows, before, after);
    expect(account.usage.error?.kind).toBe(ERRORS[shape]);
  }, 120_000);
});

describe('openclaw@2026.5.7\'s own cooldown record', () => {
  it('is shown as an auth cooldown until OpenClaw\'s cooldownUntil, with no usage request of AuthBar\'s', async () => {
    const limited = await startOpenAiProxy(tokens, {
      usageUrl: usage.url,
      modelError: { status: 429, body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_in_seconds: 11_520 } } },
    });
    const credential = codexCredential({ accountId: 'acct-limited', expiresInMs: 3 * 86_400_000 });
    const s = makeStateDir({
      config: { agents: { defaults: { model: 'openai-codex/gpt-5.5' } } },
      agents: [{ id: 'main', default: true, store: storeDocument({ 'openai-codex:default': credential }) }],
    });
    try {
      usage.answer = 'exhausted';
      usage.requests.length = 0;
      const run = await runOpenClaw(openclaw, ['agent', '--local', '--agent', 'main', '--message', 'hi', '--json'], { ...s.env, ...limited.env, NODE_USE_ENV_PROXY: '1' }, 240_000);
      expect(run.code).not.toBe(0);
      const statePath = join(s.agentDir('main'), 'auth-state.json');
      expect(existsSync(statePath), `${run.stdout}\n${run.stderr}`).toBe(true);
      const recorded = JSON.parse(readFileSync(statePath, 'utf8')).usageStats['openai-codex:default'];
      // Observed: { errorCount: 1, failureCounts: { rate_limit: 1 }, lastFailureAt, cooldownUntil: lastFailureAt + 5_760_000
      // (its probe's `wham_team_rolling`: half the 3h12m to the 5h window's reset), cooldownReason: 'rate_limit', cooldownModel }.
      expect(recorded.cooldownUntil).toBeGreaterThan(Date.now());
      const asked = usage.requests.length;

      const env = { ...s.env, AUTHBAR_USAGE_URL: usage.url };
      const status = await runCli(['status', '--json'], env);
      expect(status.code, status.stderr).toBe(0);
      const main = JSON.parse(status.stdout).agents[0];
      expect(main.readiness).toMatchObject({ state: 'auth-cooldown', until: recorded.cooldownUntil });
      expect(usage.requests).toHaveLength(asked);
      expect(status.stdout.includes(credential.access)).toBe(false);
    } finally {
      await limited.close();
      s.cleanup();
    }
  }, 300_000);
});
