// The app's usage asks, on a real state dir against the loopback stand-in usage endpoint, with
// an injected clock and injected timers (the test fires the controller's one timer itself):
// on demand (the panel and the tray menu, through the command layer), and in the background
// by the core schedule folded into the controller's one deadline. Requests are counted at the
// stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCommands } from '../../main/core/commands.ts';
import { Controller, type Timers } from '../../main/core/controller.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';
import { startUsageServer, type UsageServer, usageTeam } from '../helpers/usage-server.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const PROFILE = 'openai-codex:default';
const START = Date.UTC(2026, 10, 24, 9, 0); // a Tuesday

let clock = START;
let server: UsageServer;
let controller: Controller | null = null;
let dirs: StateDir[] = [];

beforeAll(async () => {
  server = await startUsageServer({ clock: () => clock });
});
afterAll(() => server.close());
afterEach(async () => {
  await controller?.stop();
  controller = null;
  for (const d of dirs) d.cleanup();
  dirs = [];
  server.requests.length = 0;
  server.answer = 'both';
  clock = START;
});

/** The controller's one timer, held for the test to fire: no real time passes. */
function heldTimers(): Timers & { pending: { callback: () => void; at: number } | null; fire(): void } {
  const timers = {
    pending: null as { callback: () => void; at: number } | null,
    setTimeout(callback: () => void, ms: number) {
      const handle = { callback, at: clock + ms };
      timers.pending = handle;
      return handle;
    },
    clearTimeout(handle: unknown) {
      if (timers.pending === handle) timers.pending = null;
    },
    fire() {
      const due = timers.pending;
      if (!due) throw new Error('no timer is set');
      timers.pending = null;
      due.callback();
    },
  };
  return timers;
}

/** main has its own account; coder and artist share acct-team; image generation rides on Codex. */
function setup(): { d: StateDir; env: Record<string, string>; secrets: string[] } {
  const team = usageTeam(server.url, { teamExpiresInMs: 30 * 24 * HOUR, mainExpiresInMs: 30 * 24 * HOUR, now: START });
  dirs.push(team.d);
  return team;
}

/** Runs the held timer when it is due on the injected clock, and waits for what it started. */
async function runUntil(timers: ReturnType<typeof heldTimers>, end: number): Promise<number> {
  let wakes = 0;
  while (timers.pending && timers.pending.at <= end) {
    clock = Math.max(clock, timers.pending.at);
    timers.fire();
    wakes++;
    await controller!.settled();
  }
  clock = end;
  return wakes;
}

const perAccount = () => {
  const counts: Record<string, number> = {};
  for (const r of server.requests) counts[r.accountId ?? '?'] = (counts[r.accountId ?? '?'] ?? 0) + 1;
  return counts;
};

describe('usage in the app', () => {
  it('asks in the background once an hour while healthy and idle, through the fetch it was given', async () => {
    const { env } = setup();
    const timers = heldTimers();
    let fetched = 0;
    controller = new Controller({
      env,
      now: () => clock,
      timers,
      fetch: (url, init) => {
        fetched++;
        return fetch(url, init);
      },
    });
    await controller.start();
    // Never asked: the one timer is set to ask now, once per account.
    await runUntil(timers, START + 1000);
    expect(perAccount()).toEqual({ 'acct-main': 1, 'acct-team': 1 });
    expect(fetched).toBe(2);
    // A healthy idle hour: nothing until the hourly check, whatever else wakes the app.
    await controller.rescan();
    await runUntil(timers, START + HOUR - MIN);
    expect(server.requests).toHaveLength(2);
    // Three hours: the hourly check, one per account each hour, and no more wakes than that.
    const wakes = await runUntil(timers, START + 3 * HOUR + MIN);
    expect(perAccount()).toEqual({ 'acct-main': 4, 'acct-team': 4 });
    expect(wakes).toBe(3);
    // The usage is on the state the tray and panel are given, and readiness with it.
    const artist = controller.state().report.agents.find((a) => a.id === 'artist')!;
    expect(artist.profiles[0]!.usage).toMatchObject({ plan: 'plus', windows: [{ label: '5h', usedPercent: 22 }, { label: 'Week', usedPercent: 61 }] });
    expect(artist.readiness?.state).toBe('ready');
  }, 60_000);

  it('above the threshold, asks every 5 minutes per account and never more often', async () => {
    const { env } = setup();
    const timers = heldTimers();
    server.answer = 'high';
    controller = new Controller({ env, now: () => clock, timers });
    await controller.start();
    await runUntil(timers, START + 1000);
    expect(perAccount()).toEqual({ 'acct-main': 1, 'acct-team': 1 });
    // Demand in between (the panel opened) does not add to the 5-minute floor.
    clock = START + 2 * MIN;
    await controller.askUsage('demand');
    expect(server.requests).toHaveLength(2);
    await runUntil(timers, START + 30 * MIN + 1000);
    const counts = perAccount();
    expect(counts).toEqual({ 'acct-main': 7, 'acct-team': 7 });
    for (const account of ['acct-main', 'acct-team']) {
      const times = server.requests.filter((r) => r.accountId === account).map((r) => r.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(5 * MIN);
    }
    const artist = controller.state().report.agents.find((a) => a.id === 'artist')!;
    expect(artist.readiness).toMatchObject({ state: 'usage-high', cause: 'Week window 96% used' });
  }, 60_000);

  it('sets no deadline for an account it would not ask (expired access token): an idle app does not spin', async () => {
    const expired = codexCredential({ accountId: 'acct-old', expiresInMs: -HOUR }, START);
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: expired }) }] });
    dirs.push(d);
    const timers = heldTimers();
    controller = new Controller({ env: { ...d.env, AUTHBAR_USAGE_URL: server.url }, now: () => clock, timers });
    await controller.start();
    expect(timers.pending).toBeNull();
    await controller.askUsage('demand');
    expect(server.requests).toHaveLength(0);
    expect(controller.state().report.agents[0]!.profiles[0]!.usage?.error).toMatchObject({ kind: 'token-expired' });
  }, 60_000);

  it('asks on demand when the panel opens and when the tray menu opens, through the command layer', async () => {
    const { env, secrets } = setup();
    const timers = heldTimers();
    controller = new Controller({ env, now: () => clock, timers });
    const opened: unknown[] = [];
    const run = createCommands(controller, { copy() {}, openFolder: async () => {}, openPanel: (ref) => void opened.push(ref ?? null), quit() {} });
    const states: string[] = [];
    controller.on((e) => {
      if (e.type === 'state') states.push(JSON.stringify(e.state));
    });
    await controller.start();
    // Not asked at start (the background timer has not run yet).
    expect(server.requests).toHaveLength(0);
    await run({ kind: 'open-panel' });
    await controller.settled();
    expect(opened).toEqual([null]);
    expect(perAccount()).toEqual({ 'acct-main': 1, 'acct-team': 1 });
    // The menu opens a minute later: within the 5-minute floor, nothing goes out.
    clock += MIN;
    await run({ kind: 'check-usage' });
    await controller.settled();
    expect(server.requests).toHaveLength(2);
    clock += 5 * MIN;
    await run({ kind: 'check-usage' });
    await controller.settled();
    expect(perAccount()).toEqual({ 'acct-main': 2, 'acct-team': 2 });
    // No token, nor part of one, in any state the panel and tray were sent.
    const sent = states.join('\n');
    expect(sent).toContain('"usedPercent":22');
    for (const secret of secrets) for (const part of [secret, secret.slice(0, 16), secret.slice(-16)]) expect(sent).not.toContain(part);
  }, 60_000);
});
