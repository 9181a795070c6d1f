// The token client with the caller's fetch (the app passes Electron's net.fetch): the same
// rotation, the same failure kinds, and no token in any cause. A real loopback endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchangeRefreshToken, type TokenEndpoint } from '../../main/core/refresh/token-client.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';

let server: TokenServer;
let fetched: string[];
const recordingFetch: typeof fetch = (input, init) => {
  fetched.push(String(input));
  return fetch(input, init);
};
beforeEach(async () => {
  server = await startTokenServer();
  fetched = [];
});
afterEach(async () => {
  await server.close();
});

const endpoint = (overrides: Partial<TokenEndpoint> = {}): TokenEndpoint => ({
  url: server.url, timeoutMs: 2000, tries: 3, minRetryDelayMs: 20, fetch: recordingFetch, ...overrides,
});

describe('exchangeRefreshToken through the caller\'s fetch', () => {
  it('rotates through that fetch, not undici', async () => {
    const issued = server.issue('acct-f');
    const result = await exchangeRefreshToken(issued.refresh, endpoint());
    expect(result.ok).toBe(true);
    expect(fetched).toEqual([server.url]);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
  });

  it('retries a 503, reports 401 as needs-login and a refused connection as transient, never with the token', async () => {
    const issued = server.issue('acct-g');
    server.queue('503');
    expect((await exchangeRefreshToken(issued.refresh, endpoint())).ok).toBe(true);
    expect(fetched).toHaveLength(2);
    const dead = server.issue('acct-h');
    server.queue('401');
    const refused = await exchangeRefreshToken(dead.refresh, endpoint());
    expect(refused).toMatchObject({ ok: false, failure: { kind: 'needs-login' } });
    const gone = await exchangeRefreshToken(dead.refresh, endpoint({ url: 'http://127.0.0.1:9/oauth/token', tries: 1 }));
    expect(gone).toMatchObject({ ok: false, failure: { kind: 'transient' } });
    expect(JSON.stringify([refused, gone])).not.toContain(dead.refresh);
  });

  it('gives up on a hung endpoint after its timeout', async () => {
    const issued = server.issue('acct-i');
    server.queue('hang');
    const result = await exchangeRefreshToken(issued.refresh, endpoint({ timeoutMs: 300, tries: 1 }));
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', cause: expect.stringMatching(/no answer within 0.3 s/) } });
  });
});
