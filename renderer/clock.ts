// Time in the panel. Every countdown is reckoned on the main process's clock: PanelState.now
// is when the state was made there, so the offset from this renderer's Date.now() is kept and
// applied on every tick. Pure apart from `Clock`, which only reads Date.now().
import type { AgentReport, AgentStatus, ProfileReport, ProfileStatus } from '../main/core/api.ts';
import { PROFILE_STATUSES } from '../main/core/status-names.ts';
import { expiryStatus } from '../main/core/verdict.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export class Clock {
  private offset = 0;

  /** Anchors to a state's `now` (the main process's clock when it was sent). */
  sync(mainNow: number): void {
    this.offset = mainNow - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }
}

/**
 * A report's verdicts are made when it is read; the controller re-reads only when files
 * change, so a countdown that crosses "expiring" or zero would otherwise keep its old pill.
 * Only those two time-driven steps are re-derived here; every other verdict is the core's.
 */
export function liveProfileStatus(profile: ProfileReport, now: number, warnAfterMs: number): ProfileStatus {
  if ((profile.status !== 'ok' && profile.status !== 'expiring') || profile.expiresAt === null) return profile.status;
  return expiryStatus(profile.expiresAt, now, warnAfterMs);
}

export function liveAgentStatus(agent: AgentReport, now: number, warnAfterMs: number): AgentStatus {
  if (agent.status === 'unreadable' || agent.status === 'no-codex-profile') return agent.status;
  let worst: ProfileStatus = agent.status;
  for (const profile of agent.profiles) {
    const live = liveProfileStatus(profile, now, warnAfterMs);
    if (PROFILE_STATUSES.indexOf(live) > PROFILE_STATUSES.indexOf(worst)) worst = live;
  }
  return worst;
}

/**
 * How long until the next tick: within the hour a countdown shows seconds, so it ticks on the
 * next second boundary of the nearest expiry; otherwise once a minute.
 */
export function nextTickDelay(expiries: readonly number[], now: number): number {
  let nearest: number | null = null;
  for (const at of expiries) {
    const distance = Math.abs(at - now);
    if (distance < HOUR && (nearest === null || distance < Math.abs(nearest - now))) nearest = at;
  }
  if (nearest === null) return MINUTE;
  const phase = (((nearest - now) % SECOND) + SECOND) % SECOND;
  return (phase === 0 ? SECOND : phase) + 5;
}
