// `authbar status [--agent ID]... [--json] [--check] [--warn-after DURATION] [--watch]`
import type { StatusReport } from '../core/api.ts';
import { checkExitCode } from '../core/status.ts';
import { parse, parseDuration, UsageError } from './args.ts';

const USAGE = 'authbar status [--agent ID]... [--json] [--check] [--warn-after DURATION] [--watch]';

export function selectAgents(report: StatusReport, ids: string[]): StatusReport {
  if (ids.length === 0) return report;
  const wanted = new Set(ids.map((id) => id.toLowerCase()));
  const known = new Set(report.agents.map((agent) => agent.id));
  const unknown = [...wanted].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`no agent "${unknown[0]}" in ${report.stateDir} (agents: ${[...known].join(', ') || 'none'}); run authbar status to list them`);
  }
  return { ...report, agents: report.agents.filter((agent) => wanted.has(agent.id)) };
}

export async function runStatus(args: string[]): Promise<number> {
  const { values } = parse('status', args, {
    agent: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    'warn-after': { type: 'string' },
  }, USAGE);
  const warnAfterMs = values['warn-after'] === undefined ? undefined : await parseDuration('--warn-after', values['warn-after']);
  const { readStatus } = await import('../core/read-status.ts');
  const render = async (): Promise<StatusReport> => {
    // The report is built field by field from redacted values (main/core/status.ts); the strict
    // schema in main/core/api.ts checks this very output in the tests, and guards IPC in the app.
    const report = selectAgents((await readStatus({ warnAfterMs })).report, values.agent);
    if (values.json) {
      process.stdout.write(values.watch ? `${JSON.stringify(report)}\n` : `${JSON.stringify(report, null, 2)}\n`);
    } else {
      const { renderStatusTable } = await import('./status-table.ts');
      if (values.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      process.stdout.write(renderStatusTable(report, process.stdout.isTTY === true && !process.env.NO_COLOR));
    }
    return report;
  };

  const report = await render();
  if (!values.watch) return values.check ? checkExitCode(report) : 0;

  const { watchOpenClaw } = await import('../core/watch.ts');
  const watcher = watchOpenClaw({ env: process.env, onChange: () => void render().catch(reportError) });
  await watcher.ready;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await watcher.close();
  return 0;
}

function reportError(error: unknown): void {
  process.stderr.write(`authbar: ${(error as Error).message}\n`);
}
