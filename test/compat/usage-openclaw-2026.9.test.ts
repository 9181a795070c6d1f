// The plan's usage as the real openclaw@2026.9.6 (SQLite era, a state dir its own doctor
// migrated) reads it and as AuthBar reads it, from the same loopback stand-in answer reached by
// OpenClaw through the test TLS proxy as chatgpt.com: labels, percentages and reset times agree.
// And what OpenClaw records itself: after a model call meets the plan's 429, its own WHAM probe
// writes a `subscription_limit` block into `authProfiles.state`; AuthBar shows it, counts it in
// `status --check`, and does not ask the usage endpoint again.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { installOpenClaw, runOpenClaw } from '../helpers/openclaw.ts';
import { copyMigrated, type MigratedState, migrateJsonEra, OPENCLAW9, PROFILE, type Template } from '../helpers/openclaw9-state.ts';
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
let template: Template;
let d: MigratedState;
let access: string;

beforeAll(async () => {
  [openclaw, tokens, usage] = await Promise.all([installOpenClaw(OPENCLAW9), startTokenServer(), startUsageServer({ clock: () => T })]);
  proxy = await startOpenAiProxy(tokens, { usageUrl: usage.url });
  template = await migrateJsonEra(openclaw, [{ id: 'main', credential: codexCredential({ accountId: 'acct-usage', email: 'me@example.com', expiresInMs: 3 * 86_400_000 }) }]);
  d = copyMigrated(template);
  access = d.profile('shared', PROFILE)!.access;
}, 300_000);
afterAll(async () => {
  await proxy?.close();
  await tokens?.close();
  await usage?.close();
  d?.cleanup();
  template?.cleanup();
});

describe(`usage windows with the real openclaw@${OPENCLAW9}`, () => {
  it.each(CASES)('agrees with OpenClaw on the %s answer', async (shape) => {
    usage.answer = shape;
    usage.requests.length = 0;
    const before = Date.now();
    const theirs = await runOpenClaw(openclaw, ['models', 'status', '--agent', 'main'], { ...d.env, ...proxy.env, NODE_USE_ENV_PROXY: '1' });
    const after = Date.now();
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(usage.requests).toHaveLength(1);
    const openclawRequest = usage.requests[0]!;

    const ours = await runCli(['usage', '--json'], { ...d.env, AUTHBAR_HOME: `${d.root}/authbar-${shape}`, AUTHBAR_USAGE_URL: usage.url });
    expect(ours.code, ours.stderr).toBe(0);
    expect(ours.stdout.includes(access)).toBe(false);
    expect(usage.requests).toHaveLength(2);
    expect(usage.requests[1]!.authorization === openclawRequest.authorization && openclawRequest.authorization === `Bearer ${access}`).toBe(true);
    expect([openclawRequest.accountId, usage.requests[1]!.accountId]).toEqual(['acct-usage', 'acct-usage']);

    const account = JSON.parse(ours.stdout).accounts[0];
    const windows = openClawWindows(theirs.stdout, 'openai');
    expect(windows !== null).toBe(!ERRORS[shape] && shape !== 'missing-windows');
    expectAgreement(account.usage.windows, windows, before, after);
    expect(account.usage.error?.kind).toBe(ERRORS[shape]);
  }, 180_000);
});

describe(`OpenClaw ${OPENCLAW9}'s own subscription_limit record`, () => {
  it('is shown as the plan limit, until OpenClaw\'s blockedUntil, with no usage request of AuthBar\'s', async () => {
    // The plan's answer to a model call when the limit is reached (429 usage_limit_reached), and an exhausted window.
    const limited = await startOpenAiProxy(tokens, {
      usageUrl: usage.url,
      modelError: { status: 429, body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_in_seconds: 11_520 } } },
    });
    const s = copyMigrated(template);
    try {
      usage.answer = 'exhausted';
      usage.requests.length = 0;
      const run = await runOpenClaw(openclaw, ['agent', '--local', '--agent', 'main', '--message', 'hi', '--json'], { ...s.env, ...limited.env, NODE_USE_ENV_PROXY: '1' }, 240_000);
      expect(run.code).not.toBe(0);
      expect(usage.requests).toHaveLength(1); // OpenClaw's own probe
      const db = new DatabaseSync(s.stateDb, { readOnly: true });
      const row = db.prepare("SELECT value_json AS v FROM config_machine_state WHERE state_key = 'authProfiles.state'").get() as { v: string };
      db.close();
      const recorded = JSON.parse(row.v).usageStats[PROFILE];
      expect(recorded).toMatchObject({ blockedReason: 'subscription_limit', blockedSource: 'wham' });
      expect(recorded.blockedUntil).toBeGreaterThan(Date.now());

      const env = { ...s.env, AUTHBAR_USAGE_URL: usage.url };
      const status = await runCli(['status', '--json', '--check'], env);
      expect(status.code, status.stderr).toBe(1);
      const main = JSON.parse(status.stdout).agents.find((a: any) => a.id === 'main');
      expect(main.readiness).toMatchObject({ state: 'plan-limit', until: recorded.blockedUntil });
      expect(main.profiles[0].usage.recorded).toMatchObject({ blockedReason: 'subscription_limit', blockedUntil: recorded.blockedUntil });

      const ours = await runCli(['usage', '--json'], env);
      expect(ours.code, ours.stderr).toBe(0);
      expect(JSON.parse(ours.stdout).requests).toBe(0);
      expect(usage.requests).toHaveLength(1); // OpenClaw knows: AuthBar did not ask again
      expect(ours.stdout.includes(access) || status.stdout.includes(access)).toBe(false);
    } finally {
      await limited.close();
      s.cleanup();
    }
  }, 300_000);
});
