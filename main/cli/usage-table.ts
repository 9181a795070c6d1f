// The readable `authbar usage`: one row per account, then one line per agent that is not ready.
import Table from 'cli-table3';
import { usageLine } from '../core/usage/format.ts';
import { cleanText as clean } from '../core/clean-text.ts';
import type { UsageReport } from '../core/usage/schema.ts';

const BORDERLESS = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
  'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' };

export function renderUsage(report: UsageReport, now: number): string {
  const out: string[] = [];
  if (report.accounts.length === 0) {
    out.push('No Codex sign-ins found.');
  } else {
    const t = new Table({ head: ['ACCOUNT', 'PLAN', 'USAGE', 'AGENTS'], chars: BORDERLESS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
    for (const a of report.accounts) {
      const host = a.host === 'local' ? '' : `${a.host}:`;
      const usage = a.usage.windows.length > 0
        ? usageLine(a.usage, now)
        : a.usage.error ? a.usage.error.cause : 'not checked yet';
      const credits = a.usage.credits !== null ? ` (${a.usage.credits} credits)` : '';
      t.push([clean(`${host}${a.email ?? a.accountId ?? 'unknown account'}`), clean(`${a.usage.plan ?? '-'}${credits}`), clean(usage), clean(a.agents.join(', '))]);
    }
    out.push(t.toString().split('\n').map((line) => line.trimEnd()).join('\n'));
  }
  const notes: string[] = [];
  for (const a of report.accounts) {
    if (a.usage.error && a.usage.windows.length > 0) notes.push(`${clean(a.email ?? a.accountId ?? 'account')}: last check failed: ${clean(a.usage.error.cause)}`);
  }
  for (const agent of report.agents) {
    const r = agent.readiness;
    if (r.state === 'ready') continue;
    const where = agent.host === 'local' ? `agent ${agent.id}` : `agent ${agent.id} on ${agent.host}`;
    notes.push(clean(`${where}: ${r.state}${r.cause ? `: ${r.cause}` : ''}${r.fix ? `. Fix: ${r.fix}` : ''}`));
  }
  if (notes.length > 0) out.push('', ...notes);
  for (const warning of report.warnings) out.push(clean(`note: ${warning}`));
  return `${out.join('\n')}\n`;
}
