// The tray app's own costs, measured in Node on the Controller (Electron cannot run here):
// - how long a rewritten store takes to reach the panel as a state event (the file watcher's
//   debounce included), median of 20 at 100 agents; goal < 250 ms;
// - how often an idle app wakes in an hour, on virtual timers: the Controller's deadline
//   rescan, keep-fresh, and the notification schedule as main/app/notifications.ts runs it.
//   The menu shows clock times, not countdowns, so the tray adds none. Goal: 0 besides the
//   next deadline.
//
//   node --experimental-strip-types test/bench/app.ts [--quick]   (or through npm run bench)
import { Controller, MAX_TIMER_MS, type Timers } from '../../main/core/controller.ts';
import { keepTokensFresh } from '../../main/core/keep-fresh.ts';
import { DEFAULT_SETTINGS, saveSettings } from '../../main/core/settings.ts';
import { planNotifications } from '../../main/core/ui/notify-plan.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface AppBenchTools {
  quick: boolean;
  median: (xs: number[]) => number;
  ms: (x: number) => string;
}

function fleetOf(expiresIn: (i: number) => number): StateDir {
  return makeStateDir({
    imageGenerationModel: 'openai/gpt-image-2',
    agents: Array.from({ length: 100 }, (_, i) => ({
      id: i === 0 ? 'main' : `agent-${String(i).padStart(4, '0')}`,
      default: i === 0,
      store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: `acct-${i % 25}`, expiresInMs: expiresIn(i) }) }),
    })),
  });
}

async function storeToState(tools: AppBenchTools): Promise<Array<[string, string]>> {
  const d = fleetOf((i) => (2 + (i % 7)) * DAY);
  const controller = new Controller({ env: d.env });
  try {
    await controller.start();
    const runs = tools.quick ? 5 : 20;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const id = `agent-${String(1 + i).padStart(4, '0')}`;
      const expiresAt = Date.now() + (3 * DAY + i * MINUTE);
      const seen = new Promise<number>((resolve) => {
        const off = controller.on((event) => {
          if (event.type !== 'state') return;
          const agent = event.state.report.agents.find((a) => a.id === id);
          if (agent?.profiles[0]?.expiresAt === expiresAt) {
            off();
            resolve(performance.now());
          }
        });
      });
      const credential = codexCredential({ accountId: `acct-${i}`, expiresInMs: 3 * DAY });
      const started = performance.now();
      d.writeStore(id, storeDocument({ 'openai-codex:default': { ...credential, expires: expiresAt } }));
      times.push((await seen) - started);
    }
    const median = tools.median(times);
    return [[`store rewritten → state event, 100 agents (median of ${runs}, 200 ms debounce included)`, `${tools.ms(median)}  (goal < 250 ms: ${median < 250 ? 'met' : 'MISSED'})`]];
  } finally {
    await controller.stop();
    d.cleanup();
  }
}

/** Timers on a virtual clock: nothing fires until advanced, and every firing is counted. */
function virtualClock(start: number) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; callback: () => void; label: string }>();
  const fired: string[] = [];
  const timersFor = (label: string): Timers => ({
    setTimeout: (callback, ms) => {
      const id = nextId++;
      pending.set(id, { at: now + Math.min(Math.max(ms, 0), MAX_TIMER_MS), callback, label });
      return id;
    },
    clearTimeout: (id) => void pending.delete(id as number),
  });
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    now: () => now,
    timersFor,
    fired,
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        pending.delete(next[0]);
        now = next[1].at;
        fired.push(next[1].label);
        next[1].callback();
        await settle();
      }
      now = end;
    },
    settle,
  };
}

/** The notifier's schedule (main/app/notifications.ts) without Electron: one timer to the next lead time. */
function notificationSchedule(controller: Controller, now: () => number, timers: Timers): () => void {
  const sent = new Set<string>();
  let timer: unknown;
  const replan = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const state = controller.state();
    const plan = planNotifications({ report: state.report, settings: state.settings, now: now(), sent, lastSeen: state.lastSeen, refreshButton: true });
    for (const key of plan.markSent) sent.add(key);
    if (plan.nextWakeAt !== null) timer = timers.setTimeout(replan, Math.min(Math.max(plan.nextWakeAt - now(), 1000), MAX_TIMER_MS));
  };
  const off = controller.on((event) => {
    if (event.type === 'state') replan();
  });
  replan();
  return off;
}

async function idleHour(label: string, expiresIn: (i: number) => number): Promise<[string, string]> {
  const d = fleetOf(expiresIn);
  await saveSettings(d.authbarHome, { ...DEFAULT_SETTINGS, keepFresh: { enabled: true, minutesBefore: 30 } });
  const clock = virtualClock(Date.now());
  const controller = new Controller({ env: d.env, now: clock.now, timers: clock.timersFor('deadline rescan') });
  let states = 0;
  controller.on((event) => {
    if (event.type === 'state') states++;
  });
  try {
    await controller.start();
    const stopNotify = notificationSchedule(controller, clock.now, clock.timersFor('notification'));
    const fresh = keepTokensFresh({ controller: { on: controller.on.bind(controller), state: () => controller.state(), refresh: async () => {} }, now: clock.now, timers: clock.timersFor('keep-fresh') });
    await clock.settle();
    const before = states;
    await clock.advance(HOUR);
    stopNotify();
    fresh.stop();
    const byTimer = new Map<string, number>();
    for (const name of clock.fired) byTimer.set(name, (byTimer.get(name) ?? 0) + 1);
    const counts = [...byTimer].map(([name, n]) => `${n} ${name}`);
    return [label, `${clock.fired.length} wake-ups${counts.length ? ` (${counts.join(', ')})` : ''}, ${states - before} tray/panel redraws`];
  } finally {
    await controller.stop();
    d.cleanup();
  }
}

export async function appBenchmarks(tools: AppBenchTools): Promise<Array<[string, string]>> {
  return [
    ...(await storeToState(tools)),
    await idleHour('idle hour, 100 agents, every deadline > 1 h away (goal 0)', (i) => (2 + (i % 7)) * DAY + i * MINUTE),
    await idleHour('idle hour, 100 agents, one reaches its 1 h notice and keep-fresh', (i) => (i === 7 ? 90 * MINUTE : (2 + (i % 7)) * DAY + i * MINUTE)),
  ];
}

if (import.meta.main) {
  const quick = process.argv.includes('--quick');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [label, value] of await appBenchmarks({ quick, median, ms: (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms` })) process.stdout.write(`${label.padEnd(62)} ${value}\n`);
}
