// Human wording shared by the CLI table, the tray menu and the panel.
import prettyMilliseconds from 'pretty-ms';
import type { AgentStatus } from './api.ts';

/** "3h 12m", "2d 4h", "45s": the two largest units, rounded down. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return prettyMilliseconds(Math.max(0, Math.floor(ms / 1000) * 1000), { unitCount: 1, secondsDecimalDigits: 0 });
  return prettyMilliseconds(Math.floor(ms / 60_000) * 60_000, { unitCount: 2 });
}

/** "in 3h 12m" / "2h 5m ago" / "no expiry". */
export function formatRemaining(remainingMs: number | null): string {
  if (remainingMs === null) return 'no expiry';
  return remainingMs >= 0 ? `in ${formatDuration(remainingMs)}` : `${formatDuration(-remainingMs)} ago`;
}

/**
 * The word for each status: the JSON value itself, so the table, the panel, the tray menu, the
 * README and `status --json` all say one thing (the table once printed "no expiry" for
 * `missing`, and the panel "sign in again" for `needs-login`). The EXPIRES column and the fix
 * lines carry the explanation.
 */
export const STATUS_LABELS: Record<AgentStatus, string> = {
  ok: 'ok',
  expiring: 'expiring',
  refreshing: 'refreshing',
  missing: 'missing',
  expired: 'expired',
  'needs-login': 'needs-login',
  unreadable: 'unreadable',
  'no-codex-profile': 'no-codex-profile',
};

/**
 * A stranded copy, said the same way in the table and the tray menu: certain (AuthBar's history
 * saw the token rotated away) or likely (an expired copy beside a live one); null when not.
 */
export function strandedWords(profile: { stranded: 'certain' | 'likely' | null; newerCopyIn: string | null }): string | null {
  if (profile.newerCopyIn === null) return null;
  return `${profile.stranded === 'likely' ? 'probably stranded' : 'stranded'}: newer sign-in in ${profile.newerCopyIn}`;
}
