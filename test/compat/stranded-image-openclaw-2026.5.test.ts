// The reported failure, end to end, with the real openclaw@2026.5.7 behind a test HTTPS proxy:
// two agents hold hand-copied Codex sign-ins; OpenClaw refreshes one of them; image generation
// in the other then fails with `No API key found for provider "openai-codex"`. After
// `authbar sync`, OpenClaw makes no token request and sends the synced access token upstream.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, statusJson } from '../helpers/cli.ts';
import { installOpenClaw, runOpenClaw } from '../helpers/openclaw.ts';
import { generateImage } from '../helpers/openclaw-image.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { type OpenAiProxy, RED_SQUARE_PNG, startOpenAiProxy } from '../helpers/tls-proxy.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const PROFILE = 'openai-codex:default';
const MINUTE = 60_000;
let openclaw: string;
let tokens: TokenServer;
let proxy: OpenAiProxy;
let d: StateDir;

beforeAll(async () => {
  [openclaw, tokens] = await Promise.all([installOpenClaw('2026.5.7'), startTokenServer()]);
  proxy = await startOpenAiProxy(tokens);
}, 600_000);
afterAll(async () => {
  await proxy?.close();
  await tokens?.close();
  d?.cleanup();
});

describe('the stranded-copy failure with the real openclaw@2026.5.7', () => {
  it('fails image generation before authbar sync, and after it uses the synced token with no refresh', async () => {
    // main signs in with its own account; coder and artist share one copied sign-in, about to expire.
    const own = tokens.issue('acct-main');
    const shared = tokens.issue('acct-team');
    const copy = codexCredential({ accountId: 'acct-team', access: shared.access, refresh: shared.refresh, expiresInMs: 2 * MINUTE });
    d = makeStateDir({
      config: { agents: { defaults: { model: 'openai-codex/gpt-5.5', imageGenerationModel: 'openai/gpt-image-2' } } },
      agents: [
        { id: 'main', default: true, store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-main', access: own.access, refresh: own.refresh, expiresInMs: 9 * 24 * 60 * MINUTE }) }) },
        { id: 'coder', store: storeDocument({ [PROFILE]: copy }) },
        { id: 'artist', store: storeDocument({ [PROFILE]: { ...copy } }) },
      ],
    });
    const env = { ...d.env, ...proxy.env };
    expect((await statusJson(d.env)).agents.find((a: any) => a.id === 'artist').imageGeneration).toEqual({ model: 'openai/gpt-image-2', dependsOnCodex: true });

    // OpenClaw refreshes coder's copy (within 5 minutes of expiry, its text status does) and only coder's.
    const refreshed = await runOpenClaw(openclaw, ['models', 'status', '--agent', 'coder'], env);
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(tokens.requests.map((r) => r.outcome)).toEqual(['rotated']);
    const newest = d.readStore('coder').profiles[PROFILE];
    expect(d.readStore('artist').profiles[PROFILE].refresh).toBe(shared.refresh);

    // AuthBar sees it coming.
    const artist = (await statusJson(d.env)).agents.find((a: any) => a.id === 'artist');
    expect(artist.profiles[0]).toMatchObject({ stranded: 'certain', newerCopyIn: 'coder', fix: 'authbar sync --agent artist' });

    // Once artist's access token has expired, image generation there meets the dead refresh token.
    d.writeStore('artist', storeDocument({ [PROFILE]: { ...d.readStore('artist').profiles[PROFILE], expires: Date.now() - MINUTE } }));
    tokens.requests.length = 0;
    const before = await generateImage(openclaw, d, 'artist', proxy);
    expect(before.code).not.toBe(0);
    expect(before.stdout + before.stderr).toContain('No API key found for provider "openai-codex"');
    expect(tokens.requests.map((r) => r.outcome)).toContain('reused');
    expect(existsSync(before.outputPath)).toBe(false);

    // The fix: one command, no token request.
    tokens.requests.length = 0;
    proxy.upstream.length = 0;
    const sync = await runCli(['sync', '--agent', 'artist'], d.env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(tokens.requests).toHaveLength(0);
    expect(d.readStore('artist').profiles[PROFILE]).toMatchObject({ access: newest.access, refresh: newest.refresh, expires: newest.expires });

    const after = await generateImage(openclaw, d, 'artist', proxy);
    expect(after.code, after.stderr).toBe(0);
    expect(tokens.requests).toHaveLength(0);
    const imageCalls = proxy.upstream.filter((u) => u.path.includes('/codex/responses'));
    expect(imageCalls).toHaveLength(1);
    expect(imageCalls[0]!.authorization).toBe(`Bearer ${newest.access}`);
    expect(readFileSync(after.outputPath)).toEqual(RED_SQUARE_PNG);
  }, 600_000);
});
