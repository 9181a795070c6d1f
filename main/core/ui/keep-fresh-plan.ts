// "Keep tokens fresh": (statuses, settings, now, refreshes already started) → the agents to
// refresh now and when to look again. Pure and clock-free; the scheduler that carries it out
// is main/core/keep-fresh.ts. Only this machine's agents: a remote host refreshes its own.
import type { StatusReport } from '../api.ts';
import type { AgentRef } from '../panel-api.ts';
import type { Settings } from '../settings.ts';
import { watchedAgents } from './tray-state.ts';

export interface KeepFreshPlan {
  due: AgentRef[];
  /** Keys to remember once the refreshes started: one refresh per credential. */
  markStarted: string[];
  nextWakeAt: number | null;
}

const MINUTE = 60_000;

export function planKeepFresh(report: StatusReport, settings: Settings, now: number, started: ReadonlySet<string>): KeepFreshPlan {
  const due = new Map<string, AgentRef>();
  const markStarted: string[] = [];
  let nextWakeAt: number | null = null;
  if (!settings.keepFresh.enabled) return { due: [], markStarted, nextWakeAt };
  for (const agent of watchedAgents(report)) {
    if (agent.host !== 'local') continue;
    for (const profile of agent.profiles) {
      if (profile.expiresAt === null || profile.status === 'refreshing' || profile.status === 'needs-login') continue;
      // Keyed by the credential's expiry: a refresh changes it and so re-arms the next one.
      const key = `${agent.id}/${profile.profileId}/${profile.expiresAt}`;
      const at = profile.expiresAt - settings.keepFresh.minutesBefore * MINUTE;
      if (now >= at) {
        if (!started.has(key)) {
          due.set(agent.id, { host: 'local', agentId: agent.id });
          markStarted.push(key);
        }
      } else if (nextWakeAt === null || at < nextWakeAt) nextWakeAt = at;
    }
  }
  return { due: [...due.values()], markStarted, nextWakeAt };
}
