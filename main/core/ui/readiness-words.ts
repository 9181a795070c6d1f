// Readiness beyond the token's own status, in a few words for the tray's tooltip and menu rows
// and the panel's first line: a reached plan limit, OpenClaw's cooldowns, a window above the
// warning threshold. The token's own states (expired, needs-login, stranded, expiring) keep
// the words they always had. Pure; the caller says how a time reads ("Tue 15:12", "today 3:12 PM").
import type { AgentReport } from '../api.ts';
import { READINESS_REASONS, type Readiness } from '../usage/schema.ts';

/** The readiness states that the token's status alone does not show. */
export const USAGE_STATES = ['refresh-cooldown', 'plan-limit', 'auth-cooldown', 'usage-high'] as const;
type UsageState = (typeof USAGE_STATES)[number];

export function usageReadiness(agent: AgentReport): (Readiness & { state: UsageState }) | null {
  const r = agent.readiness;
  return r && (USAGE_STATES as readonly string[]).includes(r.state) ? (r as Readiness & { state: UsageState }) : null;
}

/** "plan limit until Tue 15:12", "week window 96% used", "held back by OpenClaw until Tue 13:00". */
export function readinessWords(r: Readiness & { state: UsageState }, time: (at: number) => string): string {
  const until = r.until === null ? '' : ` until ${time(r.until)}`;
  switch (r.state) {
    case 'plan-limit': return `plan limit${until}`;
    case 'refresh-cooldown': return `refreshes paused by OpenClaw${until}`;
    case 'auth-cooldown': return `held back by OpenClaw${until}`;
    case 'usage-high': return r.cause ? r.cause.charAt(0).toLowerCase() + r.cause.slice(1) : 'usage above the warning threshold';
  }
}

/** Lower is worse: the order of reasons. */
export const readinessRank = (r: Readiness | undefined): number => (!r || r.state === 'ready' ? READINESS_REASONS.length : READINESS_REASONS.indexOf(r.state));
