// Usage notifications with explicit times: thresholds once per window per reset, the highest
// level only, agents sharing the account named with image generation first, a reset once.
import { describe, expect, it } from 'vitest';
import { combineUsageNotifications, planUsageNotifications } from '../../../main/core/usage/notify-plan.ts';
import type { AccountUsageReport } from '../../../main/core/usage/schema.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0); // a Tuesday
const TUE_0900_NEXT = Date.UTC(2026, 11, 8, 9, 0, 0);
const HOUR = 3600_000;

const account = (windows: AccountUsageReport['usage']['windows'], over: Partial<AccountUsageReport> = {}): AccountUsageReport => ({
  host: 'local', accountId: 'acct-team', email: null, agents: ['artist', 'coder', 'main'], imageAgents: ['artist', 'coder'],
  usage: { plan: 'plus', windows, credits: null, checkedAt: NOW, limitReachedUntil: null }, ...over,
});

function run(accounts: AccountUsageReport[], sent: Set<string>, now = NOW) {
  const plan = planUsageNotifications({ accounts, now, sent, timeZone: 'UTC' });
  for (const key of plan.markSent) sent.add(key);
  return plan;
}

describe('usage notifications', () => {
  it('says the highest threshold reached once per window per reset, naming image generation first', () => {
    const sent = new Set<string>();
    const week = (used: number) => account([{ label: '5h', usedPercent: 10, resetsAt: NOW + HOUR }, { label: 'Week', usedPercent: used, resetsAt: TUE_0900_NEXT }]);
    expect(run([week(70)], sent).notifications).toEqual([]);
    const first = run([week(96)], sent).notifications;
    expect(first.map((n) => n.body)).toEqual(['Image generation for artist and coder stops at the weekly limit: 96 % used, resets Tue 09:00']);
    expect(first[0]!.agents).toEqual(['artist', 'coder', 'main']);
    expect(run([week(97)], sent).notifications).toEqual([]); // 80 % was passed over, 95 % already said
    const exhausted = run([week(100)], sent);
    expect(exhausted.notifications.map((n) => n.body)).toEqual(['Image generation for artist and coder stopped: the weekly limit is reached until Tue 09:00']);
    expect(exhausted.nextWakeAt).toBe(TUE_0900_NEXT);
    expect(run([week(100)], sent).notifications).toEqual([]);
  });

  it('names a host\'s agents with the host, and keeps its windows apart from this machine\'s same account', () => {
    const sent = new Set<string>();
    const week = [{ label: 'Week', usedPercent: 100, resetsAt: TUE_0900_NEXT }];
    const here = account(week);
    const there = account(week, { host: 'vps', agents: ['main'], imageAgents: ['main'] });
    expect(run([here, there], sent).notifications.map((n) => [n.host, n.body])).toEqual([
      ['local', 'Image generation for artist and coder stopped: the weekly limit is reached until Tue 09:00'],
      ['vps', 'Image generation for main on vps stopped: the weekly limit is reached until Tue 09:00'],
    ]);
    const reset = run([account([]), account([], { host: 'vps', agents: ['main'], imageAgents: ['main'] })], sent, TUE_0900_NEXT + HOUR);
    expect(reset.notifications.map((n) => n.body)).toEqual(['artist and coder can generate images again', 'main on vps can generate images again']);
  });

  it('never throws on a time no Date can hold: the window is said without its reset time', () => {
    const plan = run([account([{ label: 'Week', usedPercent: 100, resetsAt: 1e20 }])], new Set());
    expect(plan.notifications.map((n) => n.body)).toEqual(['Image generation for artist and coder stopped: the weekly limit is reached']);
  });

  it('takes a window whose reset time drifts between answers (reset_after_seconds, a moving reset_at) for the same window', () => {
    const sent = new Set<string>();
    const week = (used: number, drift: number) => account([{ label: 'Week', usedPercent: used, resetsAt: TUE_0900_NEXT + drift }]);
    expect(run([week(96, 0)], sent).notifications).toHaveLength(1);
    expect(run([week(96, 6 * 60_000)], sent, NOW + 6 * 60_000).notifications).toEqual([]);
    expect(run([week(97, -3_000)], sent, NOW + 12 * 60_000).notifications).toEqual([]);
    // The next week's window is another window.
    expect(run([week(96, 7 * 24 * HOUR)], sent, TUE_0900_NEXT + 60_000).notifications).toHaveLength(1);
  });

  it('announces the reset of an exhausted window once, and re-arms the thresholds for the new window', () => {
    const sent = new Set<string>();
    run([account([{ label: 'Week', usedPercent: 100, resetsAt: TUE_0900_NEXT }])], sent);
    const after = TUE_0900_NEXT + 60_000;
    const fresh = account([{ label: 'Week', usedPercent: 2, resetsAt: TUE_0900_NEXT + 7 * 24 * HOUR }]);
    expect(run([fresh], sent, after).notifications.map((n) => n.body)).toEqual(['artist and coder can generate images again']);
    expect(run([fresh], sent, after).notifications).toEqual([]);
    const again = account([{ label: 'Week', usedPercent: 81, resetsAt: TUE_0900_NEXT + 7 * 24 * HOUR }]);
    expect(run([again], sent, after).notifications.map((n) => n.title)).toEqual(['Plan usage is high']);
  });

  it('speaks of Codex when no agent\'s image generation rides on the account, and puts image generation first', () => {
    const plain = account([{ label: '5h', usedPercent: 85, resetsAt: NOW + 2 * HOUR }], { accountId: 'acct-main', agents: ['main'], imageAgents: [] });
    const image = account([{ label: '5h', usedPercent: 90, resetsAt: NOW + 2 * HOUR }]);
    const bodies = run([plain, image], new Set()).notifications.map((n) => n.body);
    expect(bodies).toEqual([
      'Image generation for artist and coder stops at the 5-hour limit: 90 % used, resets Tue 14:00',
      'Codex for main stops at the 5-hour limit: 85 % used, resets Tue 14:00',
    ]);
  });

  it('makes several due at once into one, image generation first', () => {
    const plain = account([{ label: '5h', usedPercent: 85, resetsAt: NOW + 2 * HOUR }], { accountId: 'acct-main', agents: ['main'], imageAgents: [] });
    const image = account([{ label: 'Week', usedPercent: 100, resetsAt: TUE_0900_NEXT }]);
    const one = combineUsageNotifications(run([plain, image], new Set()).notifications)!;
    expect(one.title).toBe('2 plan usage notices');
    expect(one.body.split('\n')).toEqual([
      'Image generation for artist and coder stopped: the weekly limit is reached until Tue 09:00',
      'Codex for main stops at the 5-hour limit: 85 % used, resets Tue 14:00',
    ]);
    expect(one.agents).toEqual(['artist', 'coder', 'main']);
    expect(combineUsageNotifications([])).toBeNull();
  });
});
