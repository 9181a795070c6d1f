// One state dir judged twice: by AuthBar (in process) and by the real
// `openclaw models status --json --check --agent ID`, compared field by field for every
// configured agent: Codex OAuth profile ids, statuses and expiries.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import type { StatusReport } from '../../main/core/api.ts';
import { readStatus } from '../../main/core/read-status.ts';
import { jsonIn, type OpenClawResult, runOpenClaw } from '../helpers/openclaw.ts';
import type { Files } from './generate.ts';

export interface Verdict {
  profileId: string;
  status: string;
  expiresAt: number | null;
}

export interface AgentJudgement {
  agentId: string;
  ours: Verdict[];
  /** null when OpenClaw itself failed on this agent (no JSON answer). */
  theirs: Verdict[] | null;
  theirError?: string;
  ourCheck: number;
  theirCheck: number | null;
  /** AuthBar's agent status and OpenClaw-view status, for the report. */
  ourStatus: string;
}

export interface Judgement {
  agents: AgentJudgement[];
}

const CODEX = new Set(['openai-codex', 'openai']);
/** OpenClaw echoes a raw unusable `expires` ("123", 0, -5) beside `missing`; AuthBar says null for all of them. */
const usableExpiry = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);
const byId = (a: Verdict, b: Verdict) => a.profileId.localeCompare(b.profileId);

export function openclawVerdicts(doc: any): Verdict[] {
  return (doc.auth?.oauth?.profiles ?? [])
    .filter((p: any) => CODEX.has(p.provider) && p.type === 'oauth')
    .map((p: any) => ({ profileId: p.profileId, status: p.status, expiresAt: usableExpiry(p.expiresAt) }))
    .sort(byId);
}

/**
 * AuthBar's verdicts in OpenClaw's words. The one documented difference: OpenClaw 2026.9.6 calls
 * its own refresh fence (pending or failed) `expired` with no expiry; AuthBar reads the fence and
 * says `refreshing` or `needs-login` (README: "Running beside OpenClaw").
 */
export function authbarVerdicts(report: StatusReport, agentId: string): Verdict[] {
  const agent = report.agents.find((a) => a.id === agentId);
  const openclawWords = (status: string) => (status === 'refreshing' || status === 'needs-login' ? 'expired' : status);
  return (agent?.profiles ?? []).map((p) => ({ profileId: p.profileId, status: openclawWords(p.status), expiresAt: p.expiresAt })).sort(byId);
}

/**
 * `--check` for one agent from OpenClaw's view (no unreadable flag, no malformed-entry flag).
 * The generated config's model is an openai-codex one, so no Codex profile is OpenClaw's
 * "missing provider in use" (1); a token profile can change OpenClaw's answer, so this is
 * reported beside the profile agreement, not asserted.
 */
function ourCheckFor(report: StatusReport, agentId: string): number {
  const agent = report.agents.find((a) => a.id === agentId)!;
  if (agent.profiles.length === 0) return 1;
  if (agent.profiles.some((p) => ['missing', 'expired', 'needs-login'].includes(p.status))) return 1;
  return agent.profiles.some((p) => p.status === 'expiring') ? 2 : 0;
}

export interface Materialized {
  root: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function materialize(files: Files): Materialized {
  const root = mkdtempSync(join(tmpdir(), 'authbar-fidelity-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text.replaceAll('@ROOT@', root), { mode: 0o600 });
  }
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return {
    root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      OPENCLAW_STATE_DIR: join(root, 'openclaw'),
      AUTHBAR_HOME: join(root, 'authbar'),
      // Read-only: 2026.5.7 otherwise migrates legacy files and rewrites unparseable stores.
      OPENCLAW_AUTH_STORE_READONLY: '1',
      NO_COLOR: '1',
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface JudgeOptions {
  /** The installed `openclaw.mjs`. */
  openclaw: string;
  /** Only this agent (shrinking follows one disagreement). */
  only?: string;
  /**
   * `batch` (default): one process per state dir runs OpenClaw's own `models status` command
   * for each agent (./openclaw-batch.mjs); `cli`: one `openclaw models status` process per agent.
   */
  mode?: 'batch' | 'cli';
  concurrency?: number;
}

const BATCH = join(import.meta.dirname, 'openclaw-batch.mjs');

/** OpenClaw's answer per agent: `models status --json --check --agent ID`. */
export async function askOpenClaw(env: Record<string, string>, ids: string[], options: JudgeOptions): Promise<Map<string, OpenClawResult>> {
  if (ids.length === 0) return new Map();
  if (options.mode === 'cli') {
    const limit = pLimit(options.concurrency ?? 2);
    return new Map(await Promise.all(ids.map((id) => limit(async () =>
      [id, await runOpenClaw(options.openclaw, ['models', 'status', '--json', '--check', '--agent', id], env)] as const))));
  }
  const out = join(env.HOME!, 'openclaw-batch.json');
  const run = await runOpenClaw(BATCH, [dirname(options.openclaw), out, ...ids], env, 300_000);
  let answers: { agent: string; code: number; stdout: string; stderr: string }[];
  try {
    answers = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    throw new Error(`the OpenClaw batch runner failed (exit ${run.code}): ${run.stderr.slice(0, 400)}`);
  }
  return new Map(answers.map((a) => [a.agent, { code: a.code, stdout: a.stdout, stderr: a.stderr }]));
}

/** Judges the state dir `env` points at, as it is on disk. */
export async function judgeEnv(env: Record<string, string>, options: JudgeOptions): Promise<Judgement> {
  const report = (await readStatus({ env })).report;
  const ids = report.agents.filter((a) => a.configured && (options.only === undefined || a.id === options.only)).map((a) => a.id);
  const answers = await askOpenClaw(env, ids, options);
  const agents = ids.map((agentId): AgentJudgement => {
    const result = answers.get(agentId)!;
    const base = { agentId, ours: authbarVerdicts(report, agentId), ourCheck: ourCheckFor(report, agentId), ourStatus: report.agents.find((a) => a.id === agentId)!.status };
    let doc: any;
    try {
      doc = [0, 1, 2].includes(result.code ?? -1) ? jsonIn(result.stdout) : null;
    } catch {
      doc = null;
    }
    if (!doc) return { ...base, theirs: null, theirCheck: null, theirError: `exit ${result.code}: ${result.stderr.split('\n').find((l) => l.trim()) ?? ''}`.slice(0, 200) };
    return { ...base, theirs: openclawVerdicts(doc), theirCheck: result.code };
  });
  return { agents };
}

export async function judge(files: Files, options: JudgeOptions): Promise<Judgement> {
  const dir = materialize(files);
  try {
    return await judgeEnv(dir.env, options);
  } finally {
    dir.cleanup();
  }
}

export const agrees = (a: AgentJudgement): boolean => a.theirs !== null && JSON.stringify(a.ours) === JSON.stringify(a.theirs);

/** Per-profile agreement: OpenClaw's profiles that AuthBar lists with the same id, status and expiry. */
export function profileAgreement(a: AgentJudgement): { total: number; same: number } {
  if (a.theirs === null) return { total: 0, same: 0 };
  const ours = new Map(a.ours.map((v) => [v.profileId, JSON.stringify(v)]));
  const same = a.theirs.filter((v) => ours.get(v.profileId) === JSON.stringify(v)).length;
  // A profile only AuthBar lists is a disagreement too.
  const extra = a.ours.filter((v) => !a.theirs!.some((t) => t.profileId === v.profileId)).length;
  return { total: a.theirs.length + extra, same };
}
