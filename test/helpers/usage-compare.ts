// Reading the real OpenClaw's own usage line and checking AuthBar's windows against it. Both
// 2026.5.7 and 2026.9.6 print, in `openclaw models status` (text), one line per provider:
//   `- openai-codex usage: 5h 78% left ⏱3h 11m · Week 39% left ⏱3d 23h`
// (`openai` in 2026.9), i.e. label, 100 - used (rounded), and the time to the reset in its
// largest two units (`formatResetRemaining`). No line when the answer was an error or had no
// windows. Measured: their usage request uses Node's global fetch, which goes through
// HTTPS_PROXY only with NODE_USE_ENV_PROXY=1 (Node 24).
import { expect } from 'vitest';
import type { UsageWindow } from '../../main/core/usage/schema.ts';

export interface OpenClawWindow {
  label: string;
  leftPercent: number;
  /** The reset's distance as printed, in ms, and the unit it was rounded down to. */
  resetInMs: number | null;
  granularityMs: number;
}

const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The windows on OpenClaw's `usage:` line for the provider, or null when it printed none. */
export function openClawWindows(stdout: string, provider: string): OpenClawWindow[] | null {
  const line = stdout.split('\n').find((l) => l.startsWith(`- ${provider} usage: `));
  if (!line) return null;
  return line.slice(`- ${provider} usage: `.length).split(' · ').map((part) => {
    const m = /^(\S+) (\d+)% left(?: ⏱(.+))?$/.exec(part.trim());
    if (!m) throw new Error(`unexpected usage segment from OpenClaw: ${part}`);
    let resetInMs: number | null = null;
    let granularityMs = 0;
    if (m[3] && m[3] !== 'now') {
      resetInMs = 0;
      for (const [, n, unit] of m[3].matchAll(/(\d+)([dhm])/g)) {
        resetInMs += Number(n) * UNIT[unit!]!;
        granularityMs = UNIT[unit!]!;
      }
    }
    return { label: m[1]!, leftPercent: Number(m[2]), resetInMs, granularityMs };
  });
}

/**
 * AuthBar's windows agree with OpenClaw's line: same labels in the same order, the same
 * percentage left, and a reset time that OpenClaw's printed distance allows, given when
 * OpenClaw ran (between `before` and `after`).
 */
export function expectAgreement(ours: UsageWindow[], theirs: OpenClawWindow[] | null, before: number, after: number): void {
  if (theirs === null) {
    expect(ours).toEqual([]);
    return;
  }
  expect(ours.map((w) => w.label)).toEqual(theirs.map((w) => w.label));
  expect(ours.map((w) => Math.round(100 - w.usedPercent))).toEqual(theirs.map((w) => w.leftPercent));
  ours.forEach((w, i) => {
    const t = theirs[i]!;
    if (t.resetInMs === null) return;
    expect(w.resetsAt).not.toBeNull();
    // OpenClaw rounds down to its smallest printed unit, at a moment between before and after.
    expect(w.resetsAt! - after - t.granularityMs).toBeLessThan(t.resetInMs);
    expect(t.resetInMs).toBeLessThanOrEqual(w.resetsAt! - before);
  });
}
