// "Keep tokens fresh" as its own scheduler, on a real Controller over a real temp state dir and
// a loopback token endpoint: a sign-in inside the lead is refreshed once, off means off, and
// the scheduler sleeps until the next one is due.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Controller, type Timers } from '../../main/core/controller.ts';
import { keepTokensFresh } from '../../main/core/keep-fresh.ts';
import { DEFAULT_SETTINGS, saveSettings } from '../../main/core/settings.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const MINUTE = 60_000;
let server: TokenServer;
let dirs: StateDir[] = [];
let stops: Array<() => unknown> = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
  await server.close();
  for (const d of dirs) d.cleanup();
  dirs = [];
});

/** Records what the scheduler asks for instead of running it: its sleeps are read, not waited. */
function recordingTimers(): Timers & { waits: number[] } {
  const waits: number[] = [];
  return { waits, setTimeout: (_f, ms) => (waits.push(ms), waits.length), clearTimeout: () => {} };
}

async function setUp(expiresInMs: number[], keepFresh: boolean) {
  const agents = expiresInMs.map((ms, i) => {
    const issued = server.issue(`acct-${i}`);
    return { id: i === 0 ? 'main' : `agent-${i}`, store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: `acct-${i}`, access: issued.access, refresh: issued.refresh, expiresInMs: ms }) }) };
  });
  const d = makeStateDir({ agents });
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
  dirs.push(d);
  await saveSettings(d.authbarHome, { ...DEFAULT_SETTINGS, keepFresh: { enabled: keepFresh, minutesBefore: 30 } });
  const controller = new Controller({ env: d.env, debounceMs: 50 });
  await controller.rescan();
  stops.push(() => controller.stop());
  return controller;
}

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** The real controller, with the refreshes it is asked for counted as they are asked. */
function counting(controller: Controller) {
  const asked: string[] = [];
  const counted = { on: controller.on.bind(controller), state: () => controller.state(), refresh: (ref: { host: string; agentId: string }) => (asked.push(ref.agentId), controller.refresh(ref)) };
  return { asked, counted };
}

/** keepTokensFresh over the real controller, its refreshes counted and its sleeps recorded, stopped after the test. */
function keptFresh(controller: Controller, now: () => number) {
  const { asked, counted } = counting(controller);
  const timers = recordingTimers();
  const fresh = keepTokensFresh({ controller: counted, timers, now });
  stops.push(() => fresh.stop());
  return { asked, timers, fresh };
}

describe('keepTokensFresh', () => {
  it('refreshes a sign-in inside its lead once, and sleeps until the next one is due', async () => {
    const controller = await setUp([20 * MINUTE, 3 * 60 * MINUTE], true);
    // The scheduler's clock stands still from here: however slow the refresh, the sleep it plans is exact.
    const clock = Date.now();
    const { asked, timers, fresh } = keptFresh(controller, () => clock);
    await until(() => server.requests.length === 1);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    // The other sign-in is due 2 h 30 min from now: one sleep of about that long, no ticker.
    const longest = Math.max(...timers.waits);
    expect(longest).toBeGreaterThan(149 * MINUTE);
    expect(longest).toBeLessThanOrEqual(150 * MINUTE);
    // New states (the refresh's own) re-plan without asking again for the same credential.
    await controller.rescan();
    fresh.replan();
    expect(asked).toEqual(['main']);
    expect(server.requests).toHaveLength(1);
  });

  it('off means off: no refresh and no timer', async () => {
    const controller = await setUp([20 * MINUTE], false);
    const timers = recordingTimers();
    const asked: string[] = [];
    const fresh = keepTokensFresh({ controller: { on: controller.on.bind(controller), state: () => controller.state(), refresh: async (ref) => void asked.push(ref.agentId) }, timers });
    stops.push(() => fresh.stop());
    await controller.rescan();
    fresh.replan();
    expect(asked).toEqual([]);
    expect(server.requests).toHaveLength(0);
    expect(timers.waits).toEqual([]);
  });

  // Found by an attack review: keyed by the credential's expiry, a refresh that came back still
  // inside the lead (a token that lives less than the lead, or one stored expired for want of an
  // access token) re-armed at once: 37 token requests in 3 s.
  it('refreshes a credential that comes back still inside the lead at most once per 5 minutes', async () => {
    server.expiresInSeconds = 60;
    const controller = await setUp([20 * MINUTE], true);
    let clock = Date.now();
    const { asked, timers, fresh } = keptFresh(controller, () => clock);
    await until(() => server.requests.length === 1 && !controller.busy());
    await controller.settled();
    await controller.rescan();
    fresh.replan();
    expect(asked).toEqual(['main']);
    expect(server.requests).toHaveLength(1);
    // It waits 5 minutes, then refreshes once more.
    expect(Math.min(...timers.waits)).toBeGreaterThanOrEqual(4 * MINUTE);
    clock += 5 * MINUTE + 1;
    fresh.replan();
    expect(asked).toEqual(['main', 'main']);
    await until(() => server.requests.length === 2 && !controller.busy());
  });

  // Found by an attack review: after a failed refresh (the network not up yet after a wake) the
  // same credential was never tried again, and expired.
  it('tries a refresh that failed again, later each time, until it goes through', async () => {
    const controller = await setUp([20 * MINUTE], true);
    server.queue('503', '503', '503');
    let clock = Date.now();
    const { asked, timers, fresh } = keptFresh(controller, () => clock);
    await until(() => server.requests.length === 3 && !controller.busy());
    await controller.settled();
    fresh.replan();
    expect(asked).toEqual(['main']);
    // A wake is set for the retry.
    expect(timers.waits.some((ms) => ms >= 4 * MINUTE && ms <= 5 * MINUTE + 1000)).toBe(true);
    clock += 5 * MINUTE + 1;
    fresh.replan();
    await until(() => server.requests.length === 4 && !controller.busy());
    expect(server.requests.map((r) => r.outcome)).toEqual(['503', '503', '503', 'rotated']);
    expect(asked).toEqual(['main', 'main']);
  });
});
