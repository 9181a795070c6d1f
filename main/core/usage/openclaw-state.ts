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
// Read with the stores (one open per database, one read per auth-state.json: scan.ts); a missing
// table, row or file is nothing recorded.
import { inDateRange } from '../date-range.ts';
import type { StoreRead } from '../openclaw/json-store.ts';
import { MAIN_AGENT_ID } from '../openclaw/paths.ts';
import type { SqliteRead } from '../openclaw/sqlite-store.ts';
import type { Scan } from '../scan.ts';
import type { RecordedState } from './schema.ts';

export type RecordedByProfile = Map<string, RecordedState>;

const time = (value: unknown): number | null => (typeof value === 'number' && inDateRange(value) && value > 0 ? value : null);
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

/** The runtime state read with the store (../openclaw/sqlite-store.ts): no second open of the database. */
function sqliteState(read: StoreRead): unknown {
  const raw = (read as SqliteRead).profileState;
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/** Agent id → profile id → what OpenClaw recorded, merged as OpenClaw merges it. */
export function readRecordedState(scan: Scan): Map<string, RecordedByProfile> {
  const sqlite = scan.era === 'sqlite';
  const shared = recordedFromState(sqlite ? sqliteState(scan.mainStore) : scan.mainAuthStateFile);
  const result = new Map<string, RecordedByProfile>();
  for (const agent of scan.agents) {
    const isMain = agent.id === MAIN_AGENT_ID || agent.agentDir === scan.mainAgentDir;
    const own = isMain || agent.store === scan.mainStore ? new Map() : recordedFromState(sqlite ? sqliteState(agent.store) : agent.authStateFile);
    result.set(agent.id, new Map([...(agent.configured || isMain ? shared : []), ...own]));
  }
  return result;
}
