// Benchmarks of the later capabilities: 2026.9's SQLite stores beside the JSON scan, and a
// remote host over loopback SSH beside the local status.
import { spawnSync } from 'node:child_process';
import { readStatus } from '../../main/core/read-status.ts';
import { makeSqliteStateDir, openaiCredential } from '../helpers/sqlite-state.ts';
import { remoteAuthbar, sshdAvailable, startSshd } from '../helpers/sshd.ts';
import type { StateDir } from '../helpers/state-dir.ts';
import { accessToken, refreshToken } from '../helpers/tokens.ts';

export interface BenchTools {
  quick: boolean;
  fleet: (agents: number, lineages: number) => StateDir;
  timeProcess: (command: string, args: string[], env: Record<string, string>, runs: number) => number[];
  median: (xs: number[]) => number;
  ms: (x: number) => string;
  cli: string;
}

async function sqliteScan(tools: BenchTools): Promise<Array<[string, string]>> {
  const credential = (i: number) => openaiCredential({ access: accessToken(`acct-${i % 25}`, Date.now() + 3 * 86_400_000), refresh: refreshToken(), expires: Date.now() + 3 * 86_400_000, accountId: `acct-${i % 25}` });
  const d = makeSqliteStateDir({
    shared: { 'openai:default': credential(0) },
    agents: [{ id: 'main' }, ...Array.from({ length: 99 }, (_, i) => ({ id: `agent-${String(i + 1).padStart(4, '0')}`, profiles: { 'openai:default': credential(i + 1) } }))],
  });
  const json = tools.fleet(100, 25);
  try {
    const runs = tools.quick ? 5 : 30;
    const inProcess = async (env: Record<string, string>) => {
      await readStatus({ env });
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await readStatus({ env });
        times.push(performance.now() - started);
      }
      return tools.median(times);
    };
    const sqlite = await inProcess(d.env);
    const jsonMs = await inProcess(json.env);
    const whole = tools.median(tools.timeProcess(process.execPath, [tools.cli, 'status', '--json'], d.env, tools.quick ? 5 : 20));
    return [
      [`in-process status, 100 agents, SQLite stores (2026.9) (median of ${runs})`, `${tools.ms(sqlite)}  (JSON stores: ${tools.ms(jsonMs)})`],
      ['whole-process `authbar status --json`, 100 agents, SQLite stores', tools.ms(whole)],
    ];
  } finally {
    d.cleanup();
    json.cleanup();
  }
}

async function remoteStatus(tools: BenchTools): Promise<Array<[string, string]>> {
  if (!sshdAvailable()) return [['status of 100 agents on a remote host over SSH', 'skipped: no sshd (apt-get install openssh-server)']];
  const sshd = await startSshd();
  const remote = tools.fleet(100, 25);
  const laptop = tools.fleet(1, 1);
  try {
    const remoteCommand = remoteAuthbar(remote.root, tools.cli, { AUTHBAR_HOME: remote.authbarHome });
    const added = spawnSync(process.execPath, [tools.cli, 'hosts', 'add', 'vps', sshd.destination, '--ssh-config', sshd.sshConfig, '--state-dir', remote.stateDir, '--remote-command', remoteCommand], { env: laptop.env });
    if (added.status !== 0) throw new Error(`hosts add failed: ${added.stderr}`);
    const runs = tools.quick ? 3 : 10;
    const over = tools.median(tools.timeProcess(process.execPath, [tools.cli, 'status', '--json', '--host', 'vps'], laptop.env, runs));
    const local = tools.median(tools.timeProcess(process.execPath, [tools.cli, 'status', '--json'], remote.env, runs));
    return [[`status of 100 agents on a remote host over loopback SSH (median of ${runs})`, `${tools.ms(over)}  (the same 100 locally: ${tools.ms(local)})`]];
  } finally {
    await sshd.cleanup();
    remote.cleanup();
    laptop.cleanup();
  }
}

/**
 * 100,000 agents (25,000 sign-ins, four copies each), once each: `status` as a table and as
 * JSON, beside 10,000 agents, so linear growth reads as ~10x. (The table used to be quadratic:
 * 10,000 agents took 23 s and 100,000 did not finish in 15 minutes.)
 */
export async function hundredThousandAgents(tools: BenchTools): Promise<Array<[string, string]>> {
  const rows: Array<[string, string]> = [];
  const sizes = tools.quick ? [10_000] : [10_000, 100_000];
  const took: Record<string, number[]> = { table: [], json: [] };
  for (const agents of sizes) {
    const d = tools.fleet(agents, agents / 4);
    try {
      // One warm run first: the first read of 100,000 fresh files measures the disk, not AuthBar.
      tools.timeProcess(process.execPath, [tools.cli, 'status', '--json'], d.env, 1);
      took.json!.push(tools.timeProcess(process.execPath, [tools.cli, 'status', '--json'], d.env, 1)[0]!);
      took.table!.push(tools.timeProcess(process.execPath, [tools.cli, 'status'], d.env, 1)[0]!);
    } finally {
      d.cleanup();
    }
  }
  for (const kind of ['table', 'json'] as const) {
    const [small, large] = took[kind]!;
    const label = `\`authbar status${kind === 'json' ? ' --json' : ''}\`, ${sizes.map((n) => n.toLocaleString('en')).join(' / ')} agents`;
    rows.push([label, `${sizes.map((_, i) => tools.ms(took[kind]![i]!)).join(' / ')}${large === undefined ? '' : `  (${(large / small!).toFixed(1)}x for 10x the agents)`}`]);
  }
  return rows;
}

export async function extraBenchmarks(tools: BenchTools): Promise<Array<[string, string]>> {
  return [...(await sqliteScan(tools)), ...(await remoteStatus(tools)), ...(await hundredThousandAgents(tools))];
}
