// Which store OpenClaw would use, per agent: the JSON era's auth-profiles.json, or 2026.9's
// SQLite (a shared store plus per-agent databases), including half-migrated state dirs where
// some agents still have only JSON (2026.9.6 then refuses those agents: observed).
import { existsSync, lstatSync } from 'node:fs';
import type { StoreRead } from './json-store.ts';
import { type Env, jsonStorePath, MAIN_AGENT_ID } from './paths.ts';
import { AGENT_DB, agentDbLocation, isKnownSchema, readSharedStore, readSqliteStore, type SqliteLocation, type SqliteRead, STATE_DB } from './sqlite-store.ts';

export type Era = 'json' | 'sqlite';

/** Whether a path names anything, a dangling symlink included (read, it then says where it points). */
const present = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

export function detectEra(stateDir: string): Era {
  return present(STATE_DB(stateDir)) ? 'sqlite' : 'json';
}

export interface SqliteShared {
  location: SqliteLocation;
  read: SqliteRead;
  /** AuthBar writes only databases whose schema its tests cover. */
  writable: boolean;
  why: string | null;
}

export function sqliteShared(stateDir: string, env: Env): SqliteShared {
  const { location, read } = readSharedStore(stateDir, env);
  if (read.state !== 'ok' || isKnownSchema(location, read.schema ?? null)) return { location, read, writable: true, why: null };
  return { location, read, writable: false, why: `schema version ${read.schema ?? 'unknown'} of ${location.path} is newer than the one AuthBar was tested with` };
}

const MIGRATE = 'openclaw doctor --fix';

/** An agent's own store in a SQLite-era state dir (main's is the shared store), and whether AuthBar may write it. */
export function readSqliteEraAgentStore(agentId: string, agentDir: string, shared: StoreRead): { store: StoreRead; known: boolean } {
  const json = jsonStorePath(agentDir);
  const migrationPending: StoreRead = {
    state: 'unreadable',
    path: json,
    kind: 'json',
    error: 'OpenClaw 2026.9 refuses this agent until its auth-profiles.json is migrated (AUTH_PROFILE_MIGRATION_REQUIRED)',
    fix: MIGRATE,
  };
  if (agentId === MAIN_AGENT_ID) return { store: existsSync(json) && shared.path !== AGENT_DB(agentDir) ? migrationPending : shared, known: true };
  const location = agentDbLocation(AGENT_DB(agentDir));
  if (!present(location.path)) return { store: existsSync(json) ? migrationPending : { state: 'absent', path: location.path }, known: true };
  const read = readSqliteStore(location);
  if (read.state === 'ok' && read.credentials.length === 0 && existsSync(json)) return { store: migrationPending, known: true };
  return { store: read, known: read.state !== 'ok' || isKnownSchema(location, read.schema ?? null) };
}
