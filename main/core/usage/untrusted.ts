// Usage from another machine (inside its `status --json` or `usage --json`) is data, checked
// as ../remote/remote-report.ts checks the rest: numbers finite and within a Date's range, labels and reasons words,
// free text cleaned and bounded, and a fix never taken from the host (rebuilt from AuthBar's own
// commands, or none). A field that breaks a rule makes the whole host "invalid data".
import { rebuildFix } from '../remote/remote-report.ts';
import { hostWords } from '../remote/untrusted.ts';
import { inDateRange } from '../date-range.ts';
import { cleanText } from '../clean-text.ts';
import type { Host } from '../settings.ts';
import type { Readiness, RecordedState, Usage, UsageError } from './schema.ts';

/** Throws (through the caller's rule) at the first field that breaks a rule: where, never what. */
export type Check = (ok: boolean, where: string) => void;

const LABEL = /^[A-Za-z0-9][A-Za-z0-9 -]{0,19}$/;
const WORD = /^[a-z_]{1,40}$/;

function finite(check: Check, value: number | null, where: string): number | null {
  check(value === null || inDateRange(value), where);
  return value;
}

function word(check: Check, value: string | null, where: string): string | null {
  check(value === null || WORD.test(value), where);
  return value;
}

function cleanRecorded(check: Check, r: RecordedState, where: string): RecordedState {
  return {
    blockedReason: word(check, r.blockedReason, `${where}.blockedReason`),
    blockedUntil: finite(check, r.blockedUntil, `${where}.blockedUntil`),
    cooldownReason: word(check, r.cooldownReason, `${where}.cooldownReason`),
    cooldownUntil: finite(check, r.cooldownUntil, `${where}.cooldownUntil`),
    disabledReason: word(check, r.disabledReason, `${where}.disabledReason`),
    disabledUntil: finite(check, r.disabledUntil, `${where}.disabledUntil`),
  };
}

function cleanError(host: Host, check: Check, e: UsageError, where: string): UsageError {
  return { kind: e.kind, cause: hostWords(e.cause), fix: rebuildFix(host, e.fix), retryAfter: finite(check, e.retryAfter, `${where}.retryAfter`) };
}

export function cleanUsage(host: Host, check: Check, usage: Usage, where: string): Usage {
  check(usage.windows.length <= 8, `${where}.windows`);
  const clean: Usage = {
    plan: usage.plan === null ? null : cleanText(usage.plan, 40),
    windows: usage.windows.map((w, i) => {
      check(LABEL.test(w.label), `${where}.windows.${i}.label`);
      check(Number.isFinite(w.usedPercent) && w.usedPercent >= 0 && w.usedPercent <= 100, `${where}.windows.${i}.usedPercent`);
      return { label: w.label, usedPercent: w.usedPercent, resetsAt: finite(check, w.resetsAt, `${where}.windows.${i}.resetsAt`) };
    }),
    credits: finite(check, usage.credits, `${where}.credits`),
    checkedAt: finite(check, usage.checkedAt, `${where}.checkedAt`),
    limitReachedUntil: finite(check, usage.limitReachedUntil, `${where}.limitReachedUntil`),
  };
  if (usage.recorded) clean.recorded = cleanRecorded(check, usage.recorded, `${where}.recorded`);
  if (usage.error) clean.error = cleanError(host, check, usage.error, `${where}.error`);
  return clean;
}

export function cleanReadiness(host: Host, check: Check, r: Readiness, where: string): Readiness {
  return { state: r.state, until: finite(check, r.until, `${where}.until`), cause: r.cause === null ? null : hostWords(r.cause), fix: rebuildFix(host, r.fix) };
}
