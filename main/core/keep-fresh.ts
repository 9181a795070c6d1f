// The scheduler behind "keep tokens fresh": one timer, set to the next refresh the plan
// (main/core/ui/keep-fresh-plan.ts) asks for, re-planned on every new state. The timer is
// capped so that a wall-clock change or a sleep (which monotonic timers do not see) is caught
// within ten minutes; resume from sleep also re-plans at once (the app calls replan()).
import type { Controller, Timers } from './controller.ts';
import { planKeepFresh } from './ui/keep-fresh-plan.ts';

// Long enough to cost ~2 wake-ups an idle hour; resume from sleep re-plans at once anyway.
const MAX_SLEEP_MS = 30 * 60_000;

export interface KeepFreshOptions {
  controller: Pick<Controller, 'on' | 'state' | 'refresh'>;
  now?: () => number;
  timers?: Timers;
}

export function keepTokensFresh({ controller, now = Date.now, timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) } }: KeepFreshOptions): { replan(): void; stop(): void } {
  const started = new Set<string>();
  let timer: unknown;
  const replan = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const state = controller.state();
    const plan = planKeepFresh(state.report, state.settings, now(), started);
    for (const key of plan.markStarted) started.add(key);
    for (const ref of plan.due) void controller.refresh(ref);
    if (plan.nextWakeAt !== null) timer = timers.setTimeout(replan, Math.min(Math.max(plan.nextWakeAt - now(), 1000), MAX_SLEEP_MS));
  };
  const unsubscribe = controller.on((event) => {
    if (event.type === 'state') replan();
  });
  replan();
  return {
    replan,
    stop() {
      unsubscribe();
      if (timer !== undefined) timers.clearTimeout(timer);
    },
  };
}
