// One verdict per agent: will its next Codex call (and its image generation, where that rides
// on the token) work, and if not, the first reason why, in this order: needs a sign-in,
// stranded, expired, OpenClaw's refresh cooldown, plan limit reached, auth cooldown, expiring,
// usage above the warning threshold. Pure: reports and `now` in.
import type { AgentReport, ProfileReport } from '../api.ts';
import { formatRemaining } from '../format.ts';
import { DEFAULT_THRESHOLDS } from './schedule.ts';
import { READINESS_REASONS, type Readiness, type Usage } from './schema.ts';

const verdict = (state: Readiness['state'], cause: string | null, fix: string | null = null, until: number | null = null): Readiness => ({ state, until, cause, fix });

const active = (until: number | null | undefined, now: number): until is number => typeof until === 'number' && until > now;

const resets = (at: number, now: number) => `until ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC (${formatRemaining(at - now)})`;

/** When the plan's limit lifts: from the last answer, or from OpenClaw's own `subscription_limit` block. */
export function planLimitUntil(usage: Usage | undefined, now: number): number | null {
  if (!usage) return null;
  const recorded = usage.recorded;
  const blocked = recorded?.blockedReason === 'subscription_limit' && active(recorded.blockedUntil, now) ? recorded.blockedUntil : null;
  const answered = active(usage.limitReachedUntil, now) ? usage.limitReachedUntil : null;
  if (blocked === null) return answered;
  return answered === null ? blocked : Math.max(blocked, answered);
}

/** The verdict for one sign-in as this agent uses it. */
export function profileReadiness(profile: ProfileReport & { usage?: Usage }, now: number, thresholds: readonly number[] = DEFAULT_THRESHOLDS): Readiness {
  const usage = profile.usage;
  const recorded = usage?.recorded;
  if (profile.status === 'needs-login') return verdict('needs-login', profile.cause ?? 'the refresh token was rejected', profile.fix);
  if (profile.stranded !== null) return verdict('stranded', `a newer sign-in of this account is in ${profile.newerCopyIn}`, profile.fix);
  if (profile.status === 'expired') return verdict('expired', 'the access token has expired', profile.fix);
  if (profile.status === 'missing') return verdict('expired', profile.cause ?? 'the store holds no expiry', profile.fix);
  if (active(recorded?.disabledUntil, now)) {
    return verdict('refresh-cooldown', `OpenClaw stopped using this sign-in after failed refreshes, ${resets(recorded.disabledUntil, now)}`, profile.fix, recorded.disabledUntil);
  }
  const limit = planLimitUntil(usage, now);
  if (limit !== null) return verdict('plan-limit', `the plan's usage limit is reached, ${resets(limit, now)}`, null, limit);
  if (active(recorded?.cooldownUntil, now)) {
    const why = recorded.cooldownReason ? ` (${recorded.cooldownReason})` : '';
    return verdict('auth-cooldown', `OpenClaw is holding this sign-in back${why}, ${resets(recorded.cooldownUntil, now)}`, null, recorded.cooldownUntil);
  }
  if (profile.status === 'expiring') return verdict('expiring', `the access token expires ${formatRemaining(profile.remainingMs)}`, profile.fix, profile.expiresAt);
  const lowest = Math.min(...thresholds);
  // A window whose reset has passed says nothing about the next call until it is asked again.
  const high = usage?.windows.filter((w) => w.usedPercent >= lowest && (w.resetsAt === null || w.resetsAt > now)).sort((a, b) => b.usedPercent - a.usedPercent)[0];
  if (high) return verdict('usage-high', `${high.label} window ${Math.round(high.usedPercent)}% used`, null, high.resetsAt);
  return verdict('ready', null);
}

/** Higher is better: the order lists the worst reasons first. */
const rank = (r: Readiness): number => (r.state === 'ready' ? READINESS_REASONS.length : READINESS_REASONS.indexOf(r.state));

/**
 * The agent's verdict: with several Codex sign-ins OpenClaw moves on to a usable one, so the
 * agent is as ready as its best sign-in; with none (or an unreadable store) it needs one.
 */
export function agentReadiness(agent: AgentReport & { profiles: Array<ProfileReport & { usage?: Usage }> }, now: number, thresholds: readonly number[] = DEFAULT_THRESHOLDS): Readiness {
  if (agent.status === 'unreadable') return verdict('needs-login', agent.error ?? 'the store cannot be read', agent.fix);
  if (agent.profiles.length === 0) return verdict('needs-login', 'no Codex sign-in', agent.fix);
  let best: Readiness | null = null;
  for (const profile of agent.profiles) {
    const r = profileReadiness(profile, now, thresholds);
    if (best === null || rank(r) > rank(best)) best = r;
  }
  return best!;
}
