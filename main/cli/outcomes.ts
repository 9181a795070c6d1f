// What refresh and sync share on the terminal: the one-line failure, the JSON report, and
// the exit code (0 only when every requested profile ended well).
import { type ProfileOutcome, profileOutcome, type RefreshReport } from '../core/api.ts';
import { formatRemaining } from '../core/format.ts';
import { UsageError } from './args.ts';
import type { Targets } from './targets.ts';
import { jsonText, terminalText } from './terminal-text.ts';
import type { WaitingLine } from './waiting.ts';

/** One line per requested profile as it finishes: what happened, and where the credential went. */
export function progressLine(result: ProfileOutcome, now: number): string {
  return outcomeLine(shownOutcome(result), now);
}

/**
 * The outcome with each of its texts as a terminal should show it (./terminal-text.ts): cleaned
 * field by field, so one field's stray escape cannot swallow the words after it.
 */
function shownOutcome(result: ProfileOutcome): ProfileOutcome {
  const shown = (text: string | null) => (text === null ? null : terminalText(text));
  return {
    ...result,
    agentId: terminalText(result.agentId),
    host: terminalText(result.host),
    profileId: terminalText(result.profileId),
    cause: shown(result.cause),
    fix: shown(result.fix),
    source: shown(result.source),
    syncedAgents: result.syncedAgents.map(terminalText),
  };
}

function outcomeLine(result: ProfileOutcome, now: number): string {
  const who = `${result.host === 'local' ? '' : `${result.host}:`}${result.agentId}`.padEnd(14);
  const what = result.profileId.padEnd(24);
  const expiry = result.expiresAt === null ? '' : `, expires ${formatRemaining(result.expiresAt - now)}`;
  const from = result.source ? ` from ${result.source}` : '';
  switch (result.outcome) {
    case 'refreshed':
    case 'adopted':
    case 'healed':
    case 'synced':
    case 'recovered': {
      const also = result.syncedAgents.length > 0 ? `; also wrote ${result.syncedAgents.join(', ')}` : '';
      const missed = result.cause ? `; ${result.cause}` : '';
      return `${who} ${what} ${result.outcome}${from}${expiry}${also}${missed}`;
    }
    case 'would-sync':
      return `${who} ${what} would sync${from} (${result.cause})`;
    case 'skipped':
      return `${who} ${what} skipped: ${result.cause}`;
    case 'failed': {
      // What was done before the failure stays done: say so (a sync from a newer copy).
      const also = result.syncedAgents.length > 0 ? `; also wrote ${result.syncedAgents.join(', ')}` : '';
      return result.source ? `${who} ${what} failed after syncing from ${result.source}${expiry}${also}` : `${who} ${what} failed${also}`;
    }
  }
}

export function failureLine(result: ProfileOutcome): string {
  return failureText(shownOutcome(result));
}

function failureText(result: ProfileOutcome): string {
  if (result.agentId === '*' && result.host !== 'local') return `authbar: ${result.cause ?? `host ${result.host} failed`}`;
  const where = result.host === 'local' ? `agent ${result.agentId}` : `agent ${result.agentId} on ${result.host}`;
  const profile = result.profileId === '*' ? '' : `, profile ${result.profileId}`;
  const kind = result.failureKind ? `${result.failureKind}: ` : '';
  return `authbar: ${where}${profile}: ${kind}${result.cause ?? 'failed'}.${result.fix ? ` Fix: ${result.fix}` : ''}`;
}

/** 0 only when every requested profile ended well (for a dry run: when nothing needs a sync). */
export function exitCodeFor(report: RefreshReport): number {
  return report.results.every((r) => r.outcome !== 'failed' && r.outcome !== 'would-sync') ? 0 : 1;
}

/**
 * Runs a refresh or sync on this machine (`local`, in-process) and on each host (its own
 * AuthBar over ssh, `remoteArgs`), prints each host's outcomes as they arrive, and folds
 * everything into one report and one exit code. An unreachable host is one failed line.
 */
export async function runOnTargets(
  targets: Targets,
  local: () => Promise<RefreshReport>,
  remoteArgs: string[],
  options: {
    json: boolean;
    onResult: (result: ProfileOutcome) => void;
    waiting?: WaitingLine;
    /** How long ssh may take per host (the remote command's own --timeout, plus the way there and back). */
    remoteTimeoutMs?: number;
  },
): Promise<number> {
  const reports: RefreshReport[] = [];
  const { tokenEndpointWarning } = await import('../core/refresh/endpoint.ts');
  const endpoint = targets.local ? tokenEndpointWarning(process.env) : null;
  try {
    if (targets.local) reports.push(await local());
  } catch (error) {
    if ((error as Error).name === 'UnknownAgentError') throw new UsageError((error as Error).message);
    throw error;
  }
  if (targets.hosts.length > 0) {
    const { remoteAction } = await import('../core/remote/remote-status.ts');
    const { VERSION } = await import('../core/version.ts');
    await Promise.all(targets.hosts.map(async (host) => {
      let report: RefreshReport;
      options.waiting?.begin(`host\0${host.name}`, `host ${host.name}`);
      try {
        report = await remoteAction(host, remoteArgs, process.env, VERSION, options.remoteTimeoutMs);
      } catch (error) {
        const result = profileOutcome({ agentId: '*', profileId: '*', host: host.name }, { outcome: 'failed', failureKind: 'transient', cause: (error as Error).message });
        report = { version: VERSION, generatedAt: new Date().toISOString(), requests: 0, results: [result] };
      }
      options.waiting?.end(`host\0${host.name}`);
      for (const result of report.results) options.onResult(result);
      reports.push(report);
    }));
  }
  const merged: RefreshReport = {
    version: reports[0]?.version ?? '',
    generatedAt: new Date().toISOString(),
    requests: reports.reduce((n, r) => n + r.requests, 0),
    results: reports.flatMap((r) => r.results),
    ...(reports.some((r) => r.dryRun) ? { dryRun: true } : {}),
    ...(endpoint ? { warnings: [endpoint] } : {}),
  };
  if (options.json) process.stdout.write(`${jsonText(merged, 2)}\n`);
  else if (endpoint) process.stderr.write(`authbar: note: ${endpoint}\n`);
  return exitCodeFor(merged);
}
