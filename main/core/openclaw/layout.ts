// Which store OpenClaw would use, per agent: the JSON era's auth-profiles.json, or 2026.9's
// SQLite (a shared store plus per-agent databases), including half-migrated state dirs where
// some agents still have only JSON (2026.9.6 then refuses those agents: observed).
import { existsSync } from 'node:fs';
import type { StoreRead } from './json-store.ts';
import { jsonStorePath, MAIN_AGENT_ID, type Env } from './paths.ts';
import { AGENT_DB, agentDbLocation, readSqliteStore, schemaInfo, type SqliteLocation, sharedStoreLocation, STATE_DB } from './sqlite-store.ts';

export type Era = 'json' | 'sqlite';

export function detectEra(stateDir: string): Era {
  return existsSync(STATE_DB(stateDir)) ? 'sqlite' : 'json';
}

export interface SqliteLayout {
  shared: SqliteLocation;
  /** AuthBar writes only databases whose schema its tests cover. */
  writable: boolean;
  why: string | null;
}

export function sqliteLayout(stateDir: string, env: Env): SqliteLayout {
  const shared = sharedStoreLocation(stateDir, env);
  const schema = existsSync(shared.path) ? schemaInfo(shared) : { version: null, known: true };
  return schema.known
    ? { shared, writable: true, why: null }
    : { shared, writable: false, why: `schema version ${schema.version ?? 'unknown'} of ${shared.path} is newer than the one AuthBar was tested with` };
}

const MIGRATE = 'openclaw doctor --fix';

/** An agent's own store in a SQLite-era state dir (main's is the shared store). */
export function readSqliteEraAgentStore(agentId: string, agentDir: string, shared: StoreRead): StoreRead {
  const json = jsonStorePath(agentDir);
  const migrationPending: StoreRead = {
    state: 'unreadable',
    path: json,
    kind: 'json',
    error: 'OpenClaw 2026.9 refuses this agent until its auth-profiles.json is migrated (AUTH_PROFILE_MIGRATION_REQUIRED)',
    fix: MIGRATE,
  };
  if (agentId === MAIN_AGENT_ID) return existsSync(json) && shared.path !== AGENT_DB(agentDir) ? migrationPending : shared;
  const db = AGENT_DB(agentDir);
  if (!existsSync(db)) return existsSync(json) ? migrationPending : { state: 'absent', path: db };
  const read = readSqliteStore(agentDbLocation(db));
  if (read.state === 'ok' && read.credentials.length === 0 && existsSync(json)) return migrationPending;
  return read;
}

export function agentSchemaKnown(agentDir: string): boolean {
  const db = AGENT_DB(agentDir);
  return !existsSync(db) || schemaInfo(agentDbLocation(db)).known;
}
