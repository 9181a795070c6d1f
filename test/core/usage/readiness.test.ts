// One verdict per agent, in the issue's order, and OpenClaw 2026.9's recorded state read from
// a real SQLite state dir and shown (not re-asked).
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentReport, ProfileReport } from '../../../main/core/api.ts';
import { StatusReportSchema } from '../../../main/core/api.ts';
import { readStatus } from '../../../main/core/read-status.ts';
import { checkExitCode } from '../../../main/core/status.ts';
import { readRecordedState } from '../../../main/core/usage/openclaw-state.ts';
import { agentReadiness, profileReadiness } from '../../../main/core/usage/readiness.ts';
import { withUsage } from '../../../main/core/usage/report.ts';
import type { Usage } from '../../../main/core/usage/schema.ts';
import { makeSqliteStateDir, openaiCredential, type SqliteState } from '../../helpers/sqlite-state.ts';
import { makeStateDir, storeDocument } from '../../helpers/state-dir.ts';
import { accessToken, codexCredential, refreshToken } from '../../helpers/tokens.ts';

const NOW = Date.UTC(2026, 10, 29, 9, 0, 0);
const HOUR = 3600_000;

const profile = (over: Partial<ProfileReport> = {}, usage?: Usage): ProfileReport => ({
  profileId: 'openai:default', provider: 'openai', source: 'own', status: 'ok', expiresAt: NOW + 48 * HOUR, remainingMs: 48 * HOUR,
  jwtExpiresAt: null, email: null, accountId: 'acct', sharedWith: [], newerCopyIn: null, stranded: null, storePath: '/s',
  cause: null, fix: null, ...over, ...(usage ? { usage } : {}),
});
const usage = (over: Partial<Usage> = {}): Usage => ({
  plan: 'plus', windows: [{ label: '5h', usedPercent: 10, resetsAt: NOW + HOUR }], credits: null, checkedAt: NOW, limitReachedUntil: null, ...over,
});
const recorded = (over: Partial<NonNullable<Usage['recorded']>>) => ({ blockedReason: null, blockedUntil: null, cooldownReason: null, cooldownUntil: null, disabledReason: null, disabledUntil: null, ...over });

describe('readiness', () => {
  it('is ready when nothing stands in the way', () => {
    expect(profileReadiness(profile({}, usage()), NOW)).toEqual({ state: 'ready', until: null, cause: null, fix: null });
  });

  it('names the first failing reason, in the issue\'s order', () => {
    // Each case also carries every later reason, so only the order can pick the expected one.
    const everything = usage({
      windows: [{ label: 'Week', usedPercent: 100, resetsAt: NOW + 5 * HOUR }], limitReachedUntil: NOW + 5 * HOUR,
      recorded: recorded({ disabledUntil: NOW + HOUR, cooldownUntil: NOW + 2 * HOUR, cooldownReason: 'auth' }),
    });
    const states = [
      profile({ status: 'needs-login', stranded: 'certain', newerCopyIn: 'coder' }, everything),
      profile({ status: 'expired', stranded: 'certain', newerCopyIn: 'coder' }, everything),
      profile({ status: 'expired' }, everything),
      profile({ status: 'expiring' }, everything),
      profile({ status: 'expiring' }, usage({ ...everything, recorded: recorded({ cooldownUntil: NOW + 2 * HOUR, cooldownReason: 'auth' }) })),
      profile({ status: 'expiring' }, usage({ recorded: recorded({ cooldownUntil: NOW + 2 * HOUR, cooldownReason: 'rate_limit' }), windows: [{ label: '5h', usedPercent: 90, resetsAt: null }] })),
      profile({ status: 'expiring' }, usage({ windows: [{ label: '5h', usedPercent: 90, resetsAt: null }] })),
      profile({}, usage({ windows: [{ label: '5h', usedPercent: 79, resetsAt: null }, { label: 'Week', usedPercent: 81, resetsAt: NOW + 9 * HOUR }] })),
    ].map((p) => profileReadiness(p, NOW).state);
    expect(states).toEqual(['needs-login', 'stranded', 'expired', 'refresh-cooldown', 'plan-limit', 'auth-cooldown', 'expiring', 'usage-high']);
  });

  it('does not count a high window whose reset has passed', () => {
    expect(profileReadiness(profile({}, usage({ windows: [{ label: 'Week', usedPercent: 97, resetsAt: NOW - 1 }] })), NOW).state).toBe('ready');
    expect(profileReadiness(profile({}, usage({ windows: [{ label: 'Week', usedPercent: 97, resetsAt: null }] })), NOW).state).toBe('usage-high');
  });

  it('says until when the plan limit holds, from the answer or from OpenClaw\'s subscription_limit block', () => {
    const fromAnswer = profileReadiness(profile({}, usage({ limitReachedUntil: NOW + 3 * HOUR })), NOW);
    expect(fromAnswer).toMatchObject({ state: 'plan-limit', until: NOW + 3 * HOUR });
    expect(fromAnswer.cause).toContain('until 2026-11-29 12:00 UTC (in 3h)');
    const fromOpenClaw = profileReadiness(profile({}, usage({ recorded: recorded({ blockedReason: 'subscription_limit', blockedUntil: NOW + 30 * HOUR }) })), NOW);
    expect(fromOpenClaw).toMatchObject({ state: 'plan-limit', until: NOW + 30 * HOUR });
    // A block in the past is over.
    expect(profileReadiness(profile({}, usage({ recorded: recorded({ blockedReason: 'subscription_limit', blockedUntil: NOW - 1 }) })), NOW).state).toBe('ready');
  });

  it('takes an agent\'s best sign-in (OpenClaw moves on to a usable one) and needs a sign-in with none', () => {
    const agent = (profiles: ProfileReport[], over: Partial<AgentReport> = {}): AgentReport => ({
      id: 'a', host: 'local', configured: true, isDefault: false, agentDir: '/a', storePath: '/s', storeKind: 'sqlite', status: 'ok',
      writable: true, imageGeneration: { model: null, dependsOnCodex: false }, profiles, fix: 'openclaw models auth login --provider openai --agent a', ...over,
    });
    expect(agentReadiness(agent([profile({ status: 'expired' }), profile({}, usage({ windows: [{ label: '5h', usedPercent: 85, resetsAt: null }] }))]), NOW).state).toBe('usage-high');
    expect(agentReadiness(agent([], { status: 'no-codex-profile' }), NOW)).toMatchObject({ state: 'needs-login', fix: 'openclaw models auth login --provider openai --agent a' });
  });
});

describe('OpenClaw 2026.9\'s recorded state', () => {
  let s: SqliteState | undefined;
  afterEach(() => s?.cleanup());

  function putState(path: string, sql: string, key: string, value: unknown): void {
    const db = new DatabaseSync(path);
    try {
      db.prepare(sql).run(key, JSON.stringify(value), Date.now());
    } finally {
      db.close();
    }
  }

  it('reads authProfiles.state (shared) and auth_profile_state (agent), the agent\'s own entry winning, and shows it without asking', async () => {
    const live = (id: string) => openaiCredential({ access: accessToken(id, Date.now() + 48 * HOUR), refresh: refreshToken(), expires: Date.now() + 48 * HOUR, accountId: id });
    s = makeSqliteStateDir({ shared: { 'openai:default': live('acct-shared') }, agents: [{ id: 'main' }, { id: 'coder' }, { id: 'artist', profiles: { 'openai:default': live('acct-artist') } }] });
    const until = Date.now() + 30 * HOUR;
    putState(s.stateDb, 'INSERT OR REPLACE INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?, ?, ?)', 'authProfiles.state', {
      version: 1, usageStats: { 'openai:default': { blockedReason: 'subscription_limit', blockedSource: 'wham', blockedUntil: until, lastProbeAt: Date.now(), errorCount: 2 } },
    });
    putState(s.agentDb('artist'), 'INSERT INTO auth_profile_state (state_key, state_json, updated_at) VALUES (?, ?, ?)', 'primary', {
      version: 1, usageStats: { 'openai:default': { cooldownUntil: Date.now() + HOUR, cooldownReason: 'auth', cooldownClassification: 'wham_token_expired' } },
    });
    const snapshot = await readStatus({ env: s.env });
    const recordedState = readRecordedState(snapshot.scan);
    expect(recordedState.get('coder')?.get('openai:default')).toMatchObject({ blockedReason: 'subscription_limit', blockedUntil: until });
    expect(recordedState.get('artist')?.get('openai:default')).toMatchObject({ blockedReason: null, cooldownReason: 'auth' });

    // Asked on demand, the blocked account is not asked again (OpenClaw knows); nothing else is reachable either.
    const { report, requests } = await withUsage(snapshot, { env: { ...s.env, AUTHBAR_USAGE_URL: 'http://127.0.0.1:9/none' }, now: Date.now(), ask: 'demand', agents: ['coder'] });
    expect(requests).toBe(0);
    expect(StatusReportSchema.safeParse(report).success).toBe(true);
    const by = new Map(report.agents.map((a) => [a.id, a]));
    expect(by.get('coder')!.readiness).toMatchObject({ state: 'plan-limit', until });
    expect(by.get('main')!.readiness!.state).toBe('plan-limit');
    expect(by.get('artist')!.readiness).toMatchObject({ state: 'auth-cooldown' });
    expect(checkExitCode(report)).toBe(1);
  });
});

describe('OpenClaw 2026.5\'s recorded state', () => {
  it('reads cooldownUntil and disabledUntil from auth-state.json (its WHAM probe sets a cooldown, never a block)', async () => {
    const d = makeStateDir({
      agents: [
        { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-main', expiresInMs: 48 * HOUR }) }) },
        {
          id: 'coder',
          store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-coder', expiresInMs: 48 * HOUR }) }),
          authState: { version: 1, usageStats: { 'openai-codex:default': { cooldownUntil: Date.now() + HOUR, errorCount: 1 } } },
        },
        {
          id: 'artist',
          store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-artist', expiresInMs: 48 * HOUR }) }),
          authState: { version: 1, usageStats: { 'openai-codex:default': { disabledUntil: Date.now() + 2 * HOUR, disabledReason: 'auth_permanent' } } },
        },
      ],
    });
    try {
      const snapshot = await readStatus({ env: d.env });
      const { report, requests } = await withUsage(snapshot, { env: d.env, now: Date.now(), ask: null });
      expect(requests).toBe(0);
      expect(report.agents.map((a) => [a.id, a.readiness!.state])).toEqual([['main', 'ready'], ['coder', 'auth-cooldown'], ['artist', 'refresh-cooldown']]);
      expect(report.agents[2]!.profiles[0]!.usage!.recorded).toMatchObject({ disabledReason: 'auth_permanent' });
    } finally {
      d.cleanup();
    }
  });
});
