// One usage request against the loopback stand-in: the headers OpenClaw sends, OpenClaw's
// classification of 401 / 403 (hours of back-off), jittered back-off for 429 / 5xx, garbage as
// an error, and never a request with an expired access token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchUsage, transientBackoffMs, type UsageCredential, usageEndpointFrom } from '../../../main/core/usage/client.ts';
import { startUsageServer, type UsageServer } from '../../helpers/usage-server.ts';
import { accessToken } from '../../helpers/tokens.ts';

const HOUR = 3600_000;
let server: UsageServer;
beforeAll(async () => {
  server = await startUsageServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.answer = 'both';
});

const now = () => Date.now();
const credential = (over: Partial<UsageCredential> = {}): UsageCredential => ({
  access: accessToken('acct-1', Date.now() + HOUR), accountId: 'acct-1', expires: Date.now() + HOUR, fenced: false, ...over,
});
const endpoint = () => usageEndpointFrom({ AUTHBAR_USAGE_URL: server.url });

describe('fetchUsage', () => {
  // Found by an attack review: the answer was read whole whatever its size (a 200 MB one took
  // 1.76 GB). The endpoint's answers are a few KB.
  it('refuses an answer past 1 MiB as bad-response, without reading the rest', async () => {
    server.answer = 'huge';
    const result = await fetchUsage(credential(), { endpoint: endpoint(), now: now() });
    expect(result).toMatchObject({ ok: false, error: { kind: 'bad-response', cause: 'the usage endpoint answered with more than 1 MiB' } });
  });

  it('sends the access token as Bearer and the account id as ChatGPT-Account-Id, and reads the answer', async () => {
    const c = credential();
    const result = await fetchUsage(c, { endpoint: endpoint(), now: now() });
    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/backend-api/wham/usage', authorization: `Bearer ${c.access}`, accountId: 'acct-1' });
    if (result.ok) expect(result.usage.windows.map((w) => [w.label, w.usedPercent])).toEqual([['5h', 22], ['Week', 61]]);
  });

  it('leaves ChatGPT-Account-Id out when the sign-in has no account id, as OpenClaw does', async () => {
    await fetchUsage(credential({ accountId: null }), { endpoint: endpoint(), now: now() });
    expect(server.requests[0]!.accountId).toBeNull();
  });

  it('never asks with an expired, missing or fenced access token', async () => {
    for (const c of [credential({ expires: Date.now() - 1 }), credential({ expires: null }), credential({ access: null }), credential({ fenced: true })]) {
      const result = await fetchUsage(c, { endpoint: endpoint(), now: now(), refreshCommand: 'authbar refresh --agent main' });
      expect(result).toEqual({ ok: false, error: { kind: 'token-expired', cause: 'usage unknown: token expired', fix: 'authbar refresh --agent main', retryAfter: null } });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('backs off 12 h after a 401 and 24 h after a 403, as OpenClaw classifies them', async () => {
    const t = now();
    server.queue('401', '403');
    const a = await fetchUsage(credential(), { endpoint: endpoint(), now: t, loginCommand: 'openclaw models auth --agent main login --provider openai-codex' });
    const b = await fetchUsage(credential(), { endpoint: endpoint(), now: t });
    expect(a).toMatchObject({ ok: false, error: { kind: 'unauthorized', retryAfter: t + 12 * HOUR, fix: 'openclaw models auth --agent main login --provider openai-codex' } });
    expect(b).toMatchObject({ ok: false, error: { kind: 'forbidden', retryAfter: t + 24 * HOUR } });
  });

  it('backs off 429 and 5xx with jitter, doubling with each failure in a row up to an hour', async () => {
    const t = now();
    server.queue('429', '500');
    const low = await fetchUsage(credential(), { endpoint: endpoint(), now: t, random: () => 0 });
    const high = await fetchUsage(credential(), { endpoint: endpoint(), now: t, random: () => 1, failuresBefore: 1 });
    expect(low).toMatchObject({ ok: false, error: { kind: 'rate-limited', retryAfter: t + 4 * 60_000 } });
    expect(high).toMatchObject({ ok: false, error: { kind: 'transient', retryAfter: t + 12 * 60_000 } });
    expect(transientBackoffMs(10, () => 0.5)).toBe(HOUR);
  });

  it('calls a 200 that is not JSON, or not an object, a bad response', async () => {
    server.queue('garbage', 'array');
    for (let i = 0; i < 2; i++) {
      const result = await fetchUsage(credential(), { endpoint: endpoint(), now: now() });
      expect(result).toMatchObject({ ok: false, error: { kind: 'bad-response' } });
    }
  });

  it('turns an unreachable endpoint into a transient failure whose cause holds no token', async () => {
    const c = credential();
    const result = await fetchUsage(c, { endpoint: { url: 'http://127.0.0.1:9/backend-api/wham/usage', timeoutMs: 5000 }, now: now() });
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } });
    expect(JSON.stringify(result)).not.toContain(c.access!);
  });
});

describe('usageEndpointFrom', () => {
  it('takes https or loopback http only, like AUTHBAR_TOKEN_URL', () => {
    expect(usageEndpointFrom({}).url).toBe('https://chatgpt.com/backend-api/wham/usage');
    expect(usageEndpointFrom({ AUTHBAR_USAGE_URL: 'http://localhost:8080/u' }).url).toBe('http://localhost:8080/u');
    expect(() => usageEndpointFrom({ AUTHBAR_USAGE_URL: 'http://example.com/u' })).toThrow(/https:\/\/ or http:\/\/ on a loopback/);
    expect(() => usageEndpointFrom({ AUTHBAR_USAGE_URL: 'not a url' })).toThrow(/not a URL/);
  });
});
