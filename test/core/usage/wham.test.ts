// The wham/usage answer read as openclaw 2026.5.7 / 2026.9.6 read it (labels, percentages,
// resets in ms, credits), from the stand-in's shapes and from garbage.
import { describe, expect, it } from 'vitest';
import { parseUsageResponse, secondaryLabel } from '../../../main/core/usage/wham.ts';
import { usageBody } from '../../helpers/usage-server.ts';

const NOW = Date.UTC(2026, 10, 29, 9, 0, 0);
const S = Math.floor(NOW / 1000) * 1000;
const HOUR = 3600_000;

function parsed(body: unknown) {
  const result = parseUsageResponse(body, NOW);
  if (!result.ok) throw new Error(result.cause);
  return result.usage;
}

describe('parseUsageResponse', () => {
  it('reads both windows with OpenClaw\'s labels, reset_at seconds as ms, and the plan', () => {
    expect(parsed(usageBody('both', NOW))).toEqual({
      plan: 'plus',
      windows: [
        { label: '5h', usedPercent: 22, resetsAt: S + 3 * HOUR + 720_000 },
        { label: 'Week', usedPercent: 61, resetsAt: S + 96 * HOUR },
      ],
      credits: 0,
      limitReachedUntil: null,
    });
  });

  it('labels a secondary window of unknown length "Week" when it resets 3+ days after the primary, else "Day"', () => {
    expect(parsed(usageBody('week-by-gap', NOW)).windows.map((w) => w.label)).toEqual(['3h', 'Week']);
    expect(parsed(usageBody('day', NOW)).windows.map((w) => w.label)).toEqual(['5h', 'Day']);
    expect(secondaryLabel(24, 1000, 1000 + 259_199)).toBe('Day');
    expect(secondaryLabel(24, 1000, 1000 + 259_200)).toBe('Week');
    expect(secondaryLabel(168, null, null)).toBe('Week');
    expect(secondaryLabel(12, null, null)).toBe('12h');
  });

  it('takes a missing rate_limit as no windows and a null secondary window as one window', () => {
    expect(parsed(usageBody('missing-windows', NOW))).toMatchObject({ plan: 'free', windows: [] });
    expect(parsed(usageBody('null-secondary', NOW)).windows).toEqual([{ label: '5h', usedPercent: 47, resetsAt: S + 3 * HOUR + 720_000 }]);
    expect(parsed({})).toEqual({ plan: null, windows: [], credits: null, limitReachedUntil: null });
  });

  it('reads a string balance as a number, and drops one that is not a whole number literal or is negative', () => {
    expect(parsed(usageBody('string-balance', NOW)).credits).toBe(7.25);
    expect(parsed({ credits: { balance: '12abc' } }).credits).toBeNull();
    expect(parsed({ credits: { balance: -3 } }).credits).toBeNull();
  });

  it('says until when a window is exhausted, in the main limit or an additional one', () => {
    expect(parsed(usageBody('exhausted', NOW)).limitReachedUntil).toBe(S + 3 * HOUR + 720_000);
    const extra = parsed(usageBody('additional-exhausted', NOW));
    expect(extra.windows.map((w) => w.usedPercent)).toEqual([12, 20]); // OpenClaw's display ignores additional limits
    expect(extra.limitReachedUntil).toBe(S + 2 * HOUR);
  });

  it('clamps percentages to 0..100 and survives wrong types', () => {
    const usage = parsed({ rate_limit: { primary_window: { used_percent: 140 }, secondary_window: { used_percent: 'lots', reset_at: 'soon' } } });
    expect(usage.windows).toEqual([{ label: '3h', usedPercent: 100, resetsAt: null }, { label: 'Day', usedPercent: 0, resetsAt: null }]);
    expect(parsed({ rate_limit: 'nonsense', plan_type: 42 })).toEqual({ plan: null, windows: [], credits: null, limitReachedUntil: null });
  });

  it('calls anything that is not a JSON object an error', () => {
    for (const body of [null, 'text', 42, usageBody('array', NOW)]) expect(parseUsageResponse(body, NOW).ok).toBe(false);
  });
});

describe('times no Date can hold', () => {
  it('a reset (or an OpenClaw record) past a Date\'s range is unknown, never a crash later in a notice or a verdict', async () => {
    const body = { plan_type: 'plus', rate_limit: { primary_window: { used_percent: 100, reset_at: 1e13, limit_window_seconds: 18_000 }, secondary_window: { used_percent: 10, reset_after_seconds: 1e14, limit_window_seconds: 604_800 } } };
    expect(parsed(body).windows.map((w) => w.resetsAt)).toEqual([null, null]);
    const { recordedFromState } = await import('../../../main/core/usage/openclaw-state.ts');
    const recorded = recordedFromState({ usageStats: { 'openai-codex:default': { disabledUntil: 1e20, disabledReason: 'auth', cooldownUntil: NOW + HOUR } } });
    expect(recorded.get('openai-codex:default')).toMatchObject({ disabledUntil: null, cooldownUntil: NOW + HOUR });
  });
});
