import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exchangeRefreshToken, type TokenEndpoint, tokenEndpointFrom } from '../../main/core/refresh/token-client.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';

let server: TokenServer;
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  await server.close();
});

const MAYBE_TAKEN = 'not tried again: the request may have reached the endpoint, and a second try could present a refresh token it rotated';

const endpoint = (overrides: Partial<TokenEndpoint> = {}): TokenEndpoint => ({
  url: server.url, timeoutMs: 2000, tries: 3, minRetryDelayMs: 20, ...overrides,
});

describe('tokenEndpointFrom', () => {
  it('defaults to auth.openai.com and accepts https or loopback http overrides', () => {
    expect(tokenEndpointFrom({}).url).toBe('https://auth.openai.com/oauth/token');
    expect(tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'https://proxy.example/oauth/token' }).url).toBe('https://proxy.example/oauth/token');
    expect(tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'http://127.0.0.1:9/oauth/token' }).url).toBe('http://127.0.0.1:9/oauth/token');
    expect(tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'http://localhost:9/t' }).url).toBe('http://localhost:9/t');
    expect(tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'http://[::1]:9/t' }).url).toBe('http://[::1]:9/t');
    expect(tokenEndpointFrom({}).timeoutMs).toBe(30_000);
  });

  it('refuses plain http off loopback, other schemes and non-URLs', () => {
    expect(() => tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'http://auth.example.com/oauth/token' })).toThrow(/must be https:\/\/ or http:\/\/ on a loopback address/);
    expect(() => tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'http://127.0.0.1.evil.com/t' })).toThrow(/loopback/);
    expect(() => tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'ftp://127.0.0.1/t' })).toThrow(/loopback/);
    expect(() => tokenEndpointFrom({ AUTHBAR_TOKEN_URL: 'not a url' })).toThrow(/is not a URL/);
  });
});

describe('exchangeRefreshToken against a real loopback endpoint', () => {
  it('sends the refresh grant with Codex\'s client id and returns the rotated credential', async () => {
    const issued = server.issue('acct-42');
    const before = Date.now();
    const result = await exchangeRefreshToken(issued.refresh, endpoint());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.tokens.refresh).not.toBe(issued.refresh);
    expect(result.tokens.accountId).toBe('acct-42');
    expect(result.tokens.expires).toBeGreaterThanOrEqual(before + server.expiresInSeconds * 1000);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ grantType: 'refresh_token', clientId: 'app_EMoamEEZ73f0CkXaXp7hrann', refreshToken: issued.refresh, outcome: 'rotated' });
  });

  it('reports a reused refresh token as needs-login after one request, with no retry', async () => {
    const issued = server.issue('acct-1');
    await exchangeRefreshToken(issued.refresh, endpoint());
    const again = await exchangeRefreshToken(issued.refresh, endpoint());
    expect(again).toEqual({ ok: false, failure: { kind: 'needs-login', cause: 'refresh_token_reused' } });
    expect(server.requests).toHaveLength(2);
  });

  it('reports 401 and an unknown refresh token as needs-login', async () => {
    server.queue('401');
    expect(await exchangeRefreshToken('rt_x', endpoint())).toMatchObject({ ok: false, failure: { kind: 'needs-login' } });
    expect(await exchangeRefreshToken('rt_unknown', endpoint())).toEqual({ ok: false, failure: { kind: 'needs-login', cause: 'invalid_grant' } });
    expect(server.requests).toHaveLength(2);
  });

  it('starts no attempt that could not end by finishBy: none at all, or no retry after a 503', async () => {
    const issued = server.issue('acct-1');
    const why = 'the lock would go stale';
    const none = await exchangeRefreshToken(issued.refresh, endpoint(), { finishBy: { at: Date.now() + 1000, why } });
    expect(none).toEqual({ ok: false, failure: { kind: 'transient', cause: `${why}; nothing was requested` } });
    expect(server.requests).toHaveLength(0);
    // Room for one attempt of 2 s, not for a second one: the clock has moved on by the retry.
    server.queue('503');
    const times = [0, 5000];
    const clock = () => times.shift() ?? 5000;
    const one = await exchangeRefreshToken(issued.refresh, endpoint(), { finishBy: { at: 3000, why, clock } });
    expect(one).toMatchObject({ ok: false, failure: { kind: 'transient', cause: `HTTP 503 from the token endpoint (not tried again: ${why})` } });
    expect(server.requests).toHaveLength(1);
    expect(server.live.has(issued.refresh)).toBe(true);
  });

  it('ends an attempt whose answer trickles in past its timeout (undici\'s own limits are per phase)', async () => {
    // Headers, then one byte of the body every 300 ms: no gap ever reaches a 1 s limit, the whole takes 5 s.
    const trickle = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        const body = JSON.stringify({ access_token: 'at_trickled', refresh_token: 'rt_trickled', expires_in: 3600 });
        let i = 0;
        const tick = setInterval(() => {
          if (i >= 16) {
            clearInterval(tick);
            res.end(body.slice(i));
          } else res.write(body[i++]!);
        }, 300);
        res.on('close', () => clearInterval(tick));
      });
    });
    trickle.listen(0, '127.0.0.1');
    await once(trickle, 'listening');
    try {
      const url = `http://127.0.0.1:${(trickle.address() as AddressInfo).port}/oauth/token`;
      const result = await exchangeRefreshToken('rt_old', endpoint({ url, timeoutMs: 1000, tries: 1 }));
      expect(result).toEqual({ ok: false, failure: { kind: 'transient', cause: `no answer within 1 s (${MAYBE_TAKEN})` } });
    } finally {
      trickle.closeAllConnections();
      trickle.close();
    }
  });

  it('retries 503 and 429 (the endpoint did not take the request) three times in all and then says transient', async () => {
    const issued = server.issue('acct-1');
    server.queue('503', '429', '503');
    const result = await exchangeRefreshToken(issued.refresh, endpoint());
    expect(result).toEqual({ ok: false, failure: { kind: 'transient', cause: 'HTTP 503 from the token endpoint (after 3 tries)' } });
    expect(server.requests).toHaveLength(3);
    expect(server.live.has(issued.refresh)).toBe(true);
  });

  it('recovers when a retry succeeds after a 503 and a 429', async () => {
    const issued = server.issue('acct-1');
    server.queue('503', '429');
    const result = await exchangeRefreshToken(issued.refresh, endpoint());
    expect(result.ok).toBe(true);
    expect(server.requests.map((r) => r.outcome)).toEqual(['503', '429', 'rotated']);
  });

  // Found by a review: a request the endpoint took, whose answer was lost, was sent again with the
  // same refresh token, which the endpoint had rotated (refresh_token_reused).
  it('never tries again once the request may have been taken: a 500, a closed connection, no answer', async () => {
    for (const behaviour of ['500', 'close', 'hang'] as const) {
      const issued = server.issue('acct-1');
      server.requests.length = 0;
      server.queue(behaviour);
      const result = await exchangeRefreshToken(issued.refresh, endpoint({ timeoutMs: 300 }));
      expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', cause: expect.stringContaining(MAYBE_TAKEN) } });
      expect(server.requests.map((r) => r.outcome)).toEqual([behaviour]);
    }
  });

  it('never presents a token again whose answer was lost on the way back (the endpoint rotated it)', async () => {
    const issued = server.issue('acct-1');
    // A hop in front of the token server: the first answer is received from it, then the connection dropped.
    let seen = 0;
    const hop = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const answer = await fetch(server.url, { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body });
      const text = await answer.text();
      if (seen++ === 0) return void req.socket.destroy();
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    });
    hop.listen(0, '127.0.0.1');
    await once(hop, 'listening');
    try {
      const result = await exchangeRefreshToken(issued.refresh, endpoint({ url: `http://127.0.0.1:${(hop.address() as AddressInfo).port}/oauth/token` }));
      expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', cause: expect.stringContaining(MAYBE_TAKEN) } });
      expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    } finally {
      hop.closeAllConnections();
      hop.close();
    }
  });

  it('times out a hanging endpoint within its bound and says transient', async () => {
    server.queue('hang');
    // The endpoint never answers: only the client's own bound can end this (else the test times out).
    const result = await exchangeRefreshToken('rt_x', endpoint({ timeoutMs: 300 }));
    expect(result).toEqual({ ok: false, failure: { kind: 'transient', cause: `no answer within 0.3 s (${MAYBE_TAKEN})` } });
    expect(server.requests.map((r) => r.outcome)).toEqual(['hang']);
  });

  it('says bad-response for a 200 that is not JSON or has no new refresh token, and does not retry', async () => {
    server.queue('garbage');
    expect(await exchangeRefreshToken('rt_x', endpoint())).toMatchObject({ ok: false, failure: { kind: 'bad-response', cause: expect.stringMatching(/not JSON/) } });
    server.queue('missing-fields');
    expect(await exchangeRefreshToken('rt_x', endpoint())).toMatchObject({ ok: false, failure: { kind: 'bad-response', cause: 'the token endpoint answered 200 without a refresh_token' } });
    expect(server.requests).toHaveLength(2);
  });

  it('says transient when nothing listens', async () => {
    const url = server.url;
    await server.close();
    const result = await exchangeRefreshToken('rt_x', { url, timeoutMs: 30_000, tries: 2, minRetryDelayMs: 10 });
    expect(result).toEqual({ ok: false, failure: { kind: 'transient', cause: 'connection refused (after 2 tries)' } });
    server = await startTokenServer();
  });

  it('keeps a rotated credential that arrived when the signal aborts (a --timeout firing just then)', async () => {
    const issued = server.issue('acct-7');
    const stop = new AbortController();
    // `now` runs once the answer is in hand: abort right there, as a deadline landing in that instant would.
    const result = await exchangeRefreshToken(issued.refresh, endpoint(), { signal: stop.signal, now: () => (stop.abort(), Date.now()) });
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(result.ok).toBe(true);
  });

  it('cuts a hanging request off when the signal aborts, saying why in the caller\'s words', async () => {
    server.queue('hang');
    const stop = new AbortController();
    const reason = Object.assign(new Error('stopped at the 1s --timeout'), { name: 'TimeoutError' });
    const pending = exchangeRefreshToken('rt_hang', endpoint({ timeoutMs: 60_000 }), { signal: stop.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    stop.abort(reason);
    expect(await pending).toEqual({ ok: false, failure: { kind: 'transient', cause: 'stopped at the 1s --timeout' } });
    expect(server.requests).toHaveLength(1);
  });
});
