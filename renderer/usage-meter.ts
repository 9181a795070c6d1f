// A sign-in's plan usage: one small bar per window ("5h", "Week") with how much is used and when
// it resets, under the plan's name. Every row of the agents that share the account shows the
// same meter (it is the account's, not the copy's: main/core/usage/accounts.ts). Each bar is a
// role="meter" with its value and words for screen readers; the bar itself is SVG geometry, not
// an inline style, which the panel's CSP refuses.
import { DEFAULT_THRESHOLDS } from '../main/core/usage/schedule.ts';
import type { Usage, UsageWindow } from '../main/core/usage/schema.ts';
import { formatDuration } from '../main/core/format.ts';
import { resetPhrase } from '../main/core/usage/format.ts';
import { h } from './dom.ts';

const SVG = 'http://www.w3.org/2000/svg';
const LOWEST = Math.min(...DEFAULT_THRESHOLDS);
const HIGHEST = Math.max(...DEFAULT_THRESHOLDS);

/** "plus" → "Plus plan"; OpenClaw's plan_type is a word. */
export const planName = (plan: string | null): string => (plan ? `${plan.charAt(0).toUpperCase()}${plan.slice(1)} plan` : 'Plan');

/** "5h" → "5-hour window", "Week" → "weekly window", "Day" → "daily window". */
function windowName(label: string): string {
  if (label === 'Week') return 'weekly window';
  if (label === 'Day') return 'daily window';
  return /^\d+h$/.test(label) ? `${label.slice(0, -1)}-hour window` : `${label} window`;
}

function tone(usedPercent: number): 'good' | 'warn' | 'bad' {
  if (usedPercent >= HIGHEST) return 'bad';
  return usedPercent >= LOWEST ? 'warn' : 'good';
}

function bar(usedPercent: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'meter-bar');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('viewBox', '0 0 100 4');
  for (const [cls, width] of [['meter-track', 100], ['meter-fill', Math.max(0, Math.min(100, usedPercent))]] as const) {
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', cls);
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', '4');
    rect.setAttribute('rx', '2');
    svg.appendChild(rect);
  }
  return svg;
}

function meter(window: UsageWindow, now: number): HTMLElement {
  const used = Math.round(window.usedPercent);
  const resets = resetPhrase(window.resetsAt, now);
  return h(
    'div',
    { class: `meter meter-${tone(window.usedPercent)}`, attrs: { 'data-window': window.label } },
    h('span', { class: 'meter-label', attrs: { 'aria-hidden': 'true' } }, window.label),
    h(
      'div',
      {
        class: 'meter-gauge',
        attrs: {
          role: 'meter',
          'aria-label': `${windowName(window.label)} used`,
          'aria-valuemin': '0',
          'aria-valuemax': '100',
          'aria-valuenow': String(used),
          'aria-valuetext': `${used}% used${resets ? `, ${resets}` : ''}`,
        },
      },
      bar(window.usedPercent),
    ),
    h('span', { class: 'meter-value', attrs: { 'aria-hidden': 'true' } }, `${used}%`),
    h('span', { class: 'meter-reset', attrs: { 'aria-hidden': 'true', ...(window.resetsAt === null ? {} : { 'data-resets-at': String(window.resetsAt) }) } }, resets),
  );
}

/** Why the windows are unknown, when it is something the user can act on or should know. */
function unknownText(usage: Usage): string | null {
  const kind = usage.error?.kind;
  if (kind === 'token-expired') return 'Usage unknown: the access token has expired';
  if (kind === 'unauthorized' || kind === 'forbidden') return `Usage unknown: ${usage.error!.cause}`;
  return null;
}

/**
 * The meter block for one sign-in, or null when there is nothing to show (never checked, or a
 * passing network failure with no earlier answer: the next ask will tell).
 */
export function usageMeter(usage: Usage | undefined, now: number, sharedWith: readonly string[], key: string): HTMLElement | null {
  if (!usage) return null;
  if (usage.windows.length === 0) {
    const unknown = unknownText(usage);
    return unknown ? h('p', { class: 'usage usage-unknown', attrs: { 'data-account': key } }, unknown) : null;
  }
  const headId = `usage-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const shared = sharedWith.length > 0 ? ` · shared with ${sharedWith.join(', ')}` : '';
  const credits = usage.credits !== null && usage.credits > 0 ? ` · ${usage.credits} credits` : '';
  // The last ask failed (a network error, a back-off): these bars are an earlier answer's.
  const stale = usage.error && usage.checkedAt !== null ? ` · as of ${formatDuration(Math.max(0, now - usage.checkedAt))} ago` : '';
  return h(
    'div',
    { class: 'usage', attrs: { role: 'group', 'aria-labelledby': headId, 'data-account': key } },
    h('p', { class: 'usage-head', id: headId }, h('span', { class: 'usage-plan' }, planName(usage.plan)), `${credits}${shared}`, stale ? h('span', { class: 'usage-stale', attrs: { title: usage.error!.cause } }, stale) : null),
    ...usage.windows.map((w) => meter(w, now)),
  );
}
