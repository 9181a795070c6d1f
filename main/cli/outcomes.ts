// What refresh and sync share on the terminal: the one-line failure, the JSON report, and
// the exit code (0 only when every requested profile ended well).
import type { ProfileOutcome, RefreshReport } from '../core/api.ts';
import { RefreshReportSchema } from '../core/api.ts';
import { UsageError } from './args.ts';

export function failureLine(result: ProfileOutcome): string {
  const where = result.host === 'local' ? `agent ${result.agentId}` : `agent ${result.agentId} on ${result.host}`;
  const profile = result.profileId === '*' ? '' : `, profile ${result.profileId}`;
  const kind = result.failureKind ? `${result.failureKind}: ` : '';
  return `authbar: ${where}${profile}: ${kind}${result.cause ?? 'failed'}.${result.fix ? ` Fix: ${result.fix}` : ''}`;
}

export function exitCodeFor(report: RefreshReport): number {
  return report.results.every((r) => r.outcome !== 'failed') ? 0 : 1;
}

export async function runWithAgents(work: () => Promise<RefreshReport>, json: boolean): Promise<number> {
  let report: RefreshReport;
  try {
    report = await work();
  } catch (error) {
    if ((error as Error).name === 'UnknownAgentError') throw new UsageError((error as Error).message);
    throw error;
  }
  RefreshReportSchema.parse(report);
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return exitCodeFor(report);
}
