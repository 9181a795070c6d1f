// Another machine's usage, as its own AuthBar reads it (`authbar usage --json --local` over
// SSH): the host asks with its own tokens, so no token crosses. Its answer is data: size-capped
// while it arrives, checked against the same strict schema, then field by field (./untrusted.ts)
// and tagged with the host's name. A host that cannot answer is a value, never a throw.
import { AGENT_ID_PATTERN } from '../openclaw/paths.ts';
import { invalidData, REMOTE_VERSION } from '../remote/remote-report.ts';
import { parseRemote } from '../remote/remote-status.ts';
import { classifySshFailure, RemoteError, runRemote, tooLargeError } from '../remote/ssh.ts';
import { cleanText } from '../clean-text.ts';
import type { Host } from '../settings.ts';
import { type UsageReport, UsageReportSchema } from './schema.ts';
import { type Check, cleanReadiness, cleanUsage } from './untrusted.ts';

export interface HostUsage {
  host: { name: string; reachable: boolean; checkedAt: string; error: string | null };
  report: UsageReport | null;
}

class Invalid extends Error {}
const check: Check = (ok, where) => {
  if (!ok) throw new Invalid(where);
};
const agentId = (id: string, where: string): string => (check(AGENT_ID_PATTERN.test(id), where), id);

/** A remote `usage --json` report, checked and cleaned, every row tagged with the host. */
export function acceptUsageReport(host: Host, report: UsageReport): UsageReport {
  try {
    check(REMOTE_VERSION.test(report.version), 'version');
    check(!Number.isNaN(Date.parse(report.generatedAt)) && report.generatedAt.length <= 40, 'generatedAt');
    check(Number.isSafeInteger(report.requests) && report.requests >= 0, 'requests');
    return {
      version: report.version,
      generatedAt: report.generatedAt,
      requests: report.requests,
      accounts: report.accounts.map((a, i) => ({
        host: host.name,
        accountId: a.accountId === null ? null : cleanText(a.accountId, 200),
        email: a.email === null ? null : cleanText(a.email, 320),
        agents: a.agents.map((id, j) => agentId(id, `accounts.${i}.agents.${j}`)),
        imageAgents: a.imageAgents.map((id, j) => agentId(id, `accounts.${i}.imageAgents.${j}`)),
        usage: cleanUsage(host, check, a.usage, `accounts.${i}.usage`),
      })),
      agents: report.agents.map((a, i) => ({ id: agentId(a.id, `agents.${i}.id`), host: host.name, readiness: cleanReadiness(host, check, a.readiness, `agents.${i}.readiness`) })),
      warnings: report.warnings.slice(0, 100).map((w) => cleanText(w)),
    };
  } catch (error) {
    if (error instanceof Invalid) throw invalidData(host, error.message);
    throw error;
  }
}

export async function remoteUsage(host: Host, agents: string[], env: NodeJS.ProcessEnv, ourVersion: string, now: () => number = Date.now): Promise<HostUsage> {
  const checkedAt = () => new Date(now()).toISOString();
  try {
    const run = await runRemote(host, ['usage', '--json', '--local', ...agents.flatMap((id) => ['--agent', id])], env);
    if (run.tooLarge) throw tooLargeError(host);
    if (run.code !== 0) throw classifySshFailure(host, run.code, run.stderr, ourVersion);
    const report = acceptUsageReport(host, parseRemote(host, run.stdout, UsageReportSchema, ourVersion));
    return { host: { name: host.name, reachable: true, checkedAt: checkedAt(), error: null }, report };
  } catch (error) {
    const message = error instanceof RemoteError ? error.message : `host ${host.name}: ${cleanText((error as Error).message)}`;
    return { host: { name: host.name, reachable: false, checkedAt: checkedAt(), error: message }, report: null };
  }
}
