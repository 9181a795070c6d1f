// The differential test's shrinker, on its own: greedy deletion of files, config agents and
// JSON keys down to a state dir that still fails (here a predicate stands in for "AuthBar and
// OpenClaw disagree", which the compat tests judge with the real package).
import { describe, expect, it } from 'vitest';
import { generateStateDir } from '../fidelity/generate.ts';
import { shrinkWith } from '../fidelity/shrink.ts';

describe('shrinking a disagreement', () => {
  it('keeps only what the failure needs: one file, one profile, one field', async () => {
    const files = {
      'openclaw/openclaw.json': JSON.stringify({ agents: { list: [{ id: 'main' }, { id: 'coder' }] } }),
      'openclaw/agents/main/agent/auth-profiles.json': JSON.stringify({ version: 1, profiles: { 'openai-codex:default': { type: 'oauth', provider: 'openai-codex', access: 'a', expires: 1 } } }),
      'openclaw/agents/coder/agent/auth-profiles.json': JSON.stringify({ version: 1, profiles: { a: { type: 'oauth', provider: 'OpenAI-Codex', access: 'x' }, b: { type: 'token' } } }),
      'openclaw/agents/coder/agent/auth-state.json': '{}',
    };
    const fails = async (f: Record<string, string>) => Object.values(f).some((text) => text.includes('OpenAI-Codex'));
    const { files: small } = await shrinkWith(files, fails, { maxTries: 500 });
    expect(Object.keys(small).sort()).toEqual(['openclaw/agents/coder/agent/auth-profiles.json', 'openclaw/openclaw.json']);
    expect(JSON.parse(small['openclaw/agents/coder/agent/auth-profiles.json']!)).toEqual({ profiles: { a: { provider: 'OpenAI-Codex' } } });
    expect(JSON.parse(small['openclaw/openclaw.json']!)).toEqual({});
  });

  it('stops at its budget', async () => {
    const files = generateStateDir('shrink-budget', Date.parse('2026-11-24T12:00:00Z'));
    const { tries } = await shrinkWith(files, async () => true, { maxTries: 7 });
    expect(tries).toBe(7);
  });

  it('generates the same state dir from the same seed and time', () => {
    const at = Date.parse('2026-11-24T12:00:00Z');
    expect(generateStateDir('same', at)).toEqual(generateStateDir('same', at));
    expect(generateStateDir('same', at)).not.toEqual(generateStateDir('other', at));
  });
});
