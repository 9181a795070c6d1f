// The harness that puts the real openclaw@2026.5.7 in front of test endpoints: a CONNECT
// proxy with its own CA (test/helpers/tls-proxy.ts) relays OpenClaw's hard-coded
// https://auth.openai.com/oauth/token to our token server and fakes chatgpt.com.
// These tests prove it works end to end: refreshes rotate through the token server,
// image generation shows which Bearer OpenClaw used, and a dead refresh token gives
// 2026.5.7's misleading error.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { installOpenClaw, liveProcessesInGroup, runOpenClaw } from '../helpers/openclaw.ts';
import { generateImage } from '../helpers/openclaw-image.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { RED_SQUARE_PNG, startOpenAiProxy, type OpenAiProxy } from '../helpers/tls-proxy.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const VERSION = '2026.5.7';
const MINUTE = 60_000;
const PROFILE = 'openai-codex:default';
// A model whose provider is Codex, and the image model whose Codex path we exercise.
const CONFIG = { agents: { defaults: { model: 'openai-codex/gpt-5.5', imageGenerationModel: 'openai/gpt-image-2' } } };

let openclaw: string;
let tokens: TokenServer;
let proxy: OpenAiProxy;
const dirs: StateDir[] = [];

beforeAll(async () => {
  [openclaw, tokens] = await Promise.all([installOpenClaw(VERSION), startTokenServer()]);
  proxy = await startOpenAiProxy(tokens);
}, 600_000);

afterAll(async () => {
  await proxy?.close();
  await tokens?.close();
  for (const d of dirs) d.cleanup();
});

beforeEach(() => {
  tokens.requests.length = 0;
  proxy.upstream.length = 0;
});

/** A credential the token server knows, so refreshing it rotates. */
function liveCredential(accountId: string, expiresInMs: number) {
  const issued = tokens.issue(accountId);
  return { issued, credential: codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs }) };
}

/** main plus one more agent; each has its own `openai-codex:default` of its own account. */
function stateDir(agent: { id: string; credential: unknown } | null, main: unknown): StateDir {
  const d = makeStateDir({
    config: CONFIG,
    agents: [
      { id: 'main', default: true, store: storeDocument({ [PROFILE]: main }) },
      ...(agent ? [{ id: agent.id, store: storeDocument({ [PROFILE]: agent.credential }) }] : []),
    ],
  });
  dirs.push(d);
  return d;
}

const output = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

describe(`openclaw@${VERSION} through the loopback OpenAI proxy`, () => {
  it('refreshes a token 2 minutes from expiry via the token server (text `models status`)', async () => {
    const { issued, credential } = liveCredential('acct-main', 2 * MINUTE);
    const d = stateDir(null, credential);

    const result = await runOpenClaw(openclaw, ['models', 'status', '--agent', 'main'], { ...d.env, ...proxy.env });
    expect(result.code, output(result)).toBe(0);

    expect(tokens.requests.map((r) => [r.refreshToken, r.outcome])).toEqual([[issued.refresh, 'rotated']]);
    const [next] = [...tokens.live].filter(([, account]) => account === 'acct-main').map(([rt]) => rt);
    const stored = d.readStore('main').profiles[PROFILE];
    expect(stored.refresh).toBe(next);
    expect(stored.refresh).not.toBe(issued.refresh);
    expect(stored.expires).toBeGreaterThan(Date.now() + 9 * 86_400_000);
    // The usage lookup that triggered the refresh then went out with the new access token.
    expect(proxy.upstream.map((u) => [u.method, u.host, u.path, u.authorization])).toEqual([
      ['GET', 'chatgpt.com', '/backend-api/wham/usage', `Bearer ${stored.access}`],
    ]);
    expect(stored.access).not.toBe(issued.access);
    expect(proxy.refused).toEqual([]);
  }, 600_000);

  it('generates an image as the chosen agent with its own Bearer, without a token request', async () => {
    const main = liveCredential('acct-main', 3 * 86_400_000);
    const artist = liveCredential('acct-artist', 3 * 86_400_000);
    const d = stateDir({ id: 'artist', credential: artist.credential }, main.credential);

    const result = await generateImage(openclaw, d, 'artist', proxy);
    expect(result.code, output(result)).toBe(0);

    expect(tokens.requests).toEqual([]);
    const calls = proxy.upstream.filter((u) => u.host === 'chatgpt.com' && u.path === '/backend-api/codex/responses');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.authorization).toBe(`Bearer ${artist.issued.access}`);
    expect(JSON.parse(calls[0]?.body ?? '{}').tools[0]).toMatchObject({ type: 'image_generation', model: 'gpt-image-2' });
    // The fake's image came back all the way: OpenClaw wrote it where we asked.
    expect(existsSync(result.outputPath), output(result)).toBe(true);
    expect(readFileSync(result.outputPath)).toEqual(RED_SQUARE_PNG);
  }, 600_000);

  it('fails with "No API key found" when the agent is expired and its refresh token was already used', async () => {
    const main = liveCredential('acct-main', 3 * 86_400_000);
    const dead = liveCredential('acct-stranded', -60 * MINUTE);
    tokens.live.delete(dead.issued.refresh);
    tokens.used.add(dead.issued.refresh);
    const d = stateDir({ id: 'stranded', credential: dead.credential }, main.credential);

    const result = await generateImage(openclaw, d, 'stranded', proxy);
    expect(result.code, output(result)).not.toBe(0);
    expect(output(result)).toContain('No API key found for provider "openai-codex"');

    expect(tokens.requests.length).toBeGreaterThan(0);
    expect(tokens.requests.every((r) => r.refreshToken === dead.issued.refresh && r.outcome === 'reused')).toBe(true);
    expect(proxy.upstream.filter((u) => u.path === '/backend-api/codex/responses')).toEqual([]);
    expect(d.readStore('stranded').profiles[PROFILE].refresh).toBe(dead.issued.refresh);
  }, 600_000);

  it('a run stopped by the test is ended with everything it started (2026.5.7 works in a child process of its launcher)', async () => {
    // The token endpoint never answers, so OpenClaw's refresh waits on it. Killing only the
    // launcher left that child running with the test's pipes open: the result never came, and
    // the test ran into its own timeout with nothing to show.
    const { credential } = liveCredential('acct-main', 2 * MINUTE);
    const d = stateDir(null, credential);
    tokens.queue('hang');
    const stop = new AbortController();
    const run = runOpenClaw(openclaw, ['models', 'status', '--agent', 'main'], { ...d.env, ...proxy.env }, 120_000, { signal: stop.signal });
    await tokens.received(1); // OpenClaw's refresh is now waiting on the endpoint
    stop.abort();
    const result = await run;
    expect(result.stderr).toContain('killed (with its process group) by the test');
    expect(tokens.requests.map((r) => r.outcome)).toEqual(['hang']);
    // SIGKILL is delivered at once but a process takes its own time to finish exiting (a loaded
    // machine: seen still running right after its pipes closed): wait for the group to be gone.
    await vi.waitFor(() => expect(liveProcessesInGroup(result.pid!), 'nothing of that run is left running').toEqual([]), { timeout: 60_000, interval: 50 });
  }, 300_000);
});
