// Secrets from elsewhere in what AuthBar shows, keeps or sends (found by a review): another
// store's token pasted into an account id, an endpoint echoing the presented token as its error
// code, and openclaw.json's own keys and tokens.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { accessToken, codexCredential } from '../helpers/tokens.ts';
import { startUsageServer, type UsageServer } from '../helpers/usage-server.ts';

const HOUR = 3_600_000;
let usageServer: UsageServer;
let dirs: StateDir[] = [];
beforeAll(async () => {
  usageServer = await startUsageServer();
});
afterAll(() => usageServer.close());
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

const stateDir = (...args: Parameters<typeof makeStateDir>) => {
  const d = makeStateDir(...args);
  dirs.push(d);
  return d;
};
const parts = (secret: string) => Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8));

describe("another store's token in an account id", () => {
  const fleet = () => {
    const main = codexCredential({ accountId: 'acct-main', email: 'me@example.com', expiresInMs: 72 * HOUR });
    // coder's accountId is main's refresh token, pasted into the wrong field; its access token names its account.
    const coder = codexCredential({ accountId: main.refresh, access: accessToken('acct-coder', Date.now() + 72 * HOUR), email: 'coder@example.com', expiresInMs: 72 * HOUR });
    const d = stateDir({ agents: [{ id: 'main', default: true, store: storeDocument({ 'openai-codex:default': main }) }, { id: 'coder', store: storeDocument({ 'openai-codex:default': coder }) }] });
    return { main, env: { ...d.env, AUTHBAR_USAGE_URL: usageServer.url }, d };
  };

  it('is in neither the output nor usage.json', async () => {
    const { main, env, d } = fleet();
    const result = await runCli(['usage', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const cache = readFileSync(join(d.authbarHome, 'usage.json'), 'utf8');
    for (const part of parts(main.refresh)) {
      expect(result.stdout + result.stderr).not.toContain(part);
      expect(cache, 'usage.json').not.toContain(part);
    }
  });

  it('is never sent to the usage endpoint as ChatGPT-Account-Id; the access token\'s own account goes instead', async () => {
    usageServer.requests.length = 0;
    const { main, env } = fleet();
    const result = await runCli(['usage', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(usageServer.requests.length).toBeGreaterThan(0);
    for (const request of usageServer.requests) expect(request.accountId ?? '').not.toContain(main.refresh.slice(0, 8));
    expect(usageServer.requests.map((r) => r.accountId).sort()).toEqual(['acct-coder', 'acct-main']);
  });
});

it('never shows nor keeps the refresh token an endpoint echoes as its error code', async () => {
  // An opaque refresh token that happens to be lower-case letters only, as an error code is.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const refresh = `rt_${Array.from({ length: 40 }, (_, i) => letters[(i * 7 + 3) % 26]).join('')}`;
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const presented = new URLSearchParams(body).get('refresh_token');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: presented, message: `refresh token ${presented} is not valid` } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const d = stateDir({ agents: [{ id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ refresh, expiresInMs: HOUR }) }) }] });
    const env = { ...d.env, AUTHBAR_TOKEN_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token` };
    const refreshRun = await runCli(['refresh', '--agent', 'main'], env);
    expect(refreshRun.stderr).toContain('needs-login');
    const status = await runCli(['status', '--json'], env);
    const part = refresh.slice(3, 11);
    expect.soft(refreshRun.stdout + refreshRun.stderr, 'refresh output').not.toContain(part);
    expect.soft(status.stdout + status.stderr, 'status output').not.toContain(part);
    expect.soft(readFileSync(join(d.authbarHome, 'memory.json'), 'utf8'), 'memory.json').not.toContain(part);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

describe("openclaw.json's secrets", () => {
  const API_KEY = 'sk-proj-Q7vX2mLp9RtZk4Wn8YbHc3JfD6sA1eGu';
  const BOT_TOKEN = '7719922011:AAH3kR9vLq2WmZx8PbN4tYc6JdF0sGe1uIo';

  it('no part of an API key or a bot token in it is shown as an email or account id', async () => {
    const d = stateDir({
      config: { models: { providers: { openai: { apiKey: API_KEY } } }, channels: { telegram: { botToken: BOT_TOKEN } } },
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: API_KEY, email: API_KEY }) }) },
        { id: 'coder', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-2', email: `${BOT_TOKEN.slice(11, 30)}@example.com` }) }) },
      ],
    });
    for (const args of [['status', '--json'], ['status']]) {
      const result = await runCli(args, d.env);
      expect(result.code, result.stderr).not.toBe(64);
      expect(result.stdout + result.stderr).not.toContain(API_KEY.slice(8, 16));
      expect(result.stdout + result.stderr).not.toContain(BOT_TOKEN.slice(12, 20));
    }
  });

  it('ordinary text under other names is shown as before', async () => {
    const d = stateDir({
      config: { models: { providers: { openai: { apiKey: API_KEY } } } },
      agents: [{ id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-plain-1', email: 'plain@example.com' }) }) }],
    });
    const result = await runCli(['status', '--json'], d.env);
    expect(JSON.parse(result.stdout).agents[0].profiles[0]).toMatchObject({ email: 'plain@example.com', accountId: 'acct-plain-1' });
  });
});
