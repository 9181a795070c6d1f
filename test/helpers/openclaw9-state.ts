// REAL openclaw@2026.9.6 state dirs: a JSON-era fixture (test/helpers/state-dir.ts) migrated
// by the real `openclaw doctor --fix --non-interactive` (~20 s, so once per test file), then
// copied per test and put into the wanted situation with short SQL writes on the real rows
// (`BEGIN IMMEDIATE`, busy_timeout 5000, as OpenClaw itself writes). Facts from the 2026.9.6
// fixture study: doctor turns `openai-codex:default` into `openai:default` (provider `openai`),
// puts main's profiles in `state/openclaw.sqlite` (row `authProfiles.store`), gives every
// other agent that had a store an `openclaw-agent.sqlite` (row `primary`) and drops a per-agent
// copy the shared one supersedes. Agent databases are never made here: OpenClaw checks their
// `schema_meta`, so only doctor makes them (an agent gets one when it had a store to import).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from './temp-dirs.ts';
import { runOpenClaw, type OpenClawResult } from './openclaw.ts';
import { makeStateDir, type StateDir, storeDocument } from './state-dir.ts';

export const OPENCLAW9 = '2026.9.6';
/** What doctor makes of the JSON era's `openai-codex:default`. */
export const PROFILE = 'openai:default';
export const PROVIDER = 'openai';
export const LEGACY_PROFILE = 'openai-codex:default';
export const IMAGE_MODEL = 'openai/gpt-image-2';

/**
 * 2026.9.6 routes its default model `openai/gpt-6-astra` to the Codex harness of a plugin that is
 * not installed, and `models status --check` then exits 1 even with a valid token. Pinning the
 * model to OpenClaw's own runtime makes `--check` reflect auth only (study Q2). Doctor keeps it.
 */
export const AUTH_ONLY_CHECK_PIN = { 'openai/gpt-6-astra': { agentRuntime: { id: 'openclaw' } } };

const DAY = 86_400_000;

export interface LegacyAgent {
  id: string;
  /** A JSON-era Codex credential (`openai-codex`); its expiry must be more than a day away. */
  credential?: Record<string, unknown>;
}

export interface Template {
  root: string;
  stateDir: string;
  agents: string[];
  doctor: OpenClawResult & { ms: number };
  cleanup(): void;
}

/**
 * Builds a JSON-era state dir (`agents.list`, main the default, `imageGenerationModel`, the
 * auth-only `--check` pin) and migrates it with the real 2026.9.6. Every credential expires more
 * than a day from now, so doctor refreshes nothing (no network). Throws unless it migrated.
 */
export async function migrateJsonEra(entry: string, agents: LegacyAgent[]): Promise<Template> {
  for (const agent of agents) {
    const expires = agent.credential?.expires;
    if (agent.credential && !(typeof expires === 'number' && expires > Date.now() + DAY)) {
      throw new Error(`${agent.id}: a credential to migrate must expire more than a day from now (doctor would refresh it)`);
    }
  }
  const d: StateDir = makeStateDir({
    config: { agents: { defaults: { imageGenerationModel: IMAGE_MODEL, models: AUTH_ONLY_CHECK_PIN } } },
    agents: agents.map((agent) => ({
      id: agent.id,
      ...(agent.id === 'main' ? { default: true } : {}),
      ...(agent.credential ? { store: storeDocument({ [LEGACY_PROFILE]: agent.credential }) } : {}),
    })),
  });
  const started = Date.now();
  const doctor = await runOpenClaw(entry, ['doctor', '--fix', '--non-interactive'], d.env, 300_000);
  const result = { ...doctor, ms: Date.now() - started };
  const fail = (why: string) => new Error(`openclaw doctor --fix did not migrate ${d.stateDir}: ${why}\n${doctor.stdout}\n${doctor.stderr}`);
  if (doctor.code !== 0) throw fail(`exit ${doctor.code}`);
  if (!existsSync(join(d.stateDir, 'state', 'openclaw.sqlite'))) throw fail('no state/openclaw.sqlite');
  for (const agent of agents) {
    if (existsSync(join(d.agentDir(agent.id), 'auth-profiles.json'))) throw fail(`${agent.id}'s auth-profiles.json is still there`);
    if (agent.id !== 'main' && agent.credential && !existsSync(join(d.agentDir(agent.id), 'openclaw-agent.sqlite'))) throw fail(`${agent.id} got no openclaw-agent.sqlite`);
  }
  const config = JSON.parse(readFileSync(join(d.stateDir, 'openclaw.json'), 'utf8'));
  if (JSON.stringify(config.agents?.defaults?.models?.['openai/gpt-6-astra']) !== JSON.stringify(AUTH_ONLY_CHECK_PIN['openai/gpt-6-astra'])) {
    // Not what 2026.9.6 does (it keeps the pin), but never let `--check` silently judge routes.
    config.agents.defaults = { ...config.agents.defaults, models: { ...config.agents.defaults?.models, ...AUTH_ONLY_CHECK_PIN } };
    writeFileSync(join(d.stateDir, 'openclaw.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  }
  return { root: d.root, stateDir: d.stateDir, agents: agents.map((a) => a.id), doctor: result, cleanup: d.cleanup };
}

/** Where a profile lives: the shared store (main's, in the state DB) or an agent's own DB. */
export type Where = 'shared' | string;

export interface MigratedState {
  root: string;
  stateDir: string;
  stateDb: string;
  authbarHome: string;
  /** OPENCLAW_STATE_DIR, a scratch HOME, AUTHBAR_HOME: for AuthBar and OpenClaw alike. */
  env: Record<string, string>;
  agentDir(id: string): string;
  agentDb(id: string): string;
  /** The store document (`{version, profiles}`) of the shared store or an agent's DB. */
  store(where: Where): { version?: unknown; profiles: Record<string, any> };
  profile(where: Where, profileId?: string): Record<string, any> | undefined;
  /** Replaces (or with `undefined` deletes) one profile, in one short BEGIN IMMEDIATE. */
  setProfile(where: Where, profileId: string, value: Record<string, unknown> | undefined): void;
  /** Changes fields of one profile (a field set to `undefined` is removed). */
  patchProfile(where: Where, patch: Record<string, unknown>, profileId?: string): Record<string, any>;
  /** Puts OpenClaw's own pending or failed fence over a stored credential (study Q4 format). */
  fenceProfile(where: Where, kind: 'pending' | 'failed', profileId?: string): Record<string, any>;
  cleanup(): void;
}

interface Row {
  path: string;
  select: string;
  update: string;
}

function rowOf(stateDir: string, agentDir: (id: string) => string, where: Where): Row {
  return where === 'shared'
    ? {
        path: join(stateDir, 'state', 'openclaw.sqlite'),
        select: "SELECT value_json AS v FROM config_machine_state WHERE state_key = 'authProfiles.store'",
        update: "UPDATE config_machine_state SET value_json = ?, updated_at_ms = ? WHERE state_key = 'authProfiles.store'",
      }
    : {
        path: join(agentDir(where), 'openclaw-agent.sqlite'),
        select: "SELECT store_json AS v FROM auth_profile_store WHERE store_key = 'primary'",
        update: "UPDATE auth_profile_store SET store_json = ?, updated_at = ? WHERE store_key = 'primary'",
      };
}

function readRow(row: Row): { version?: unknown; profiles: Record<string, any> } {
  const db = new DatabaseSync(row.path, { readOnly: true, timeout: 5000 });
  try {
    const found = db.prepare(row.select).get() as { v?: string } | undefined;
    if (!found?.v) throw new Error(`${row.path}: no auth store row`);
    return JSON.parse(found.v);
  } finally {
    db.close();
  }
}

/** Read, change and write the row in one short write transaction, compact JSON as OpenClaw writes it. */
function changeRow(row: Row, change: (store: { profiles: Record<string, any> }) => void): void {
  if (!existsSync(row.path)) throw new Error(`${row.path} does not exist (only doctor makes agent databases)`);
  const db = new DatabaseSync(row.path, { timeout: 5000 });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    try {
      const found = db.prepare(row.select).get() as { v?: string } | undefined;
      if (!found?.v) throw new Error(`${row.path}: no auth store row`);
      const store = JSON.parse(found.v);
      change(store);
      db.prepare(row.update).run(JSON.stringify(store), Date.now());
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  } finally {
    db.close();
  }
}

/**
 * OpenClaw 2026.9.6's fence: `openclaw-oauth-refresh-fence:v1:<claim>:[failed:]<kind>:<digest>`,
 * digest = sha256 of JSON.stringify(["openclaw.oauth-refresh-generation", 1, profileId, provider,
 * kind, <old token>]); `expires` exactly 1; idToken, oauthRef and copyToAgents dropped.
 */
export function fenceOver(profileId: string, credential: Record<string, any>, kind: 'pending' | 'failed', claim = randomBytes(16).toString('hex')): Record<string, any> {
  const provider = String(credential.provider ?? PROVIDER);
  const mark = kind === 'failed' ? 'failed:' : '';
  const digest = (part: 'access' | 'refresh') =>
    createHash('sha256').update(JSON.stringify(['openclaw.oauth-refresh-generation', 1, profileId, provider, part, String(credential[part] ?? '')])).digest('hex');
  const { idToken: _i, oauthRef: _o, copyToAgents: _c, ...rest } = credential;
  return {
    ...rest,
    access: `openclaw-oauth-refresh-fence:v1:${claim}:${mark}access:${digest('access')}`,
    refresh: `openclaw-oauth-refresh-fence:v1:${claim}:${mark}refresh:${digest('refresh')}`,
    expires: 1,
  };
}

/** A fresh copy of a migrated template for one test: its own root, state dir, HOME and AuthBar home. */
export function copyMigrated(template: Template): MigratedState {
  const root = makeTempDir('authbar-oc9-');
  // Everything but HOME: OpenClaw keeps read snapshots of the databases under $HOME/.cache.
  cpSync(template.root, root, { recursive: true, filter: (src) => src !== join(template.root, 'home') && src !== join(template.root, 'authbar') });
  const stateDir = join(root, 'openclaw');
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  // Doctor wrote absolute paths (main's workspace) into the config: point them at this copy.
  const configPath = join(stateDir, 'openclaw.json');
  writeFileSync(configPath, readFileSync(configPath, 'utf8').split(template.root).join(root), { mode: 0o600 });
  const agentDir = (id: string) => join(stateDir, 'agents', id, 'agent');
  const row = (where: Where) => rowOf(stateDir, agentDir, where);
  const authbarHome = join(root, 'authbar');
  const api: MigratedState = {
    root,
    stateDir,
    stateDb: join(stateDir, 'state', 'openclaw.sqlite'),
    authbarHome,
    env: { PATH: process.env.PATH ?? '', HOME: home, OPENCLAW_STATE_DIR: stateDir, AUTHBAR_HOME: authbarHome, NO_COLOR: '1' },
    agentDir,
    agentDb: (id) => join(agentDir(id), 'openclaw-agent.sqlite'),
    store: (where) => readRow(row(where)),
    profile: (where, profileId = PROFILE) => readRow(row(where)).profiles[profileId],
    setProfile(where, profileId, value) {
      changeRow(row(where), (store) => {
        if (value === undefined) delete store.profiles[profileId];
        else store.profiles[profileId] = value;
      });
    },
    patchProfile(where, patch, profileId = PROFILE) {
      let next: Record<string, any> = {};
      changeRow(row(where), (store) => {
        const current = store.profiles[profileId];
        if (!current) throw new Error(`${where} holds no ${profileId}`);
        next = { ...current, ...patch };
        for (const [key, value] of Object.entries(patch)) if (value === undefined) delete next[key];
        store.profiles[profileId] = next;
      });
      return next;
    },
    fenceProfile(where, kind, profileId = PROFILE) {
      let next: Record<string, any> = {};
      changeRow(row(where), (store) => {
        const current = store.profiles[profileId];
        if (!current) throw new Error(`${where} holds no ${profileId}`);
        next = fenceOver(profileId, current, kind);
        store.profiles[profileId] = next;
      });
      return next;
    },
    cleanup: () => removeTempDir(root),
  };
  return api;
}

/** A 2026.9 Codex OAuth credential (provider `openai`), as doctor or a refresh stores it. */
export function openaiOAuth(fields: { access: string; refresh: string; expires?: number; accountId?: string; email?: string }): Record<string, unknown> {
  return { type: 'oauth', provider: PROVIDER, ...fields };
}
