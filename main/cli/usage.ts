// `authbar usage [--agent ID]... [--host NAME]... [--local] [--json]`: the plan's usage windows
// of every Codex sign-in, one row per ChatGPT account (copies share one plan), and each agent's
// readiness. Asks the usage endpoint on demand, at most once per 5 minutes per account and
// never with an expired access token (main/core/usage/schedule.ts); remote hosts ask themselves.
import type { UsageReport } from '../core/usage/schema.ts';
import { parse } from './args.ts';
import { USAGE as USAGES } from './help.ts';
import { jsonText } from './terminal-text.ts';
import { resolveTargets, TARGET_OPTIONS } from './targets.ts';

const USAGE = USAGES.usage;

async function localUsage(agents: string[]): Promise<UsageReport> {
  const { readStatus } = await import('../core/read-status.ts');
  const { withUsage } = await import('../core/usage/report.ts');
  const { VERSION } = await import('../core/version.ts');
  const now = Date.now();
  const snapshot = await readStatus({ env: process.env, now });
  const { selectAgents } = await import('./status.ts');
  selectAgents(snapshot.report, agents); // an unknown agent id is a usage error, as in status
  const { report, accounts, requests } = await withUsage(snapshot, { env: process.env, now, ask: 'demand', agents });
  const wanted = new Set(agents);
  const keep = <T extends { agents: string[] }>(a: T) => wanted.size === 0 || a.agents.some((id) => wanted.has(id));
  return {
    version: VERSION,
    generatedAt: new Date(now).toISOString(),
    requests,
    accounts: accounts.filter(keep),
    agents: report.agents.filter((a) => wanted.size === 0 || wanted.has(a.id)).map((a) => ({ id: a.id, host: a.host, readiness: a.readiness! })),
    warnings: report.warnings,
  };
}

export async function runUsage(args: string[]): Promise<number> {
  const { values } = parse('usage', args, {
    agent: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    ...TARGET_OPTIONS,
  }, USAGE);
  const agents = values.agent.map((id) => id.toLowerCase());
  const targets = await resolveTargets(values, true);
  const parts: UsageReport[] = [];
  const hosts: NonNullable<UsageReport['hosts']> = [];
  if (targets.local) parts.push(await localUsage(agents));
  if (targets.hosts.length > 0) {
    const { remoteUsage } = await import('../core/usage/remote.ts');
    const { VERSION } = await import('../core/version.ts');
    for (const answer of await Promise.all(targets.hosts.map((host) => remoteUsage(host, agents, process.env, VERSION)))) {
      hosts.push(answer.host);
      if (answer.report) parts.push(answer.report);
    }
  }
  const { VERSION } = await import('../core/version.ts');
  const report: UsageReport = {
    version: VERSION,
    generatedAt: new Date().toISOString(),
    requests: parts.reduce((n, p) => n + p.requests, 0),
    accounts: parts.flatMap((p) => p.accounts),
    agents: parts.flatMap((p) => p.agents),
    warnings: [...parts.flatMap((p) => p.warnings), ...hosts.flatMap((h) => (h.error ? [h.error] : []))],
  };
  if (targets.hosts.length > 0) report.hosts = hosts;
  if (values.json) {
    process.stdout.write(`${jsonText(report, 2)}\n`);
  } else {
    const { renderUsage } = await import('./usage-table.ts');
    process.stdout.write(renderUsage(report, Date.now()));
  }
  return 0;
}
