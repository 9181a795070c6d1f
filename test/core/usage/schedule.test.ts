// The background schedule, counted: requests reach the loopback stand-in while an injected
// clock walks minute by minute. Under a threshold an account is asked at most once per 5
// minutes; healthy and idle, once an hour; one request per account, never per copy.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../../main/core/read-status.ts';
import { checkUsage } from '../../../main/core/usage/check.ts';
import { nextBackgroundAsk, nextUsageWake, recordAnswer, shouldAsk } from '../../../main/core/usage/schedule.ts';
import { makeStateDir, type StateDir, storeDocument } from '../../helpers/state-dir.ts';
import { codexCredential } from '../../helpers/tokens.ts';
import { startUsageServer, type UsageServer } from '../../helpers/usage-server.ts';

const MINUTE = 60_000;
const T0 = Date.now();
let clock = T0;
let server: UsageServer;
let d: StateDir | undefined;

beforeAll(async () => {
  server = await startUsageServer({ clock: () => clock });
});
afterAll(() => server.close());
afterEach(() => {
  d?.cleanup();
  d = undefined;
  server.requests.length = 0;
});

/** main signs in with acct-main; coder and artist share one copied sign-in of acct-team. */
function stateDir(): StateDir {
  const week = 7 * 24 * 60 * MINUTE;
  const team = codexCredential({ accountId: 'acct-team', expiresInMs: week }, T0);
  return makeStateDir({
    agents: [
      { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-main', expiresInMs: week }, T0) }) },
      { id: 'coder', store: storeDocument({ 'openai-codex:default': team }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': { ...team } }) },
    ],
  });
}

/** Walks the clock from T0 for `minutes`, running the background check each minute. */
async function walk(dir: StateDir, minutes: number, reason: 'background' | 'demand' = 'background'): Promise<void> {
  const snapshot = await readStatus({ env: dir.env, now: T0 });
  const recorded = new Map();
  for (let m = 0; m < minutes; m++) {
    clock = T0 + m * MINUTE;
    await checkUsage({ inventory: snapshot.inventory, lineages: snapshot.lineages, recorded, env: { ...dir.env, AUTHBAR_USAGE_URL: server.url }, home: dir.env.AUTHBAR_HOME!, now: clock, reason });
  }
}

const byAccount = (id: string) => server.requests.filter((r) => r.accountId === id).map((r) => (r.at - T0) / MINUTE);

describe('the usage schedule', () => {
  it('asks an account above the warning threshold every 5 minutes, never more often, once per account', async () => {
    d = stateDir();
    server.answer = 'high'; // Week 96 %
    await walk(d, 60);
    for (const account of ['acct-main', 'acct-team']) expect(byAccount(account)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    expect(server.requests).toHaveLength(24); // two accounts, not three copies
  });

  it('asks a healthy, idle account once in an hour, and again only when the hour is up', async () => {
    d = stateDir();
    server.answer = 'both'; // 22 % and 61 %
    await walk(d, 90);
    expect(byAccount('acct-main')).toEqual([0, 60]);
    expect(byAccount('acct-team')).toEqual([0, 60]);
  });

  it('keeps the 5-minute floor on demand too, and a 403\'s day-long back-off', async () => {
    d = stateDir();
    server.answer = 'both';
    await walk(d, 30, 'demand');
    expect(byAccount('acct-main')).toEqual([0, 5, 10, 15, 20, 25]);
    server.requests.length = 0;
    const e = stateDir();
    try {
      server.answer = '403';
      await walk(e, 120, 'demand');
      expect(byAccount('acct-main')).toEqual([0]);
    } finally {
      e.cleanup();
    }
  });
});

describe('schedule decisions', () => {
  const usage = (used: number) => ({ plan: 'plus', windows: [{ label: '5h', usedPercent: used, resetsAt: T0 + 60 * MINUTE }], credits: null, limitReachedUntil: null });
  it('wakes at the soonest background ask over all accounts', () => {
    const hot = recordAnswer(undefined, { ok: true, usage: usage(85) }, T0);
    const idle = recordAnswer(undefined, { ok: true, usage: usage(10) }, T0);
    expect(nextBackgroundAsk(hot, [80, 95], T0)).toBe(T0 + 5 * MINUTE);
    expect(nextBackgroundAsk(idle, [80, 95], T0)).toBe(T0 + 60 * MINUTE);
    expect(nextUsageWake([idle, hot], [80, 95], T0)).toBe(T0 + 5 * MINUTE);
    expect(nextUsageWake([], [80, 95], T0)).toBeNull();
    expect(shouldAsk(undefined, 'background', [80, 95], T0)).toBe(true);
  });

  it('doubles a transient back-off with each failure in a row and forgets it after an answer', () => {
    const failed = recordAnswer(undefined, { ok: false, error: { kind: 'transient', cause: 'x', fix: null, retryAfter: T0 + 6 * MINUTE } }, T0);
    const again = recordAnswer(failed, { ok: false, error: { kind: 'rate-limited', cause: 'x', fix: null, retryAfter: T0 + 12 * MINUTE } }, T0 + 6 * MINUTE);
    expect(again.failures).toBe(2);
    expect(nextBackgroundAsk(again, [80], T0)).toBe(T0 + 12 * MINUTE);
    expect(recordAnswer(again, { ok: true, usage: usage(1) }, T0 + 20 * MINUTE).failures).toBe(0);
  });
});
