// AuthBar tells OpenClaw 2026.9.6's fence over a refresh token from a fence over another one
// (main/core/copies.ts fenceReplaces), and the test helper's fences are OpenClaw's: both checked
// against the fence functions of the real openclaw@2026.9.6 package (src/agents/auth-profiles/
// oauth-refresh-marker.ts, bundled as dist/credential-state-*.mjs).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fenceOf, fenceReplaces } from '../../main/core/copies.ts';
import { normalizeCredential } from '../../main/core/openclaw/credentials.ts';
import { installOpenClaw } from '../helpers/openclaw.ts';
import { fence } from '../helpers/sqlite-state.ts';
import { refreshToken } from '../helpers/tokens.ts';

type Fence = Record<string, unknown> & { access: string; refresh: string };
let createFence: (params: { profileId: string; credential: Record<string, unknown> }) => Fence;
let failFence: (credential: Fence) => Fence;
let sameGeneration: (params: { profileId: string; left: Record<string, unknown>; right: Record<string, unknown> }) => boolean;

beforeAll(async () => {
  const entry = await installOpenClaw('2026.9.6');
  const dist = join(entry, '..', 'dist');
  const file = readdirSync(dist).find((name) => /^credential-state-.*\.mjs$/.test(name));
  if (!file) throw new Error(`openclaw@2026.9.6 has no dist/credential-state-*.mjs in ${dist}`);
  const module = await import(pathToFileURL(join(dist, file)).href);
  // The bundle's short export names, as 2026.9.6 ships them.
  createFence = module.c;
  failFence = module.s;
  sameGeneration = module.d;
  expect([createFence, failFence, sameGeneration].map((f) => f.name)).toEqual(['createOAuthRefreshFence', 'createFailedOAuthRefreshFence', 'isSameOAuthRefreshGeneration']);
}, 600_000);

describe('OpenClaw 2026.9.6\'s refresh fence', () => {
  for (const profileId of ['openai:default', 'openai:work@example.com']) {
    it(`over ${profileId}: AuthBar knows which token it stands for, pending and failed`, () => {
      const original = { type: 'oauth', provider: 'openai', access: `at_${refreshToken()}`, refresh: refreshToken(), expires: Date.now() + 3_600_000, accountId: 'acct-1' };
      const pending = createFence({ profileId, credential: original });
      const failed = failFence(pending);
      for (const [state, theirs] of [['pending', pending], ['failed', failed]] as const) {
        const read = normalizeCredential(profileId, theirs)!;
        expect(fenceOf(read)).toBe(state);
        expect(fenceReplaces(read, original.refresh)).toBe(true);
        expect(fenceReplaces(read, refreshToken())).toBe(false);
        expect(sameGeneration({ profileId, left: theirs, right: original })).toBe(true);
      }
      // The test helper's fences carry OpenClaw's digests (only the random claim differs).
      const ours = fence(original, 'failed', undefined, profileId);
      expect(ours.refresh.split(':').at(-1)).toBe(failed.refresh.split(':').at(-1));
      expect(ours.access.split(':').at(-1)).toBe(failed.access.split(':').at(-1));
    });
  }
});
