// Another machine's status, as its own AuthBar reports it (`authbar status --json --local`):
// validated against the same strict, redacted schema the panel uses, every agent tagged with
// the host's name. A host that cannot answer is a value (unreachable, with why), never a throw.
import type { AgentReport, HostReport, RefreshReport, StatusReport } from '../api.ts';
import { RefreshReportSchema, StatusReportSchema } from '../api.ts';
import type { Host } from '../settings.ts';
import { cleanText } from '../clean-text.ts';
import { acceptRefreshReport, acceptStatusReport, invalidData, REMOTE_VERSION } from './remote-report.ts';
import { classifySshFailure, RemoteError, runRemote, tooLargeError, updateHint } from './ssh.ts';

/** The oldest remote AuthBar whose JSON this one understands. */
export const MIN_REMOTE_VERSION = '0.1.0';

function olderThan(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/** Parses and checks a remote AuthBar's JSON: the version handshake, then the schema. */
export function parseRemote<T>(host: Host, text: string, schema: { safeParse(v: unknown): { success: boolean; data?: T } }, ourVersion: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RemoteError(host.name, 'too-old', `host ${host.name}: what answered is not AuthBar's JSON; ${updateHint(host, ourVersion)}`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  // The version is quoted in the message below: only once it is a version, not any text.
  if (typeof version === 'string' && !REMOTE_VERSION.test(version)) throw invalidData(host, 'version');
  if (typeof version !== 'string' || olderThan(version, MIN_REMOTE_VERSION)) {
    throw new RemoteError(host.name, 'too-old', `host ${host.name}: its AuthBar (${typeof version === 'string' ? version : 'unknown version'}) is older than ${MIN_REMOTE_VERSION}; ${updateHint(host, ourVersion)}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new RemoteError(host.name, 'too-old', `host ${host.name}: its AuthBar ${version} speaks a different JSON; ${updateHint(host, ourVersion)}`);
  }
  return parsed.data as T;
}

export interface HostStatus {
  host: HostReport;
  agents: AgentReport[];
  report: StatusReport | null;
}

export const tagAgents = (agents: AgentReport[], host: string): AgentReport[] => agents.map((a) => ({ ...a, host }));

export async function remoteStatus(host: Host, env: NodeJS.ProcessEnv, ourVersion: string, now: () => number = Date.now, extraArgs: string[] = []): Promise<HostStatus> {
  const checkedAt = () => new Date(now()).toISOString();
  try {
    const run = await runRemote(host, ['status', '--json', '--local', ...extraArgs], env);
    if (run.tooLarge) throw tooLargeError(host);
    if (run.code !== 0) throw classifySshFailure(host, run.code, run.stderr, ourVersion);
    const report = acceptStatusReport(host, parseRemote(host, run.stdout, StatusReportSchema, ourVersion));
    return { host: { name: host.name, reachable: true, checkedAt: checkedAt(), error: null }, agents: report.agents, report };
  } catch (error) {
    const message = error instanceof RemoteError ? error.message : `host ${host.name}: ${cleanText((error as Error).message)}`;
    return { host: { name: host.name, reachable: false, checkedAt: checkedAt(), error: message }, agents: [], report: null };
  }
}

/** `authbar refresh|sync ... --json` on the host: its outcomes, tagged with the host. */
export async function remoteAction(host: Host, args: string[], env: NodeJS.ProcessEnv, ourVersion: string, timeoutMs?: number): Promise<RefreshReport> {
  const run = await runRemote(host, [...args, '--json'], env, timeoutMs);
  if (run.tooLarge) throw tooLargeError(host);
  // refresh and sync exit 1 when a profile failed: their JSON still says which and why.
  if (run.code !== 0 && (run.code !== 1 || !run.stdout.trim().startsWith('{'))) throw classifySshFailure(host, run.code, run.stderr, ourVersion);
  return acceptRefreshReport(host, parseRemote(host, run.stdout, RefreshReportSchema, ourVersion));
}
