// SQLite-era (OpenClaw 2026.9.x) state dirs built per test, with the tables, rows and schema
// versions that openclaw@2026.9.6's `doctor --fix` leaves (read off the real package). The
// compatibility tests use real migrated dirs; these are for fast tests of AuthBar's own logic.
import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from './temp-dirs.ts';

export interface SqliteAgentFixture {
  id: string;
  /** The agent's own profiles (an `openclaw-agent.sqlite` is made when given, even empty). */
  profiles?: Record<string, unknown>;
  /** A JSON-era store left beside (or instead of) the database: half-migrated. */
  json?: unknown;
  agentDir?: string;
  agentSchema?: number;
}

export interface SqliteStateOptions {
  agents: SqliteAgentFixture[];
  /** The shared store's profiles (the state DB row `authProfiles.store`). */
  shared: Record<string, unknown>;
  stateSchema?: number;
  /** Config beyond `agents.entries` (e.g. `agents.defaults.mediaModels`). */
  defaults?: Record<string, unknown>;
}

export interface SqliteState {
  root: string;
  stateDir: string;
  authbarHome: string;
  env: Record<string, string>;
  stateDb: string;
  agentDb(id: string): string;
  agentDir(id: string): string;
  /** The profiles of the shared store, or of an agent's own store. */
  profiles(id: 'shared' | string): Record<string, any>;
  setProfile(id: 'shared' | string, profileId: string, value: unknown): void;
  cleanup(): void;
}

export const STATE_SCHEMA = 18;
export const AGENT_SCHEMA = 23;

function createStateDb(path: string, shared: Record<string, unknown>, version: number): void {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode=WAL');
  db.exec(`PRAGMA user_version=${version}`);
  db.exec('CREATE TABLE config_machine_state (state_key TEXT NOT NULL PRIMARY KEY, value_json TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) STRICT');
  db.exec('CREATE TABLE agent_databases (agent_id TEXT NOT NULL, path TEXT NOT NULL, schema_version INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, size_bytes INTEGER, PRIMARY KEY (agent_id, path)) STRICT');
  const put = db.prepare('INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?, ?, ?)');
  put.run('auth.sharedStore', JSON.stringify({ location: 'state-db' }), Date.now());
  put.run('authProfiles.store', JSON.stringify({ version: 1, profiles: shared }), Date.now());
  put.run('authProfiles.state', JSON.stringify({ version: 1, order: { openai: Object.keys(shared) } }), Date.now());
  db.close();
}

function createAgentDb(path: string, agentId: string, profiles: Record<string, unknown>, version: number): void {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode=WAL');
  db.exec('CREATE TABLE auth_profile_store (store_key TEXT NOT NULL PRIMARY KEY, store_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT');
  db.exec('CREATE TABLE auth_profile_state (state_key TEXT NOT NULL PRIMARY KEY, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT');
  db.exec('CREATE TABLE schema_meta (meta_key TEXT PRIMARY KEY, role TEXT, schema_version INTEGER, agent_id TEXT, app_version TEXT, created_at INTEGER, updated_at INTEGER) STRICT');
  db.prepare('INSERT INTO schema_meta VALUES (?, ?, ?, ?, ?, ?, ?)').run('primary', 'agent', version, agentId, '2026.9.6', Date.now(), Date.now());
  db.prepare('INSERT INTO auth_profile_store VALUES (?, ?, ?)').run('primary', JSON.stringify({ version: 1, profiles }), Date.now());
  db.close();
}

export function makeSqliteStateDir(options: SqliteStateOptions): SqliteState {
  const root = makeTempDir('authbar-sqlite-');
  const stateDir = join(root, 'openclaw');
  const stateDb = join(stateDir, 'state', 'openclaw.sqlite');
  mkdirSync(join(stateDir, 'state'), { recursive: true, mode: 0o700 });
  createStateDb(stateDb, options.shared, options.stateSchema ?? STATE_SCHEMA);
  const dirs = new Map<string, string>();
  const entries: Record<string, unknown> = {};
  for (const agent of options.agents) {
    const dir = agent.agentDir ?? join(stateDir, 'agents', agent.id, 'agent');
    dirs.set(agent.id, dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    entries[agent.id] = agent.agentDir ? { agentDir: dir } : {};
    if (agent.profiles) createAgentDb(join(dir, 'openclaw-agent.sqlite'), agent.id, agent.profiles, agent.agentSchema ?? AGENT_SCHEMA);
    if (agent.json !== undefined) writeFileSync(join(dir, 'auth-profiles.json'), JSON.stringify(agent.json, null, 2), { mode: 0o600 });
  }
  writeFileSync(join(stateDir, 'openclaw.json'), JSON.stringify({ agents: { ownership: 'explicit', defaults: options.defaults ?? {}, entries } }, null, 2));
  const agentDir = (id: string) => dirs.get(id) ?? join(stateDir, 'agents', id, 'agent');
  const agentDb = (id: string) => join(agentDir(id), 'openclaw-agent.sqlite');
  const where = (id: string) => (id === 'shared'
    ? { path: stateDb, sql: "SELECT value_json AS v FROM config_machine_state WHERE state_key = 'authProfiles.store'", update: "UPDATE config_machine_state SET value_json = ? WHERE state_key = 'authProfiles.store'" }
    : { path: agentDb(id), sql: "SELECT store_json AS v FROM auth_profile_store WHERE store_key = 'primary'", update: "UPDATE auth_profile_store SET store_json = ? WHERE store_key = 'primary'" });
  const profiles = (id: string) => {
    const w = where(id);
    const db = new DatabaseSync(w.path);
    try {
      return JSON.parse((db.prepare(w.sql).get() as { v: string }).v).profiles;
    } finally {
      db.close();
    }
  };
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return {
    root,
    stateDir,
    authbarHome: join(root, 'authbar'),
    stateDb,
    env: { PATH: process.env.PATH ?? '', HOME: home, OPENCLAW_STATE_DIR: stateDir, AUTHBAR_HOME: join(root, 'authbar'), NO_COLOR: '1' },
    agentDb,
    agentDir,
    profiles,
    setProfile(id, profileId, value) {
      const w = where(id);
      const db = new DatabaseSync(w.path);
      try {
        db.exec('PRAGMA busy_timeout=5000');
        const store = JSON.parse((db.prepare(w.sql).get() as { v: string }).v);
        if (value === undefined) delete store.profiles[profileId];
        else store.profiles[profileId] = value;
        db.prepare(w.update).run(JSON.stringify(store));
      } finally {
        db.close();
      }
    },
    cleanup: () => removeTempDir(root),
  };
}

/** An OpenClaw 2026.9 Codex OAuth credential (provider `openai`). */
export function openaiCredential(base: { access: string; refresh: string; expires?: number; accountId?: string; email?: string }) {
  return { type: 'oauth', provider: 'openai', ...base };
}

/**
 * OpenClaw 2026.9's fence over a credential: `pending` while it refreshes, `failed` after. Its
 * digests are OpenClaw 2026.9.6's (`buildOAuthRefreshSecretDigest`): sha256 of
 * `["openclaw.oauth-refresh-generation", 1, profileId, provider, kind, secret]` as JSON.
 */
export function fence(credential: Record<string, unknown>, kind: 'pending' | 'failed', claim = '0123456789abcdef0123456789abcdef', profileId = 'openai:default') {
  const mark = kind === 'failed' ? 'failed:' : '';
  const digest = (part: 'access' | 'refresh') =>
    createHash('sha256').update(JSON.stringify(['openclaw.oauth-refresh-generation', 1, profileId, credential.provider, part, credential[part]])).digest('hex');
  return {
    ...credential,
    access: `openclaw-oauth-refresh-fence:v1:${claim}:${mark}access:${digest('access')}`,
    refresh: `openclaw-oauth-refresh-fence:v1:${claim}:${mark}refresh:${digest('refresh')}`,
    expires: 1,
  };
}
