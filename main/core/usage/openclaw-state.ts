// What OpenClaw itself recorded about each profile's usage, read so AuthBar shows it instead of
// asking again. OpenClaw keeps it beside the credentials, without secrets:
// - 2026.9.x: JSON `{version, order?, lastGood?, usageStats?}` in the state DB's
//   `config_machine_state` row `authProfiles.state` (the shared store), and in each agent DB's
//   `auth_profile_state` row `primary`; an agent's own entry wins per profile id (2026.9.6
//   `mergeAuthProfileState`). Per profile (`coerceProfileUsageStats`): `blockedReason`
//   (`subscription_limit`), `blockedUntil`, `blockedSource` (`wham`, `codex_rate_limits`),
//   `cooldownUntil`, `cooldownReason` (`auth`, `auth_permanent`, `rate_limit`, ...),
//   `disabledUntil` / `disabledReason` (after failed refreshes), all times in epoch ms.
// - 2026.5.7: `<agentDir>/auth-state.json`, same `usageStats`, but only `cooldownUntil` and
//   `disabledUntil` (its WHAM probe turns a reached limit into a cooldown, never a block).
// Read-only, in one short read each; a missing table, row or file is simply nothing recorded.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN_AGENT_ID } from '../openclaw/paths.ts';
import { AGENT_DB, openDatabase, STATE_DB } from '../openclaw/sqlite-store.ts';
import type { Scan } from '../scan.ts';
import type { RecordedState } from './schema.ts';

export type RecordedByProfile = Map<string, RecordedState>;

const time = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);
const word = (value: unknown): string | null => (typeof value === 'string' && /^[a-z_]{1,40}$/.test(value) ? value : null);

/** One `usageStats` object, narrowed from unknown; entries with nothing to show are dropped. */
export function recordedFromState(raw: unknown): RecordedByProfile {
  const result: RecordedByProfile = new Map();
  const stats = raw && typeof raw === 'object' ? (raw as { usageStats?: unknown }).usageStats : null;
  if (!stats || typeof stats !== 'object' || Array.isArray(stats)) return result;
  for (const [profileId, value] of Object.entries(stats as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    const v = value as Record<string, unknown>;
    const state: RecordedState = {
      blockedReason: word(v.blockedReason),
      blockedUntil: time(v.blockedUntil),
      cooldownReason: word(v.cooldownReason),
      cooldownUntil: time(v.cooldownUntil),
      disabledReason: word(v.disabledReason),
      disabledUntil: time(v.disabledUntil),
    };
    if (state.blockedUntil !== null || state.cooldownUntil !== null || state.disabledUntil !== null) result.set(profileId, state);
  }
  return result;
}

function readSqliteCell(path: string, sql: string, key: string): unknown {
  if (!existsSync(path)) return null;
  let db;
  try {
    db = openDatabase(path, { readOnly: true });
    const row = db.prepare(sql).get(key) as { value?: string } | undefined;
    return row?.value ? JSON.parse(row.value) : null;
  } catch {
    return null; // an older schema without the table, a busy or damaged file: nothing recorded
  } finally {
    db?.close();
  }
}

function readJsonState(agentDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(agentDir, 'auth-state.json'), 'utf8'));
  } catch {
    return null;
  }
}

const SHARED_STATE_SQL = 'SELECT value_json AS value FROM config_machine_state WHERE state_key = ?';
const AGENT_STATE_SQL = 'SELECT state_json AS value FROM auth_profile_state WHERE state_key = ?';

/** Agent id → profile id → what OpenClaw recorded, merged as OpenClaw merges it. */
export function readRecordedState(scan: Scan): Map<string, RecordedByProfile> {
  const sqlite = scan.era === 'sqlite';
  const sharedPath = scan.mainStore.path;
  const shared = recordedFromState(sqlite
    ? (sharedPath === STATE_DB(scan.stateDir) ? readSqliteCell(sharedPath, SHARED_STATE_SQL, 'authProfiles.state') : readSqliteCell(sharedPath, AGENT_STATE_SQL, 'primary'))
    : readJsonState(scan.mainAgentDir));
  const result = new Map<string, RecordedByProfile>();
  for (const agent of scan.agents) {
    const isMain = agent.id === MAIN_AGENT_ID || agent.agentDir === scan.mainAgentDir;
    const own = isMain ? new Map() : recordedFromState(sqlite ? readSqliteCell(AGENT_DB(agent.agentDir), AGENT_STATE_SQL, 'primary') : readJsonState(agent.agentDir));
    result.set(agent.id, new Map([...(agent.configured || isMain ? shared : []), ...own]));
  }
  return result;
}
