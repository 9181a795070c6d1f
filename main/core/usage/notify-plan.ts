// Usage notifications, planned: (each account's usage, thresholds, now, what was already sent)
// → the notifications due now, the keys to remember, and when to plan again. Pure and
// clock-free. Wiring into the app (showing them, persisting `sent`) belongs to the app's glue.
// - A window crossing a threshold (default 80 % and 95 %) or exhausted: once per window per reset,
//   only the highest level reached (a jump from 70 % to 97 % says 95 % once, not 80 % too).
// - Naming the agents that share the account, image generation first (and a remote host's name).
// - A reset of an exhausted window: announced once ("artist can generate images again").
import { inDateRange } from '../date-range.ts';
import { DEFAULT_THRESHOLDS } from './schedule.ts';
import type { AccountUsageReport, UsageWindow } from './schema.ts';

export interface UsageNotification {
  key: string;
  title: string;
  body: string;
  /** The account's agents, image-generation agents first: the panel opens at the first. */
  agents: string[];
  host: string;
}

export interface UsagePlanInput {
  accounts: AccountUsageReport[];
  now: number;
  sent: ReadonlySet<string>;
  thresholds?: readonly number[];
  /** For the reset times in the text ("Tue 09:00"); the machine's own zone when not given. */
  timeZone?: string;
}

export interface UsagePlan {
  notifications: UsageNotification[];
  /** Keys to remember as sent once the notifications are shown. */
  markSent: string[];
  /** When a reset is due to be announced; null when none is ahead. */
  nextWakeAt: number | null;
}

const EXHAUSTED = 100;

function list(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function limitName(label: string): string {
  if (label === 'Week') return 'weekly limit';
  if (label === 'Day') return 'daily limit';
  return /^\d+h$/.test(label) ? `${label.slice(0, -1)}-hour limit` : `${label} limit`;
}

function when(at: number | null, timeZone: string | undefined): string {
  // Not a time a Date can hold (a host's row is checked for this; a cache could still hold one).
  if (at === null || !inDateRange(at)) return '';
  const parts = new Intl.DateTimeFormat('en-US', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('hour')}:${get('minute')}`;
}

const accountKey = (a: AccountUsageReport) => `${a.host}/${a.accountId ?? a.email ?? a.agents.join('+')}`;
/** One window until its reset: a new reset time re-arms every level. */
const windowKey = (a: AccountUsageReport, w: UsageWindow) => `usage:${accountKey(a)}/${w.label}/${w.resetsAt ?? 'none'}`;

/**
 * Reset times of one window move between answers: derived from `reset_after_seconds`, or a
 * `reset_at` that shifts by seconds. No window is shorter than 5 h, so a reset within the hour
 * of one already said is the same window.
 */
const SAME_WINDOW_MS = 60 * 60_000;

function wasSent(sent: ReadonlySet<string>, a: AccountUsageReport, w: UsageWindow, level: number): boolean {
  if (sent.has(`${windowKey(a, w)}/${level}`)) return true;
  if (w.resetsAt === null) return false;
  const prefix = `usage:${accountKey(a)}/${w.label}/`;
  const suffix = `/${level}`;
  for (const key of sent) {
    if (!key.startsWith(prefix) || !key.endsWith(suffix)) continue;
    const at = Number(key.slice(prefix.length, -suffix.length));
    if (Number.isFinite(at) && Math.abs(at - w.resetsAt) < SAME_WINDOW_MS) return true;
  }
  return false;
}

/** The agents, and the host they run on when it is not this machine. */
function named(a: AccountUsageReport, agents: string[]): string {
  return a.host === 'local' ? list(agents) : `${list(agents)} on ${a.host}`;
}

function subject(a: AccountUsageReport): string {
  return a.imageAgents.length > 0 ? `Image generation for ${named(a, a.imageAgents)}` : `Codex for ${named(a, a.agents)}`;
}

function orderedAgents(a: AccountUsageReport): string[] {
  return [...a.imageAgents, ...a.agents.filter((id) => !a.imageAgents.includes(id))];
}

export function planUsageNotifications(input: UsagePlanInput): UsagePlan {
  const thresholds = [...(input.thresholds ?? DEFAULT_THRESHOLDS)].sort((x, y) => x - y);
  const levels = [...thresholds.filter((t) => t < EXHAUSTED), EXHAUSTED];
  const notifications: UsageNotification[] = [];
  const markSent: string[] = [];
  let nextWakeAt: number | null = null;
  const wake = (at: number) => {
    nextWakeAt = nextWakeAt === null ? at : Math.min(nextWakeAt, at);
  };
  // Image generation first, then by how close to the limit.
  const accounts = [...input.accounts].sort((x, y) => Number(y.imageAgents.length > 0) - Number(x.imageAgents.length > 0));
  for (const account of accounts) {
    const base = { agents: orderedAgents(account), host: account.host };
    for (const window of account.usage.windows) {
      const key = windowKey(account, window);
      const reached = levels.filter((level) => window.usedPercent >= level);
      const top = reached.at(-1);
      if (top !== undefined && !wasSent(input.sent, account, window, top)) {
        const at = when(window.resetsAt, input.timeZone);
        const body = top === EXHAUSTED
          ? `${subject(account)} stopped: the ${limitName(window.label)} is reached${at ? ` until ${at}` : ''}`
          : `${subject(account)} stops at the ${limitName(window.label)}: ${Math.round(window.usedPercent)} % used${at ? `, resets ${at}` : ''}`;
        notifications.push({ ...base, key: `${key}/${top}`, title: top === EXHAUSTED ? 'Plan limit reached' : 'Plan usage is high', body });
        for (const level of reached) markSent.push(`${key}/${level}`);
      }
      if (window.usedPercent >= EXHAUSTED && window.resetsAt !== null && window.resetsAt > input.now) wake(window.resetsAt);
    }
    // Resets of windows that were announced exhausted: once, when the window is no longer exhausted.
    for (const sentKey of input.sent) {
      const prefix = `usage:${accountKey(account)}/`;
      if (!sentKey.startsWith(prefix) || !sentKey.endsWith(`/${EXHAUSTED}`)) continue;
      const [label, resetsAt] = sentKey.slice(prefix.length, -`/${EXHAUSTED}`.length).split('/');
      const resetKey = `${prefix}${label}/${resetsAt}/reset`;
      if (input.sent.has(resetKey)) continue;
      const at = Number(resetsAt);
      const current = account.usage.windows.find((w) => w.label === label);
      // Not yet reset, or exhausted again (the next window's own notice says so).
      if (!(Number.isFinite(at) && at <= input.now) || (current && current.usedPercent >= EXHAUSTED)) continue;
      const body = account.imageAgents.length > 0
        ? `${named(account, account.imageAgents)} can generate images again`
        : `Codex for ${named(account, account.agents)} works again: the ${limitName(label!)} has reset`;
      notifications.push({ ...base, key: resetKey, title: 'Plan limit reset', body });
      markSent.push(resetKey);
    }
  }
  return { notifications, markSent, nextWakeAt };
}

/**
 * Several due at once become one (as the app's expiry notifications do): the first (image
 * generation first) leads, the others follow as lines; every key is still marked sent.
 */
export function combineUsageNotifications(notifications: UsageNotification[]): UsageNotification | null {
  if (notifications.length <= 1) return notifications[0] ?? null;
  const [first, ...rest] = notifications as [UsageNotification, ...UsageNotification[]];
  return {
    key: notifications.map((n) => n.key).join('+'),
    title: `${notifications.length} plan usage notices`,
    body: [first.body, ...rest.map((n) => n.body)].join('\n'),
    agents: [...new Set(notifications.flatMap((n) => n.agents))],
    host: first.host,
  };
}
