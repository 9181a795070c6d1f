// "Keep tokens fresh": (statuses, settings, now, the refreshes it asked for) → the agents to
// refresh now and when to look again. Pure and clock-free; the scheduler that carries it out
// is main/core/keep-fresh.ts. Only this machine's agents: a remote host refreshes its own.
import type { StatusReport } from '../api.ts';
import type { AgentRef } from '../panel-api.ts';
import type { Settings } from '../settings.ts';
import { watchedAgents } from './tray-state.ts';

/** The last refresh asked for one profile: when, of which credential (its expiry), how many times in a row. */
export interface KeepFreshAttempt {
  at: number;
  expiresAt: number;
  tries: number;
}

export interface KeepFreshPlan {
  due: AgentRef[];
  /** Profile key (`agent/profile`) → the refresh asked for now, to remember. */
  asked: Map<string, KeepFreshAttempt>;
  /** Every profile key looked at: the scheduler forgets the others. */
  seen: Set<string>;
  nextWakeAt: number | null;
}

const MINUTE = 60_000;
/** The least time between two refreshes of one profile, and the first wait after one that failed. */
export const KEEP_FRESH_RETRY_MS = 5 * MINUTE;
const MAX_RETRY_MS = 60 * MINUTE;

/**
 * When a profile's next refresh is due. Once inside the lead, one refresh is asked for. If its
 * credential is still the same afterwards, the refresh failed (the network not up after a wake):
 * it is tried again after 5 minutes, then 10, 20, up to an hour. A new credential that is still
 * inside the lead (a token that lives less than the lead) waits 5 minutes too: never a loop.
 */
function dueAt(expiresAt: number, leadMs: number, last: KeepFreshAttempt | undefined): number {
  const lead = expiresAt - leadMs;
  if (last === undefined) return lead;
  const wait = last.expiresAt === expiresAt ? Math.min(KEEP_FRESH_RETRY_MS * 2 ** (last.tries - 1), MAX_RETRY_MS) : KEEP_FRESH_RETRY_MS;
  return Math.max(lead, last.at + wait);
}

export function planKeepFresh(report: StatusReport, settings: Settings, now: number, attempts: ReadonlyMap<string, KeepFreshAttempt>): KeepFreshPlan {
  const due = new Map<string, AgentRef>();
  const asked = new Map<string, KeepFreshAttempt>();
  const seen = new Set<string>();
  let nextWakeAt: number | null = null;
  if (!settings.keepFresh.enabled) return { due: [], asked, seen, nextWakeAt };
  for (const agent of watchedAgents(report)) {
    if (agent.host !== 'local') continue;
    for (const profile of agent.profiles) {
      if (profile.expiresAt === null || profile.status === 'refreshing' || profile.status === 'needs-login') continue;
      const key = `${agent.id}/${profile.profileId}`;
      seen.add(key);
      const last = attempts.get(key);
      const at = dueAt(profile.expiresAt, settings.keepFresh.minutesBefore * MINUTE, last);
      if (now >= at) {
        due.set(agent.id, { host: 'local', agentId: agent.id });
        asked.set(key, { at: now, expiresAt: profile.expiresAt, tries: last && last.expiresAt === profile.expiresAt ? last.tries + 1 : 1 });
      } else if (nextWakeAt === null || at < nextWakeAt) nextWakeAt = at;
    }
  }
  return { due: [...due.values()], asked, seen, nextWakeAt };
}
