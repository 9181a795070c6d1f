// The plan's usage as the real openclaw@2026.9.6 (SQLite era, a state dir its own doctor
// migrated) reads it and as AuthBar reads it, from the same loopback stand-in answer reached by
// OpenClaw through the test TLS proxy as chatgpt.com: labels, percentages and reset times agree.
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
