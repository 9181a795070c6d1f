// Readiness (main/core/usage/readiness.ts) drives the tray's glance: the icon, the tooltip and
// the menu rows say a reached plan limit, OpenClaw's cooldowns and a window above the warning
// threshold, not only the token's own status. Pure, with explicit times (read in UTC).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentReport, ProfileReport, StatusReport } from '../../main/core/api.ts';
import type { PanelState } from '../../main/core/panel-api.ts';
import { DEFAULT_SETTINGS } from '../../main/core/settings.ts';
import { buildMenu } from '../../main/core/ui/menu-model.ts';
import { trayState } from '../../main/core/ui/tray-state.ts';
import type { Readiness } from '../../main/core/usage/schema.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z'); // a Tuesday
const HOUR = 3_600_000;
beforeAll(() => {
  vi.stubEnv('TZ', 'UTC');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

function profile(extra: Partial<ProfileReport> = {}): ProfileReport {
  const expiresAt = NOW + 50 * HOUR;
  return {
    profileId: 'openai-codex:default', provider: 'openai-codex', source: 'own', status: 'ok',
    expiresAt, remainingMs: expiresAt - NOW, jwtExpiresAt: null, email: null, accountId: 'acct',
    sharedWith: [], newerCopyIn: null, stranded: null, storePath: '/s/auth-profiles.json', cause: null, fix: null, ...extra,
  };
}

const ready: Readiness = { state: 'ready', until: null, cause: null, fix: null };
function agent(id: string, readiness: Readiness): AgentReport {
  return {
    id, host: 'local', configured: true, isDefault: id === 'main', agentDir: `/s/${id}`, storePath: `/s/${id}/auth-profiles.json`,
    storeKind: 'json', status: 'ok', writable: true, imageGeneration: { model: null, dependsOnCodex: false }, profiles: [profile()], fix: null, readiness,
  };
}

const report = (agents: AgentReport[]): StatusReport => ({
  version: '0', stateDir: '/s', configPath: '/s/openclaw.json', generatedAt: new Date(NOW).toISOString(), warnAfterMs: 86_400_000, agents, warnings: [],
});

const state = (r: StatusReport): PanelState => ({ report: r, busy: {}, results: {}, settings: DEFAULT_SETTINGS, lastSeen: {}, notices: [], banner: null, firstLaunch: false, seq: 1, now: NOW });

const limit: Readiness = { state: 'plan-limit', until: Date.parse('2026-11-24T15:12:00Z'), cause: "the plan's usage limit is reached", fix: null };
const high: Readiness = { state: 'usage-high', until: Date.parse('2026-11-28T09:00:00Z'), cause: 'Week window 96% used', fix: null };
const cooldown: Readiness = { state: 'auth-cooldown', until: Date.parse('2026-11-24T13:00:00Z'), cause: 'OpenClaw is holding this sign-in back (rate_limit)', fix: null };

describe('readiness in the tray', () => {
  it('a reached plan limit is an error icon, named in the tooltip with when it lifts', () => {
    const r = report([agent('main', ready), agent('artist', limit)]);
    expect(trayState(r, NOW)).toEqual({ icon: 'error', tooltip: '1 of 2 agents needs attention: artist at the plan limit until Tue 15:12; next expiry: main, Thu 14:00' });
  });

  it('a window above the threshold and OpenClaw\'s cooldown are a warning icon', () => {
    expect(trayState(report([agent('main', ready), agent('coder', high)]), NOW)).toEqual({ icon: 'expiring', tooltip: '1 of 2 agents needs attention: coder week window 96% used; next expiry: main, Thu 14:00' });
    expect(trayState(report([agent('main', cooldown)]), NOW).icon).toBe('expiring');
  });

  it('between equal reasons, an agent whose image generation rides on the sign-in leads', () => {
    const artist = { ...agent('artist', limit), imageGeneration: { model: 'openai/gpt-image-2', dependsOnCodex: true } };
    expect(trayState(report([agent('coder', limit), artist]), NOW).tooltip).toMatch(/^2 of 2 agents need attention: artist at the plan limit/);
  });

  it('the worst reason leads the tooltip', () => {
    const r = report([agent('coder', high), agent('artist', limit)]);
    expect(trayState(r, NOW).tooltip).toMatch(/^2 of 2 agents need attention: artist at the plan limit until Tue 15:12;/);
  });

  it('menu rows say the readiness when it is about usage or OpenClaw\'s cooldowns', () => {
    const items = buildMenu(state(report([agent('main', ready), agent('artist', limit), agent('coder', high), agent('writer', cooldown)])), NOW);
    expect(items.slice(0, 4).map((i) => ('label' in i ? i.label : i.type))).toEqual([
      'main: ok, until Thu 14:00',
      'artist: plan limit until Tue 15:12',
      'coder: week window 96% used',
      'writer: held back by OpenClaw until Tue 13:00',
    ]);
  });
});
