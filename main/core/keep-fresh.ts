// The scheduler behind "keep tokens fresh": one timer, set to the next refresh the plan
// (main/core/ui/keep-fresh-plan.ts) asks for, re-planned on every new state and when the app
// wakes from sleep or unlock (main/app/main.ts calls replan()), which timers do not see.
import { type Controller, MAX_TIMER_MS, type Timers } from './controller.ts';
import { type KeepFreshAttempt, planKeepFresh } from './ui/keep-fresh-plan.ts';


export interface KeepFreshOptions {
  controller: Pick<Controller, 'on' | 'state' | 'refresh'>;
  now?: () => number;
  timers?: Timers;
}

export function keepTokensFresh({ controller, now = Date.now, timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) } }: KeepFreshOptions): { replan(): void; stop(): void } {
  const attempts = new Map<string, KeepFreshAttempt>();
  let timer: unknown;
  const replan = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    const state = controller.state();
    const plan = planKeepFresh(state.report, state.settings, now(), attempts);
    // Only profiles that still exist are remembered: the map never outgrows the report.
    for (const key of attempts.keys()) if (!plan.seen.has(key)) attempts.delete(key);
    for (const [key, attempt] of plan.asked) attempts.set(key, attempt);
    for (const ref of plan.due) void controller.refresh(ref);
    if (plan.nextWakeAt !== null) timer = timers.setTimeout(replan, Math.min(Math.max(plan.nextWakeAt - now(), 1000), MAX_TIMER_MS));
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
