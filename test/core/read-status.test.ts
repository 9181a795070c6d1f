import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStatus } from '../../main/core/read-status.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential, refreshToken } from '../helpers/tokens.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
let dirs: StateDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  dirs.push(d);
  return d;
}
const report = async (d: StateDir, extra: { warnAfterMs?: number; env?: Record<string, string> } = {}) =>
  (await readStatus({ env: { ...d.env, ...extra.env }, now: NOW, warnAfterMs: extra.warnAfterMs })).report;
const agent = (r: Awaited<ReturnType<typeof report>>, id: string) => {
  const found = r.agents.find((a) => a.id === id);
  if (!found) throw new Error(`no agent ${id} in ${r.agents.map((a) => a.id).join(',')}`);
  return found;
};

describe('verdicts per profile', async () => {
  it('says ok, expiring, expired and missing exactly as the warn window and the clock say', async () => {
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 48 * HOUR }, NOW) }) },
        { id: 'soon', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 3 * HOUR }, NOW) }) },
        { id: 'gone', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: -HOUR }, NOW) }) },
        { id: 'noexp', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: null }, NOW) }) },
      ],
    });
    const r = await report(d);
    expect(agent(r, 'main').profiles[0]).toMatchObject({ status: 'ok', remainingMs: 48 * HOUR, expiresAt: NOW + 48 * HOUR, source: 'own' });
    expect(agent(r, 'soon').profiles[0]).toMatchObject({ status: 'expiring', remainingMs: 3 * HOUR });
    expect(agent(r, 'gone').profiles[0]).toMatchObject({ status: 'expired', remainingMs: -HOUR });
    const missing = agent(r, 'noexp').profiles[0]!;
    expect(missing).toMatchObject({ status: 'missing', expiresAt: null, remainingMs: null });
    expect(missing.jwtExpiresAt).toBe(Math.floor((NOW + HOUR) / 1000) * 1000);
  });

  it('moves the expiring boundary with --warn-after', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 3 * HOUR }, NOW) }) }] });
    expect(agent(await report(d, { warnAfterMs: 2 * HOUR }), 'main').profiles[0]!.status).toBe('ok');
    expect(agent(await report(d, { warnAfterMs: 4 * HOUR }), 'main').profiles[0]!.status).toBe('expiring');
  });

  it('reads `mode` for `type`, lists only Codex OAuth profiles, and ignores API keys and other providers', async () => {
    const legacyShape = { ...codexCredential({}, NOW), type: undefined, mode: 'oauth' };
    const d = state({
      agents: [{
        id: 'main',
        store: storeDocument({
          'openai-codex:old': legacyShape,
          'openai:key': { type: 'api_key', provider: 'openai', key: 'sk-test' },
          'anthropic:default': { ...codexCredential({}, NOW), provider: 'anthropic' },
          'openai-codex:tok': { type: 'token', provider: 'openai-codex', token: 'x' },
        }),
      }],
    });
    expect(agent(await report(d), 'main').profiles.map((p) => p.profileId)).toEqual(['openai-codex:old']);
  });
});

describe('agents and inheritance', async () => {
  it('inherits main\'s profile where an agent has none of its own, and overlays its own by profile id', async () => {
    const shared = codexCredential({ accountId: 'acct-1', email: 'one@example.com' }, NOW);
    const d = state({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': shared }) },
        { id: 'artist' },
        { id: 'coder', store: storeDocument({ 'openai-codex:coder@example.com': codexCredential({ accountId: 'acct-2' }, NOW) }) },
      ],
    });
    const r = await report(d);
    expect(agent(r, 'artist').profiles).toMatchObject([{ profileId: 'openai-codex:default', source: 'main', email: 'one@example.com', accountId: 'acct-1' }]);
    expect(agent(r, 'artist').storePath).toBe(d.storePath('artist'));
    expect(agent(r, 'coder').profiles.map((p) => [p.profileId, p.source])).toEqual([
      ['openai-codex:coder@example.com', 'own'],
      ['openai-codex:default', 'main'],
    ]);
  });

  it('follows agentDir overrides and shows directory-only agents as not configured', async () => {
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) },
        { id: 'far', agentDir: 'elsewhere/far-agent', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-far' }, NOW) }) },
        { id: 'ghost', configured: false, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-ghost' }, NOW) }) },
      ],
    });
    const r = await report(d);
    expect(agent(r, 'far')).toMatchObject({ configured: true, agentDir: join(d.root, 'elsewhere/far-agent') });
    expect(agent(r, 'far').profiles[0]!.accountId).toBe('acct-far');
    expect(agent(r, 'ghost')).toMatchObject({ configured: false, isDefault: false });
    expect(agent(r, 'main')).toMatchObject({ configured: true, isDefault: true });
  });

  it('treats an empty agent list as the single agent main', async () => {
    const d = state({ agents: [{ id: 'main', configured: false, store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) }] });
    const r = await report(d);
    expect(r.agents.map((a) => [a.id, a.configured])).toEqual([['main', true]]);
  });

  it('normalizes configured ids and takes OPENCLAW_AGENT_DIR as the store others inherit from', async () => {
    const d = state({ agents: [{ id: 'main' }, { id: 'other' }], configText: '{ agents: { list: [ { id: "MAIN" }, { id: "Other" } ] } }' });
    const elsewhere = join(d.root, 'main-elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'auth-profiles.json'), JSON.stringify(storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-env' }, NOW) })));
    const r = await report(d, { env: { OPENCLAW_AGENT_DIR: elsewhere } });
    expect(r.agents.map((a) => a.id)).toEqual(['main', 'other']);
    // 2026.5.7: the variable moves the inherited store only; agent main keeps its own dir.
    expect(agent(r, 'main').agentDir).toBe(d.agentDir('main'));
    expect(agent(r, 'main').profiles[0]).toMatchObject({ source: 'main', accountId: 'acct-env' });
    expect(agent(r, 'other').profiles[0]).toMatchObject({ source: 'main', accountId: 'acct-env' });
  });

  it('parses JSON5 comments and trailing commas in openclaw.json', async () => {
    const d = state({
      agents: [{ id: 'main' }, { id: 'painter', store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) }],
      configText: `// OpenClaw config
{
  agents: {
    list: [ { id: 'main', default: true, }, { id: 'painter' }, ],  /* two agents */
    defaults: { imageGenerationModel: { primary: 'openai/gpt-image-2', fallbacks: [], }, },
  },
}`,
    });
    const r = await report(d);
    expect(r.configError).toBeUndefined();
    expect(agent(r, 'painter')).toMatchObject({ configured: true, imageGeneration: { model: 'openai/gpt-image-2', dependsOnCodex: true } });
  });

  it('keeps going on a broken config: reports it and lists the agents found on disk', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) }], configText: '{ agents: [' });
    const r = await report(d);
    expect(r.configError).toMatch(/not valid JSON5/);
    expect(r.agents.map((a) => a.id)).toEqual(['main']);
  });
});

describe('unreadable stores', async () => {
  const cases: Array<[string, string]> = [
    ['garbage', 'this is not json'],
    ['0-byte', ''],
    ['truncated', '{"version":1,"profiles":{"openai-codex:default":{"type":"oauth","access":"eyJ'],
    ['wrong shape', '[1,2,3]'],
  ];
  for (const [name, text] of cases) {
    it(`marks a ${name} store unreadable with the reason, and every other agent still shows`, async () => {
      const d = state({
        agents: [
          { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) },
          { id: 'broken', store: text },
          { id: 'fine', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-fine' }, NOW) }) },
        ],
      });
      const r = await report(d);
      const broken = agent(r, 'broken');
      expect(broken.status).toBe('unreadable');
      expect(broken.error).toBeTruthy();
      expect(broken.error).not.toContain('eyJ');
      expect(broken.fix).toContain(d.storePath('broken'));
      expect(broken.fix).toContain('openclaw models auth --agent broken login --provider openai-codex');
      expect(agent(r, 'fine').status).toBe('ok');
      expect(agent(r, 'main').status).toBe('ok');
    });
  }

  it('reports a store it may not read as unreadable (permission denied)', async () => {
    if (process.getuid?.() === 0) {
      // root reads anything; use a directory in the store's place instead
      const d = state({ agents: [{ id: 'main' }] });
      mkdirSync(d.storePath('main'), { recursive: true });
      expect(agent(await report(d), 'main')).toMatchObject({ status: 'unreadable', error: 'is a directory, not a file' });
      return;
    }
    const d = state({ agents: [{ id: 'main', store: storeDocument({}) }] });
    chmodSync(d.storePath('main'), 0o000);
    expect(agent(await report(d), 'main')).toMatchObject({ status: 'unreadable', error: 'permission denied' });
  });
});

describe('store shapes', async () => {
  it('reads a symlinked store', async () => {
    const d = state({ agents: [{ id: 'main' }] });
    const target = join(d.root, 'real-store.json');
    writeFileSync(target, JSON.stringify(storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-link' }, NOW) })));
    symlinkSync(target, d.storePath('main'));
    expect(agent(await report(d), 'main').profiles[0]).toMatchObject({ status: 'ok', accountId: 'acct-link' });
  });

  it('reads the flat legacy auth.json when there is no auth-profiles.json', async () => {
    const d = state({ agents: [{ id: 'main', legacy: { 'openai-codex': { ...codexCredential({ accountId: 'acct-legacy' }, NOW), provider: undefined } } }] });
    const main = agent(await report(d), 'main');
    expect(main.storeKind).toBe('legacy-json');
    expect(main.profiles[0]).toMatchObject({ profileId: 'openai-codex:default', provider: 'openai-codex', accountId: 'acct-legacy', status: 'ok' });
  });

  it('keeps unknown fields out of the report and never puts a token in it', async () => {
    const cred = codexCredential({ extra: { futureField: { nested: true } } }, NOW);
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    const text = JSON.stringify(await report(d));
    expect(text).not.toContain(cred.refresh);
    expect(text).not.toContain(cred.access);
    expect(text).not.toContain(cred.access.split('.')[1]!);
    expect(text).not.toContain('futureField');
  });

  it('says no-codex-profile for an agent with only other sign-ins', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'anthropic:default': { type: 'api_key', provider: 'anthropic', key: 'k' } }) }] });
    expect(agent(await report(d), 'main')).toMatchObject({ status: 'no-codex-profile', profiles: [] });
  });
});

describe('image generation and shared sign-ins', async () => {
  it('says image generation rides on the Codex token for gpt-image models, even beside an OpenAI key in the store', async () => {
    // 2026.5.7 takes the Codex path whenever a Codex profile is there: a store key does not help (observed).
    const d = state({
      imageGenerationModel: 'openai/gpt-image-2',
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) },
        { id: 'keyed', store: storeDocument({ 'openai:default': { type: 'api_key', provider: 'openai', key: 'sk-x' } }) },
      ],
    });
    const r = await report(d);
    expect(agent(r, 'main').imageGeneration).toEqual({ model: 'openai/gpt-image-2', dependsOnCodex: true });
    expect(agent(r, 'keyed').imageGeneration).toEqual({ model: 'openai/gpt-image-2', dependsOnCodex: true });
  });

  it('does not depend on Codex when the config sends OpenAI requests directly, or the model is not OpenAI\'s', async () => {
    const agents = [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({}, NOW) }) }];
    const direct: Array<Record<string, unknown>> = [
      { models: { providers: { openai: { apiKey: 'sk-config' } } } },
      { models: { providers: { openai: { baseUrl: 'https://gateway.example/v1' } } } },
      { models: { providers: { openai: { authHeader: false } } } },
      { auth: { profiles: { 'openai:default': { provider: 'openai', mode: 'api_key' } } } },
    ];
    for (const config of direct) {
      expect(agent(await report(state({ agents, imageGenerationModel: 'openai/gpt-image-2', config })), 'main').imageGeneration.dependsOnCodex, JSON.stringify(config)).toBe(false);
    }
    const publicBase = state({ agents, imageGenerationModel: 'openai/gpt-image-2', config: { models: { providers: { openai: { baseUrl: 'https://api.openai.com/v1' } } } } });
    expect(agent(await report(publicBase), 'main').imageGeneration.dependsOnCodex).toBe(true);
    const other = state({ agents, imageGenerationModel: 'google/imagen-4' });
    expect(agent(await report(other), 'main').imageGeneration).toEqual({ model: 'google/imagen-4', dependsOnCodex: false });
  });

  it('groups copies by refresh token or account and reports who shares each', async () => {
    const a = codexCredential({ accountId: 'acct-a' }, NOW);
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': a }) },
        { id: 'copy', store: storeDocument({ 'openai-codex:default': { ...a } }) },
        { id: 'same-account', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-a' }, NOW) }) },
        { id: 'same-token-no-account', store: storeDocument({ 'openai-codex:default': { ...codexCredential({ accountId: null, refresh: a.refresh }, NOW) } }) },
        { id: 'other', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-b' }, NOW) }) },
        { id: 'loner', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: null, refresh: refreshToken() }, NOW) }) },
      ],
    });
    const r = await report(d);
    expect(agent(r, 'main').profiles[0]!.sharedWith).toEqual(['copy', 'same-account', 'same-token-no-account']);
    expect(agent(r, 'same-token-no-account').profiles[0]!.sharedWith).toEqual(['copy', 'main', 'same-account']);
    expect(agent(r, 'other').profiles[0]!.sharedWith).toEqual([]);
    expect(agent(r, 'loner').profiles[0]!.sharedWith).toEqual([]);
  });
});
