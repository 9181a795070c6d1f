// `authbar status [--agent ID]... [--json] [--check] [--warn-after DURATION] [--watch] [--usage]`
// Usage windows and readiness come from AuthBar's cached answers and OpenClaw's own record: a
// plain status makes no network request. `--usage` asks the usage endpoint first, for the
// accounts that are due (at most once per 5 minutes per account).
import { existsSync } from 'node:fs';
import type { StatusReport } from '../core/api.ts';
import { checkExitCode } from '../core/status.ts';
import { parse, parseDuration, UsageError } from './args.ts';
import { resolveTargets, TARGET_OPTIONS, type Targets } from './targets.ts';
import { USAGE as USAGES } from './help.ts';
import { jsonText, terminalText } from './terminal-text.ts';

const USAGE = USAGES.status;

export function selectAgents(report: StatusReport, ids: string[]): StatusReport {
  if (ids.length === 0) return report;
  const wanted = new Set(ids.map((id) => id.toLowerCase()));
  const known = new Set(report.agents.map((agent) => agent.id));
  const unknown = [...wanted].filter((id) => !known.has(id));
  if (unknown.length > 0 && !report.hosts?.some((h) => !h.reachable)) {
    throw new UsageError(`no agent "${unknown[0]}" in ${report.stateDir} (agents: ${[...known].join(', ') || 'none'}); run authbar status to list them`);
  }
  return { ...report, agents: report.agents.filter((agent) => wanted.has(agent.id)) };
}

const held = (all: NonNullable<StatusReport['held']>) => (all.length > 0 ? { held: all } : {});

/** This machine's report and every asked-for host's, in one: agents tagged by host, plus `hosts`. */
async function combinedReport(targets: Targets, warnAfterMs: number | undefined, askUsage: boolean): Promise<StatusReport> {
  const { readStatus } = await import('../core/read-status.ts');
  const { withUsage } = await import('../core/usage/report.ts');
  const localReport = async () => {
    const now = Date.now();
    const snapshot = await readStatus({ warnAfterMs, now });
    return (await withUsage(snapshot, { env: process.env, now, ask: askUsage ? 'demand' : null })).report;
  };
  if (targets.hosts.length === 0) return localReport();
  const { remoteStatus } = await import('../core/remote/remote-status.ts');
  const { VERSION } = await import('../core/version.ts');
  // A host can take its ssh connect timeout to answer, or longer on first contact (AuthBar
  // copies itself there): on a terminal, a line says which hosts are still being waited for.
  const { waitingLine } = await import('./waiting.ts');
  const waiting = waitingLine(process.stderr, 'waiting for', null);
  const [local, ...remotes] = await Promise.all([
    targets.local ? localReport() : Promise.resolve(null),
    ...targets.hosts.map((host) => {
      waiting.begin(host.name, `host ${host.name}`);
      return remoteStatus(host, process.env, VERSION, Date.now, askUsage ? ['--usage'] : []).finally(() => waiting.end(host.name));
    }),
  ]).finally(() => waiting.stop());
  const base: StatusReport = local ?? { version: VERSION, stateDir: '', configPath: '', generatedAt: new Date().toISOString(), warnAfterMs: warnAfterMs ?? 86_400_000, agents: [], warnings: [] };
  return {
    ...base,
    agents: [...base.agents, ...remotes.flatMap((r) => r.agents)],
    warnings: [
      ...base.warnings,
      ...remotes.flatMap((r) => (r.host.error ? [r.host.error] : (r.report?.warnings ?? []).map((w) => `host ${r.host.name}: ${w}`))),
    ],
    hosts: remotes.map((r) => r.host),
    ...held([...(base.held ?? []), ...remotes.flatMap((r) => r.report?.held ?? [])]),
  };
}

export async function runStatus(args: string[]): Promise<number> {
  const { values } = parse('status', args, {
    agent: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    'warn-after': { type: 'string' },
    usage: { type: 'boolean', default: false },
    ...TARGET_OPTIONS,
  }, USAGE);
  const warnAfterMs = values['warn-after'] === undefined ? undefined : await parseDuration('--warn-after', values['warn-after']);
  const targets = await resolveTargets(values, true);
  if (values.watch && targets.hosts.length > 0) {
    throw new UsageError('--watch follows this machine only (the app follows each host itself); add --local, or run it on the host: ssh HOST authbar status --watch');
  }
  const render = async (): Promise<StatusReport> => {
    // The report is built field by field from redacted values (main/core/status.ts); the strict
    // schema in main/core/api.ts checks this very output in the tests, and guards IPC in the app.
    const report = selectAgents(await combinedReport(targets, warnAfterMs, values.usage), values.agent);
    if (values.json) {
      process.stdout.write(values.watch ? `${jsonText(report)}\n` : `${jsonText(report, 2)}\n`);
    } else {
      const { renderStatusTable } = await import('./status-table.ts');
      if (values.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(renderStatusTable(report, process.stdout.isTTY === true && !process.env.NO_COLOR));
    }
    return report;
  };

  if (!values.watch) {
    const report = await render();
    if (values.check && report.configError !== undefined) {
      process.stderr.write(`authbar: status --check: ${terminalText(report.configPath)} could not be read (${terminalText(report.configError)}); OpenClaw does not start with it\n`);
    }
    return values.check ? checkExitCode(report) || nothingFound(report, targets) : 0;
  }

  // The first report goes out only once the watcher sees changes: whoever reads it (the app,
  // through ssh) may change a store at once and must get the next report. Printed before
  // chokidar's `ready`, such a change fell in the gap and never came (seen on a loaded machine).
  const { watchOpenClaw } = await import('../core/watch.ts');
  const watcher = watchOpenClaw({ env: process.env, onChange: () => void render().catch(reportError) });
  await watcher.ready;
  await render();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await watcher.close();
  return 0;
}

/**
 * A cron job's `status --check` pointed at the wrong place must not pass: no state dir, or
 * no agent in it, is a failure that names the path searched (1), not a clean bill (0).
 */
function nothingFound(report: StatusReport, targets: Targets): 0 | 1 {
  if (!targets.local || report.agents.some((a) => a.host === 'local')) return 0;
  const why = existsSync(report.stateDir) ? `no OpenClaw agents in ${report.stateDir}` : `no OpenClaw state dir at ${report.stateDir}`;
  const from = process.env.OPENCLAW_STATE_DIR?.trim() ? 'from OPENCLAW_STATE_DIR' : 'the default: ~/.openclaw, else ~/.clawdbot';
  process.stderr.write(`authbar: status --check: ${why} (${from}); point AuthBar at OpenClaw with OPENCLAW_STATE_DIR=/path/to/.openclaw\n`);
  return 1;
}

function reportError(error: unknown): void {
  process.stderr.write(`authbar: ${(error as Error).message}\n`);
}
