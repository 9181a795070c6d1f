// Another machine's usage, as its own AuthBar reads it (`authbar usage --json --local` over
// SSH): the host asks with its own tokens, so no token crosses. Its answer is data: checked
// against the same strict schema, then tagged with the host's name. A host that cannot answer
// is a value, never a throw.
import { parseRemote } from '../remote/remote-status.ts';
import { classifySshFailure, RemoteError, runRemote } from '../remote/ssh.ts';
import type { Host } from '../settings.ts';
import { type UsageReport, UsageReportSchema } from './schema.ts';

export interface HostUsage {
  host: { name: string; reachable: boolean; checkedAt: string; error: string | null };
  report: UsageReport | null;
}

export async function remoteUsage(host: Host, agents: string[], env: NodeJS.ProcessEnv, ourVersion: string, now: () => number = Date.now): Promise<HostUsage> {
  const checkedAt = () => new Date(now()).toISOString();
  try {
    const run = await runRemote(host, ['usage', '--json', '--local', ...agents.flatMap((id) => ['--agent', id])], env);
    if (run.code !== 0) throw classifySshFailure(host, run.code, run.stderr, ourVersion);
    const report = parseRemote(host, run.stdout, UsageReportSchema, ourVersion);
    return {
      host: { name: host.name, reachable: true, checkedAt: checkedAt(), error: null },
      report: {
        ...report,
        accounts: report.accounts.map((a) => ({ ...a, host: host.name })),
        agents: report.agents.map((a) => ({ ...a, host: host.name })),
      },
    };
  } catch (error) {
    const message = error instanceof RemoteError ? error.message : `host ${host.name}: ${(error as Error).message}`;
    return { host: { name: host.name, reachable: false, checkedAt: checkedAt(), error: message }, report: null };
  }
}
