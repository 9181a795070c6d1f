// The panel's words: outcomes, hosts, local times. Pure; the CLI's wording comes from the
// same core format.ts, so "in 9d 23h" and "needs-login" read the same everywhere.
import type { AgentStatus, ProfileOutcome } from '../main/core/api.ts';
import { formatDuration, formatRemaining, STATUS_LABELS } from '../main/core/format.ts';

const HOUR = 3_600_000;

/**
 * formatRemaining with seconds inside the hour ("in 42m 17s"), where the panel ticks every
 * second; the core's wording drops them past the first minute ("in 42m").
 */
export function formatCountdown(remainingMs: number | null): string {
  if (remainingMs === null) return formatRemaining(null);
  const abs = Math.abs(remainingMs);
  if (abs < 60_000 || abs >= HOUR) return formatRemaining(remainingMs);
  const text = `${Math.floor(abs / 60_000)}m ${Math.floor((abs % 60_000) / 1000)}s`;
  return remainingMs >= 0 ? `in ${text}` : `${text} ago`;
}

export function statusLabel(status: AgentStatus): string {
  return STATUS_LABELS[status] ?? status;
}

/** The pill's colour family. */
export function statusTone(status: AgentStatus): 'good' | 'warn' | 'bad' | 'busy' | 'none' {
  switch (status) {
    case 'ok':
      return 'good';
    case 'expiring':
      return 'warn';
    case 'refreshing':
      return 'busy';
    case 'no-codex-profile':
      return 'none';
    default:
      return 'bad';
  }
}

export function hostLabel(host: string): string {
  return host === 'local' ? 'This computer' : host;
}

export function lastSeenText(at: number, now: number): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'last seen just now';
  if (minutes < 60) return `last seen ${minutes} min ago`;
  return `last seen ${formatDuration(now - at)} ago`;
}

/** The part of an outcome's line before its expiry: "Refreshed", "Synced from coder". */
export function outcomeHead(result: ProfileOutcome): string {
  const from = result.source ? ` from ${result.source}` : '';
  switch (result.outcome) {
    case 'refreshed':
      return 'Refreshed';
    case 'adopted':
      return result.source ? `Took the newer sign-in${from}` : 'Already refreshed by another process';
    case 'healed':
      return `Healed${from}`;
    case 'synced':
      return `Synced${from}`;
    case 'recovered':
      return 'Recovered the rotated sign-in AuthBar held';
    case 'would-sync':
      return `Would sync${from}`;
    case 'skipped':
      return `Skipped: ${result.cause ?? 'nothing to do'}`;
    case 'failed':
      return `Failed: ${result.cause ?? result.failureKind ?? 'unknown error'}`;
  }
}

export function outcomeSucceeded(result: ProfileOutcome): boolean {
  return result.outcome !== 'failed' && result.outcome !== 'would-sync';
}

/** The whole line, for the live region: "Refreshed, expires in 9d 23h; also updated coder". */
export function outcomeText(result: ProfileOutcome, now: number): string {
  const parts = [outcomeHead(result)];
  if (result.expiresAt !== null && outcomeSucceeded(result) && result.outcome !== 'skipped') parts.push(`, expires ${formatCountdown(result.expiresAt - now)}`);
  if (result.syncedAgents.length > 0) parts.push(`; also updated ${result.syncedAgents.join(', ')}`);
  return parts.join('');
}

const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const YEAR_FORMAT = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

const startOfDay = (at: number) => {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};

/** "today 2:03 PM", "tomorrow 9:12 AM", "Tue, May 19, 2:03 PM", in the user's own zone. */
export function localTime(at: number, now: number): string {
  const days = Math.round((startOfDay(at) - startOfDay(now)) / 86_400_000);
  const time = TIME_FORMAT.format(at);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `tomorrow ${time}`;
  if (days === -1) return `yesterday ${time}`;
  if (Math.abs(days) > 300) return YEAR_FORMAT.format(at);
  return `${DAY_FORMAT.format(at)}, ${time}`;
}

/** The file name of a path, for "Not in openclaw.json" (the config may be elsewhere). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}
