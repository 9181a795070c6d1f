// When AuthBar asks an account's usage. Pure: the last answer and `now` in, a time out.
// - On demand (panel open, tray menu open, `authbar usage`): when asked, unless this account was
//   asked less than 5 minutes ago or is backing off (401: 12 h, 403: 24 h, 429/5xx: jittered).
// - In the background: every 5 minutes while a window is at or above the lowest warning
//   threshold or exhausted (an alert or a reset announcement could come due); otherwise once an
//   hour. Never more than once per 5 minutes per account, whatever the reason.
// One entry per account (ChatGPT account id), never per copy: copies share one plan.
import type { UsageError } from './schema.ts';
import type { ParsedUsage } from './wham.ts';

/** AuthBar's floor between two asks of one account, whatever the answer (the rule). */
export const MIN_INTERVAL_MS = 5 * 60_000;
export const IDLE_INTERVAL_MS = 60 * 60_000;
/** The defaults: a warning at 80 % and 95 % of a window, and when it is exhausted. */
export const DEFAULT_THRESHOLDS = [80, 95] as const;

/** What AuthBar knows of one account's usage (cached in AuthBar's home; no token in it). */
export interface AccountUsage {
  /** Epoch ms of the last request (answered or not). */
  askedAt: number;
  /** Epoch ms of the last good answer, and that answer. */
  checkedAt: number | null;
  usage: ParsedUsage | null;
  /** The last request's failure, when it failed. */
  error: UsageError | null;
  /** Transient failures in a row (the back-off doubles with each). */
  failures: number;
}

/** The earliest a request may go out for this account, whatever asks. */
export function earliestAsk(entry: AccountUsage | undefined): number {
  if (!entry) return 0;
  return Math.max(entry.askedAt + MIN_INTERVAL_MS, entry.error?.retryAfter ?? 0);
}

/** Whether the last answer puts the account in the watched band (an alert could come due). */
export function isHot(usage: ParsedUsage | null, thresholds: readonly number[], now: number): boolean {
  if (!usage) return false;
  const lowest = Math.min(...thresholds, 100);
  if (usage.limitReachedUntil !== null && usage.limitReachedUntil > now - MIN_INTERVAL_MS) return true;
  return usage.windows.some((w) => w.usedPercent >= lowest);
}

/** When the background should next ask this account; never earlier than `earliestAsk`. */
export function nextBackgroundAsk(entry: AccountUsage | undefined, thresholds: readonly number[], now: number): number {
  if (!entry) return now;
  const floor = earliestAsk(entry);
  // After a failure the back-off decides (12 h / 24 h for 401 / 403, jittered minutes otherwise).
  if (entry.error) return floor;
  return isHot(entry.usage, thresholds, now) ? floor : Math.max(floor, entry.askedAt + IDLE_INTERVAL_MS);
}

export type AskReason = 'demand' | 'background';

export function shouldAsk(entry: AccountUsage | undefined, reason: AskReason, thresholds: readonly number[], now: number): boolean {
  return now >= (reason === 'demand' ? earliestAsk(entry) : nextBackgroundAsk(entry, thresholds, now));
}

/** The app's one timer: the soonest background ask over all accounts (null: none known). */
export function nextUsageWake(entries: Iterable<AccountUsage | undefined>, thresholds: readonly number[], now: number): number | null {
  let next: number | null = null;
  for (const entry of entries) {
    const at = nextBackgroundAsk(entry, thresholds, now);
    next = next === null ? at : Math.min(next, at);
  }
  return next;
}

/** The entry after a request: the answer, or the failure with its back-off. */
export function recordAnswer(previous: AccountUsage | undefined, result: { ok: true; usage: ParsedUsage } | { ok: false; error: UsageError }, now: number): AccountUsage {
  if (result.ok) return { askedAt: now, checkedAt: now, usage: result.usage, error: null, failures: 0 };
  const transient = result.error.kind === 'transient' || result.error.kind === 'rate-limited';
  return {
    askedAt: now,
    checkedAt: previous?.checkedAt ?? null,
    usage: previous?.usage ?? null,
    error: result.error,
    failures: transient ? (previous?.failures ?? 0) + 1 : 0,
  };
}
