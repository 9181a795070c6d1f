// The time-driven part of a verdict, with no imports, so the panel can move a pill across
// "expiring" and "expired" between two reads without a second copy of the thresholds.

/** OpenClaw refreshes by itself inside the last 5 minutes, so it never calls less than that "ok". */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export type ExpiryStatus = 'ok' | 'expiring' | 'expired' | 'missing';

export function expiryStatus(expires: number | null, now: number, warnAfterMs: number): ExpiryStatus {
  if (expires === null) return 'missing';
  const remaining = expires - now;
  if (remaining <= 0) return 'expired';
  return remaining <= Math.max(warnAfterMs, REFRESH_MARGIN_MS) ? 'expiring' : 'ok';
}

/** When `expiryStatus` next changes for this expiry, or null if it never will again. */
export function nextExpiryChange(expires: number | null, now: number, warnAfterMs: number): number | null {
  if (expires === null) return null;
  const boundaries = [expires - Math.max(warnAfterMs, REFRESH_MARGIN_MS), expires];
  return boundaries.find((at) => at > now) ?? null;
}
