// Usage in words, shared by the CLI's table, `authbar usage` and notifications.
import { formatDuration } from '../format.ts';
import type { Usage, UsageWindow } from './schema.ts';

/** "wk" for OpenClaw's "Week", "day" for "Day"; "5h" stays. */
export const shortLabel = (label: string): string => (label === 'Week' ? 'wk' : label === 'Day' ? 'day' : label);

const percent = (w: UsageWindow): string => `${Math.round(w.usedPercent)}%`;

/** The table cell: "5h 22% · wk 61%", or why it is unknown. */
export function usageCell(usage: Usage | undefined): string {
  if (!usage) return '-';
  if (usage.windows.length > 0) return usage.windows.map((w) => `${shortLabel(w.label)} ${percent(w)}`).join(' · ');
  if (usage.error) return usage.error.kind === 'token-expired' ? 'unknown: token expired' : 'unknown';
  return usage.checkedAt === null ? 'not checked' : '-';
}

/** "resets in 3h 12m" / "reset 5m ago" / "" when the answer gave no reset. */
export function resetPhrase(resetsAt: number | null, now: number): string {
  if (resetsAt === null) return '';
  return resetsAt > now ? `resets in ${formatDuration(resetsAt - now)}` : `reset ${formatDuration(now - resetsAt)} ago`;
}

/** "5h 22% used, resets in 3h 12m · Week 61% used, resets in 4d 2h". */
export function usageLine(usage: Usage, now: number): string {
  return usage.windows.map((w) => [`${w.label} ${percent(w)} used`, resetPhrase(w.resetsAt, now)].filter(Boolean).join(', ')).join(' · ');
}
