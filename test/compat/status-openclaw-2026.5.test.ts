// `authbar status --json` agrees with the real `openclaw models status --json --agent ID`
// (2026.5.7, the JSON era) on every agent's Codex profiles: which, their status and expiry.
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, statusJson } from '../helpers/cli.ts';
import { installOpenClaw, jsonIn, runOpenClaw } from '../helpers/openclaw.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const VERSION = '2026.5.7';
const HOUR = 3_600_000;
let openclaw: string;
let d: StateDir;

beforeAll(async () => {
  openclaw = await installOpenClaw(VERSION);
  const main = codexCredential({ accountId: 'acct-main', email: 'main@example.com', expiresInMs: 72 * HOUR });
  const older = codexCredential({ accountId: 'acct-drift', email: 'drift@example.com', expiresInMs: 20 * HOUR });
  d = makeStateDir({
    imageGenerationModel: 'openai/gpt-image-2',
    // A model whose provider has auth, so `--check` depends only on the profiles.
    config: { agents: { defaults: { model: 'openai-codex/gpt-5.5', imageGenerationModel: 'openai/gpt-image-2' } } },
    agents: [
      {
        id: 'main', default: true, authState: { version: 1 },
        store: storeDocument({
          'openai-codex:default': main,
          'openai-codex:drift@example.com': codexCredential({ accountId: 'acct-drift', email: 'drift@example.com', expiresInMs: 96 * HOUR }),
        }),
      },
      // Own `:default`, older than main's same-account profile under another id: OpenClaw hides it.
      { id: 'drifted', store: storeDocument({ 'openai-codex:default': older }) },
      { id: 'garbage', store: 'not json at all' },
      { id: 'empty', store: '' },
      { id: 'Upper' },
      { id: 'legacy', legacy: { 'openai-codex': { ...codexCredential({ accountId: 'a10', expiresInMs: 60 * HOUR }), provider: undefined } } },
      { id: 'inherits' },
      { id: 'copied', store: storeDocument({ 'openai-codex:default': { ...main } }) },
      { id: 'expiring', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'a2', expiresInMs: 5 * HOUR }) }) },
      { id: 'expired', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'a3', expiresInMs: -5 * HOUR }) }) },
      { id: 'noexpiry', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'a4', expiresInMs: null }) }) },
      { id: 'zeroexpiry', store: storeDocument({ 'openai-codex:default': { ...codexCredential({ accountId: 'a5' }), expires: 0 } }) },
      { id: 'stringexpiry', store: storeDocument({ 'openai-codex:default': { ...codexCredential({ accountId: 'a6' }), expires: String(Date.now() + 50 * HOUR) } }) },
      { id: 'mode', store: storeDocument({ 'openai-codex:default': { ...codexCredential({ accountId: 'a7', expiresInMs: 30 * HOUR }), type: undefined, mode: 'oauth' } }) },
      { id: 'ownid', store: storeDocument({ 'openai-codex:me@example.com': codexCredential({ accountId: 'a8', email: 'me@example.com', expiresInMs: 40 * HOUR }) }) },
      { id: 'elsewhere', agentDir: 'custom/dir', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'a9', expiresInMs: 10 * HOUR }) }) },
    ],
  });
}, 600_000);

afterAll(() => d?.cleanup());

interface Verdict {
  profileId: string;
  status: string;
  expiresAt: number | null;
}

/** OpenClaw echoes a raw `expires` (0, -5, "123") beside `missing`; AuthBar says null for any unusable one. */
const usableExpiry = (value: unknown) => (typeof value === 'number' && value > 0 ? value : null);

function openclawVerdicts(doc: any): Verdict[] {
  return (doc.auth?.oauth?.profiles ?? [])
    .filter((p: any) => p.provider === 'openai-codex' && p.type === 'oauth')
    .map((p: any) => ({ profileId: p.profileId, status: p.status, expiresAt: usableExpiry(p.expiresAt) }))
    .sort((a: Verdict, b: Verdict) => a.profileId.localeCompare(b.profileId));
}

describe(`authbar status agrees with openclaw@${VERSION} models status`, () => {
  it('for every configured agent: the same Codex profiles, status and expiry', async () => {
    const ours = await statusJson(d.env);
    const configured = ours.agents.filter((a: any) => a.configured);
    expect(configured.length).toBe(16);
    const limit = pLimit(3);
    // Read-only: 2026.5.7 otherwise migrates legacy auth.json and rewrites unparseable stores.
    const env = { ...d.env, OPENCLAW_AUTH_STORE_READONLY: '1' };
    const theirs = await Promise.all(configured.map((agent: any) => limit(async () => {
      const result = await runOpenClaw(openclaw, ['models', 'status', '--json', '--check', '--agent', agent.id], env);
      expect([0, 1, 2], `${agent.id}: ${result.stderr}`).toContain(result.code);
      return [agent.id, openclawVerdicts(jsonIn(result.stdout)), result.code] as const;
    })));
    for (const [id, verdicts, checkCode] of theirs) {
      const agent = configured.find((a: any) => a.id === id);
      const mine: Verdict[] = agent.profiles
        .map((p: any) => ({ profileId: p.profileId, status: p.status, expiresAt: p.expiresAt }))
        .sort((a: Verdict, b: Verdict) => a.profileId.localeCompare(b.profileId));
      expect(mine, `agent ${id}`).toEqual(verdicts);
      // --check per agent agrees too, except that AuthBar flags a store OpenClaw silently ignores.
      const ourCheck = await runCli(['status', '--check', '--agent', id], d.env);
      const expected = agent.status === 'unreadable' ? 1 : checkCode;
      expect(ourCheck.code, `--check for ${id}`).toBe(expected);
    }
  }, 600_000);
});
