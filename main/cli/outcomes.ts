// What refresh and sync share on the terminal: the one-line failure, the JSON report, and
// the exit code (0 only when every requested profile ended well).
import type { ProfileOutcome, RefreshReport } from '../core/api.ts';
import { formatRemaining } from '../core/format.ts';
import { UsageError } from './args.ts';

/** One line per requested profile as it finishes: what happened, and where the credential went. */
export function progressLine(result: ProfileOutcome, now: number): string {
  const who = `${result.host === 'local' ? '' : `${result.host}:`}${result.agentId}`.padEnd(14);
  const what = result.profileId.padEnd(24);
  const expiry = result.expiresAt === null ? '' : `, expires ${formatRemaining(result.expiresAt - now)}`;
  const from = result.source ? ` from ${result.source}` : '';
  switch (result.outcome) {
    case 'refreshed':
    case 'adopted':
    case 'healed':
    case 'synced': {
      const also = result.syncedAgents.length > 0 ? `; also wrote ${result.syncedAgents.join(', ')}` : '';
      return `${who} ${what} ${result.outcome}${from}${expiry}${also}`;
    }
    case 'would-sync':
      return `${who} ${what} would sync${from} (${result.cause})`;
    case 'skipped':
      return `${who} ${what} skipped: ${result.cause}`;
    case 'failed':
      return `${who} ${what} failed`;
  }
}

export function failureLine(result: ProfileOutcome): string {
  const where = result.host === 'local' ? `agent ${result.agentId}` : `agent ${result.agentId} on ${result.host}`;
  const profile = result.profileId === '*' ? '' : `, profile ${result.profileId}`;
  const kind = result.failureKind ? `${result.failureKind}: ` : '';
  return `authbar: ${where}${profile}: ${kind}${result.cause ?? 'failed'}.${result.fix ? ` Fix: ${result.fix}` : ''}`;
}

/** 0 only when every requested profile ended well (for a dry run: when nothing needs a sync). */
export function exitCodeFor(report: RefreshReport): number {
  return report.results.every((r) => r.outcome !== 'failed' && r.outcome !== 'would-sync') ? 0 : 1;
}

export async function runWithAgents(work: () => Promise<RefreshReport>, json: boolean): Promise<number> {
  let report: RefreshReport;
  try {
    report = await work();
  } catch (error) {
    if ((error as Error).name === 'UnknownAgentError') throw new UsageError((error as Error).message);
    throw error;
  }
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return exitCodeFor(report);
}
