// The differential test in the SQLite era (openclaw@2026.9.6), two ways:
// - migrated: a random JSON-era state dir (./generate.ts) moved into SQLite by the real
//   `openclaw doctor --fix --non-interactive` (offline: a refresh it attempts fails at once and
//   leaves OpenClaw's own failed fence), then judged;
// - direct: a migrated template whose store rows are rewritten with random profiles in the
//   shapes 2026.9.6 itself writes (provider `openai`, `openai:*` ids, fences, tokens and API keys
//   under Codex ids, missing or odd expiries), because migration cleans up most odd shapes.
import { join } from 'node:path';
import { copyMigrated, fenceOver, migrateJsonEra, type Template } from '../helpers/openclaw9-state.ts';
import { runOpenClaw } from '../helpers/openclaw.ts';
import { type Generator, generateStateDir, generator } from './generate.ts';
import { agrees, type Judgement, judgeEnv, materialize } from './judge.ts';

export interface EraTally {
  stateDirs: number;
  /** State dirs the real doctor refused to migrate (reported, not compared). */
  doctorFailures: number;
  notMigrated: string[];
  agents: number;
  agentsAgreeing: number;
  profiles: number;
  profilesAgreeing: number;
  disagreements: { seed: string; agentId: string; ours: unknown; theirs: unknown; files?: unknown }[];
}

export const emptyTally = (): EraTally => ({ stateDirs: 0, doctorFailures: 0, notMigrated: [], agents: 0, agentsAgreeing: 0, profiles: 0, profilesAgreeing: 0, disagreements: [] });

function tally(into: EraTally, seed: string, judged: Judgement, files?: unknown): void {
  into.stateDirs++;
  for (const agent of judged.agents) {
    if (agent.theirs === null) {
      into.notMigrated.push(`${seed} ${agent.agentId}: openclaw failed (${agent.theirError})`);
      continue;
    }
    into.agents++;
    const ours = new Map(agent.ours.map((v) => [v.profileId, JSON.stringify(v)]));
    const same = agent.theirs.filter((v) => ours.get(v.profileId) === JSON.stringify(v)).length;
    into.profiles += agent.theirs.length + agent.ours.filter((v) => !agent.theirs!.some((t) => t.profileId === v.profileId)).length;
    into.profilesAgreeing += same;
    if (agrees(agent)) into.agentsAgreeing++;
    else into.disagreements.push({ seed, agentId: agent.agentId, ours: agent.ours, theirs: agent.theirs, files });
  }
}

/** A random JSON-era state dir, migrated by the real 2026.9.6 doctor, judged by both. */
export async function judgeMigrated(openclaw9: string, seed: string, into: EraTally): Promise<void> {
  const files = generateStateDir(seed, Date.now());
  const dir = materialize(files);
  try {
    // Offline on purpose: a refresh doctor attempts fails at once (the proxy port is closed).
    const env = { ...dir.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' };
    delete (env as Record<string, string>).OPENCLAW_AUTH_STORE_READONLY;
    const doctor = await runOpenClaw(openclaw9, ['doctor', '--fix', '--non-interactive'], env, 300_000);
    if (doctor.code !== 0) {
      // Its own words for why: a config it will not repair before a plugin it could not fetch offline.
      const lines = `${doctor.stdout}\n${doctor.stderr}`.split('\n');
      const why = lines.find((line) => /must|cannot be|could not apply|refus/i.test(line)) ?? lines.find((line) => /error|fail/i.test(line)) ?? '';
      into.notMigrated.push(`${seed}: doctor --fix exit ${doctor.code}: ${why.trim().slice(0, 240)}`);
      into.doctorFailures++;
      return;
    }
    tally(into, seed, await judgeEnv(dir.env, { openclaw: openclaw9 }), files);
  } finally {
    dir.cleanup();
  }
}

const HOUR = 3_600_000;
const OFFSETS = [-30 * HOUR, -2 * HOUR, HOUR, 6 * HOUR, 30 * HOUR, 80 * HOUR];
const ACCOUNTS = ['acct-a', 'acct-b'];

/** One profile as 2026.9.6 writes it, sometimes odd: a fence, a token or key under a Codex id, no expiry. */
function sqliteEntry(g: Generator, now: number, profileId: string, account: string): Record<string, unknown> {
  const expires = now + g.pick(OFFSETS) + g.int(20 * 60_000);
  const base: Record<string, unknown> = {
    type: 'oauth', provider: 'openai', access: g.token('at_'), refresh: g.token('rt_'), expires,
    ...(g.chance(0.85) ? { accountId: account } : {}), ...(g.chance(0.7) ? { email: `${account}@example.com` } : {}),
  };
  switch (g.int(12)) {
    case 0: return fenceOver(profileId, base, 'pending');
    case 1: return fenceOver(profileId, base, 'failed');
    case 2: return { type: 'token', provider: 'openai', token: g.token('tok_') };
    case 3: return { type: 'api_key', provider: 'openai', key: g.token('sk-') };
    case 4: {
      const { expires: _e, ...rest } = base;
      return rest;
    }
    case 5: return { ...base, expires: 0 };
    default: return base;
  }
}

function sqliteProfiles(g: Generator, now: number): Record<string, unknown> {
  const profiles: Record<string, unknown> = {};
  for (let i = g.int(3); i >= 0; i--) {
    const account = g.pick(ACCOUNTS);
    const id = g.pick(['openai:default', 'openai:default', `openai:${account}@example.com`, 'openai:work']);
    profiles[id] = sqliteEntry(g, now, id, account);
  }
  return profiles;
}

/** A migrated template with these agents (each but the last holds a store, so doctor gives it a database). */
export async function sqliteTemplate(openclaw9: string, agents: string[]): Promise<Template> {
  const now = Date.now();
  return migrateJsonEra(openclaw9, agents.map((id, i) => ({
    id,
    ...(i < agents.length - 1 ? { credential: { type: 'oauth', provider: 'openai-codex', access: `at-${id}`, refresh: `rt-${id}`, expires: now + 10 * 24 * HOUR, accountId: 'acct-a' } } : {}),
  })));
}

/** A copy of the template with every store row replaced by random profiles, judged by both. */
export async function judgeDirect(openclaw9: string, template: Template, seed: string, into: EraTally): Promise<void> {
  const g = generator(seed);
  const d = copyMigrated(template);
  try {
    const now = Date.now();
    const rows: Record<string, Record<string, unknown>> = {};
    for (const where of ['shared', ...template.agents.slice(1, -1)]) {
      for (const id of Object.keys(d.store(where).profiles)) d.setProfile(where, id, undefined);
      // Main's store sometimes empty; an agent's store sometimes left empty (it then inherits).
      if (g.chance(where === 'shared' ? 0.9 : 0.75)) rows[where] = sqliteProfiles(g, now);
      for (const [id, value] of Object.entries(rows[where] ?? {})) d.setProfile(where, id, value as Record<string, unknown>);
    }
    tally(into, seed, await judgeEnv({ ...d.env, OPENCLAW_AUTH_STORE_READONLY: '1' }, { openclaw: openclaw9 }), rows);
  } finally {
    d.cleanup();
  }
}

export function describeTally(name: string, t: EraTally): string {
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);
  return [
    `${name}: ${t.stateDirs} state dirs, ${t.agents} agents compared (openclaw@2026.9.6 models status --json --agent ID)`,
    `  Codex OAuth profiles (id, status, expiry): ${t.profilesAgreeing}/${t.profiles} agree (${pct(t.profilesAgreeing, t.profiles)})`,
    `  agents, whole profile list: ${t.agentsAgreeing}/${t.agents} (${pct(t.agentsAgreeing, t.agents)})`,
    `  not compared: ${t.notMigrated.length}${t.notMigrated.length ? `\n    ${t.notMigrated.join('\n    ')}` : ''}`,
  ].join('\n');
}

export const TEMPLATE_AGENTS = ['main', 'coder', 'artist', 'ops', 'writer'];
export const stateDirOf = (t: Template) => join(t.root, 'openclaw');
