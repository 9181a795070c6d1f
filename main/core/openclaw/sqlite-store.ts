// OpenClaw 2026.9.x's SQLite auth stores (as openclaw 2026.9.6 lays them out, and what it
// does when run). Read on the live files (WAL included) in short read transactions; written in
// one short `BEGIN IMMEDIATE` with a busy timeout well under OpenClaw's own 5 s, never across a
// network call, so OpenClaw never sees "database is locked" because of AuthBar.
import { realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { crypto } from '../lazy-crypto.ts';
import { asStoreDocument, type Credential, isProfileId, normalizeCredential, profileEntry, type StoreDocument } from './credentials.ts';
import type { CredentialFields, ReplaceResult, StoreRead } from './json-store.ts';
import { type Env, expandPath } from './paths.ts';
import { ensurePrivateDirectory } from './private-write.ts';
import { MAX_STORE_BYTES, regularFileProblem } from './read-file.ts';
import { jsonErrorPosition } from '../parse-error.ts';

export const STATE_DB = (stateDir: string) => join(stateDir, 'state', 'openclaw.sqlite');
export const AGENT_DB = (agentDir: string) => join(agentDir, 'openclaw-agent.sqlite');

/** The schema versions AuthBar's writes are tested against (openclaw@2026.9.6). */
export const KNOWN_STATE_SCHEMA = 18;
export const KNOWN_AGENT_SCHEMA = 23;
/** Ours is far below OpenClaw's 5000 ms: we wait less than OpenClaw would for us. */
export const WRITE_BUSY_TIMEOUT_MS = 1500;

/** Where a store's JSON lives inside a database. */
export interface SqliteLocation {
  path: string;
  table: 'config_machine_state' | 'auth_profile_store';
  keyColumn: 'state_key' | 'store_key';
  valueColumn: 'value_json' | 'store_json';
  updatedColumn: 'updated_at_ms' | 'updated_at';
  key: 'authProfiles.store' | 'primary';
}

export const sharedStateDbLocation = (path: string): SqliteLocation => ({
  path, table: 'config_machine_state', keyColumn: 'state_key', valueColumn: 'value_json', updatedColumn: 'updated_at_ms', key: 'authProfiles.store',
});
export const agentDbLocation = (path: string): SqliteLocation => ({
  path, table: 'auth_profile_store', keyColumn: 'store_key', valueColumn: 'store_json', updatedColumn: 'updated_at', key: 'primary',
});

let sqlite: typeof import('node:sqlite') | null = null;
/** node:sqlite on first use, without its "experimental" warning on a user's terminal (Node 22). */
function sqliteModule(): typeof import('node:sqlite') {
  if (sqlite) return sqlite;
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('SQLite')) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    sqlite = process.getBuiltinModule('node:sqlite') ?? null;
  } finally {
    process.emitWarning = emit;
  }
  // An Electron or Node built without it gives undefined, not an error: say so plainly.
  if (!sqlite) throw new SqliteUnavailableError();
  return sqlite;
}

/** This runtime has no node:sqlite, so OpenClaw 2026.9's stores cannot be read here. */
export class SqliteUnavailableError extends Error {
  override name = 'SqliteUnavailableError';
  readonly fix = 'run AuthBar on Node 22.13 or newer (from a clone: npm run authbar -- ..., which fetches it), or a newer AuthBar app, to read OpenClaw 2026.9 state';
  constructor() {
    super(`this runtime (Node ${process.versions.node}) has no node:sqlite, which OpenClaw 2026.9's stores need`);
  }
}

const unreadableFix = (error: unknown) => (error instanceof SqliteUnavailableError ? { fix: error.fix } : {});

export function openDatabase(path: string, options: { readOnly: boolean; timeoutMs?: number }): DatabaseSync {
  // SQLite opens the file itself, blocking: a FIFO there would hang every caller (status, usage).
  const problem = regularFileProblem(path);
  if (problem && !problem.absent) throw new Error(problem.error);
  return new (sqliteModule().DatabaseSync)(path, { readOnly: options.readOnly, timeout: options.timeoutMs ?? 1000 });
}

/** A JSON row that does not parse is reported by position: V8's message quotes the row (tokens). */
class RowSyntaxError extends Error {}

function parseRow(location: SqliteLocation, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new RowSyntaxError(`the ${location.key} row is not valid JSON (${jsonErrorPosition(error, value)})`);
  }
}

// SQLite's own message can quote the data (RAISE(ABORT, <any expression>) in a trigger since
// 3.47; json_extract quotes a bad path): only the messages that name no data are shown as they
// are, any other as SQLite's generic text for its code (errstr, e.g. "constraint failed").
const PLAIN_SQLITE_MESSAGE = /^(?:no such (?:table|column|function): [\w.$]{1,64}|file is not a database|database disk image is malformed|unable to open database file|attempt to write a readonly database|disk I\/O error|database or disk is full)$/;

function describe(error: unknown): string {
  if (error instanceof RowSyntaxError) return error.message;
  if (error instanceof SyntaxError) return 'a row is not valid JSON';
  const message = ((error as Error).message ?? String(error)).split('\n')[0]!;
  if (/locked|busy/i.test(message)) return 'database is busy (another process holds a write transaction)';
  const { code, errstr } = error as { code?: unknown; errstr?: unknown };
  if (code !== 'ERR_SQLITE_ERROR' || PLAIN_SQLITE_MESSAGE.test(message)) return message;
  return typeof errstr === 'string' && /^[\w ,/'-]{1,80}$/.test(errstr) ? `SQLite: ${errstr}` : 'SQLite error';
}

function credentialsOf(document: StoreDocument): Credential[] {
  return Object.entries(document.profiles).flatMap(([id, value]) => (isProfileId(id) ? normalizeCredential(id, value) ?? [] : []));
}

function versionOf(path: string): string {
  // The WAL changes while the main file may not: both make the version.
  const parts = [path, `${path}-wal`].map((p) => {
    try {
      const s = statSync(p);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  });
  return parts.join('|');
}

function schemaVersionIn(db: DatabaseSync, location: SqliteLocation): number | null {
  try {
    return location.table === 'config_machine_state'
      ? (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version
      : ((db.prepare("SELECT schema_version AS v FROM schema_meta WHERE meta_key = 'primary'").get() as { v?: number } | undefined)?.v ?? null);
  } catch {
    return null;
  }
}

export const isKnownSchema = (location: SqliteLocation, version: number | null): boolean =>
  version === (location.table === 'config_machine_state' ? KNOWN_STATE_SCHEMA : KNOWN_AGENT_SCHEMA);

/**
 * `profileState`: the raw JSON of OpenClaw's runtime state beside the store (order, lastGood,
 * usageStats: no secrets), read in the same transaction so status opens each database once;
 * main/core/usage/openclaw-state.ts narrows it. Null when there is none.
 */
export type SqliteRead = StoreRead & { schema?: number | null; profileState?: string | null };

/** 2026.9.6: `authProfiles.state` beside `authProfiles.store`, and an agent DB's `auth_profile_state` row `primary`. */
function profileStateIn(db: DatabaseSync, location: SqliteLocation): string | null {
  try {
    // Past MAX_STORE_BYTES it is as if nothing were recorded: not read, like an oversized store row.
    const row = (location.table === 'config_machine_state'
      ? db.prepare("SELECT value_json AS value FROM config_machine_state WHERE state_key = 'authProfiles.state' AND length(CAST(value_json AS BLOB)) <= ?").get(MAX_STORE_BYTES)
      : db.prepare("SELECT state_json AS value FROM auth_profile_state WHERE state_key = 'primary' AND length(CAST(state_json AS BLOB)) <= ?").get(MAX_STORE_BYTES)) as { value?: string } | undefined;
    return row?.value ?? null;
  } catch {
    return null; // a schema without the table: nothing recorded
  }
}

/**
 * The store row, measured in SQLite before it is read: past MAX_STORE_BYTES (the JSON era's
 * bound) it is refused unread, as a JSON store that large is (a row of hundreds of MB was read
 * whole on every status).
 */
function storeRow(db: DatabaseSync, location: SqliteLocation): { value?: string } | undefined {
  const size = `length(CAST(${location.valueColumn} AS BLOB))`;
  const row = db.prepare(`SELECT ${size} AS size, CASE WHEN ${size} > ? THEN NULL ELSE ${location.valueColumn} END AS value FROM ${location.table} WHERE ${location.keyColumn} = ?`)
    .get(MAX_STORE_BYTES, location.key) as { size?: number | null; value?: string | null } | undefined;
  if ((row?.size ?? 0) > MAX_STORE_BYTES) throw new RowTooLarge(`the ${location.key} row is larger than ${MAX_STORE_BYTES / 1024 / 1024} MiB`);
  return row === undefined ? undefined : { value: row.value ?? undefined };
}

class RowTooLarge extends Error {
  override name = 'RowTooLarge';
}

function readOpen(db: DatabaseSync, location: SqliteLocation): SqliteRead {
  db.exec('BEGIN');
  let row: { value?: string } | undefined;
  let schema: number | null;
  let profileState: string | null;
  try {
    row = storeRow(db, location);
    schema = schemaVersionIn(db, location);
    profileState = profileStateIn(db, location);
  } finally {
    db.exec('COMMIT');
  }
  if (!row?.value) return { state: 'ok', path: location.path, kind: 'sqlite', credentials: [], skipped: [], version: versionOf(location.path), schema, profileState };
  const document = asStoreDocument(parseRow(location, row.value));
  if (!document) return { state: 'unreadable', path: location.path, kind: 'sqlite', error: `the ${location.key} row is not an auth store` };
  return { state: 'ok', path: location.path, kind: 'sqlite', credentials: credentialsOf(document), skipped: [], version: versionOf(location.path), schema, profileState };
}

/** One store's JSON (and its schema version), read in one short read transaction on the live database. */
export function readSqliteStore(location: SqliteLocation): SqliteRead {
  // SQLite opens what it is given: a FIFO would block it forever, so look before it does.
  const problem = regularFileProblem(location.path);
  if (problem?.absent) return { state: 'absent', path: location.path };
  if (problem) return { state: 'unreadable', path: location.path, kind: 'sqlite', error: problem.error };
  let db: DatabaseSync | undefined;
  try {
    db = openDatabase(location.path, { readOnly: true });
    return readOpen(db, location);
  } catch (error) {
    return { state: 'unreadable', path: location.path, kind: 'sqlite', error: describe(error), ...unreadableFix(error) };
  } finally {
    db?.close();
  }
}

/**
 * The shared store every agent inherits from, with one open of the state DB in the usual case:
 * `auth.sharedStore` = `{"location":"state-db"}` puts it in the state DB itself; without that
 * row ("legacy-main") it is main's own agent DB (2026.9 honours OPENCLAW_AGENT_DIR only).
 */
export function readSharedStore(stateDir: string, env: Env): { location: SqliteLocation; read: SqliteRead } {
  const stateDb = STATE_DB(stateDir);
  const stateLocation = sharedStateDbLocation(stateDb);
  const problem = regularFileProblem(stateDb);
  if (problem) return { location: stateLocation, read: { state: 'unreadable', path: stateDb, kind: 'sqlite', error: problem.error } };
  let db: DatabaseSync | undefined;
  try {
    db = openDatabase(stateDb, { readOnly: true });
    const row = db.prepare("SELECT value_json AS value FROM config_machine_state WHERE state_key = 'auth.sharedStore'").get() as { value?: string } | undefined;
    const where = row?.value ? (JSON.parse(row.value) as { location?: string }).location : undefined;
    if (where === 'state-db') return { location: stateLocation, read: readOpen(db, stateLocation) };
  } catch (error) {
    return { location: stateLocation, read: { state: 'unreadable', path: stateDb, kind: 'sqlite', error: describe(error), ...unreadableFix(error) } };
  } finally {
    db?.close();
  }
  const mainDir = env.OPENCLAW_AGENT_DIR?.trim() ? expandPath(env.OPENCLAW_AGENT_DIR.trim(), env) : join(stateDir, 'agents', 'main', 'agent');
  const location = agentDbLocation(AGENT_DB(mainDir));
  return { location, read: readSqliteStore(location) };
}

/**
 * OpenClaw 2026.9.6 puts its coordinator files under the literal `/tmp` (not $TMPDIR), in a
 * directory it requires to be a real one, owned by the user, mode 0700: the same here, so both
 * meet at one file and a directory another user planted is refused, not used.
 */
export function stateLifecycleLockDir(uid: number): string {
  return join(process.platform === 'win32' ? tmpdir() : '/tmp', `openclaw-state-locks-${uid}`);
}

/**
 * OpenClaw's coordinator around shared-state writes: an empty SQLite file in
 * `<tmp>/openclaw-state-locks-<uid>/`, named for the state DB, held with BEGIN EXCLUSIVE.
 * AuthBar takes it too around its own shared-store write, as a polite peer.
 */
export function withStateLifecycleLock<T>(stateDb: string, busyTimeoutMs: number, work: () => T): T {
  const file = stateLifecycleLockFile(stateDb);
  if (file === null) return work();
  ensurePrivateDirectory(dirname(file));
  let db: DatabaseSync;
  try {
    db = openDatabase(file, { readOnly: false, timeoutMs: busyTimeoutMs });
    db.exec('PRAGMA journal_mode=MEMORY');
  } catch (error) {
    // A file planted there that is not a database (or not ours) must be named, not hidden.
    throw new Error(`OpenClaw's state lifecycle lock ${file} is not usable (${describe(error)})`);
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
    try {
      return work();
    } finally {
      db.exec('ROLLBACK');
    }
  } finally {
    db.close();
  }
}

/** `<tmp>/openclaw-state-locks-<uid>/state-lifecycle.<sha256(realpath(db))[:8]>.lock.sqlite`, or null off POSIX. */
export function stateLifecycleLockFile(stateDb: string): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  let real = stateDb;
  try {
    real = realpathSync(stateDb);
  } catch {
    // not there: nothing to coordinate
  }
  const hash = crypto().createHash('sha256').update(real).digest('hex').slice(0, 8);
  return join(stateLifecycleLockDir(uid), `state-lifecycle.${hash}.lock.sqlite`);
}

/** Whether a write transaction can start within `busyTimeoutMs` (begun and rolled back at once). */
export function probeSqliteWrite(location: SqliteLocation, busyTimeoutMs: number): boolean {
  let db: DatabaseSync | undefined;
  try {
    db = openDatabase(location.path, { readOnly: false, timeoutMs: busyTimeoutMs });
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return true;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/**
 * Why this store's JSON could not be written back after a change, or null: the row must parse
 * and serialize again (a deeply nested unknown field parses, then overflows JSON.stringify).
 */
export function sqliteRowProblem(location: SqliteLocation): string | null {
  let db: DatabaseSync | undefined;
  try {
    db = openDatabase(location.path, { readOnly: true });
    const row = storeRow(db, location);
    if (!row?.value) return `the ${location.key} row of ${location.path} is missing`;
    JSON.stringify(JSON.parse(row.value));
    return null;
  } catch (error) {
    const why = error instanceof RangeError ? 'it nests too deeply to serialize' : describe(error);
    return `the ${location.key} row of ${location.path} cannot be written back (${why})`;
  } finally {
    db?.close();
  }
}

/**
 * `restore` puts a profile's earlier entry back whole: where it holds `expectRefresh`, or, when
 * `removed` says this run removed it moments ago (so it would inherit the shared one), is gone.
 */
export type SqliteChange = { kind: 'replace'; fields: CredentialFields } | { kind: 'delete' } | { kind: 'restore'; entry: Readonly<Record<string, unknown>>; removed: boolean };

/**
 * Changes one profile of a SQLite store in a single short `BEGIN IMMEDIATE`: re-read inside the
 * transaction, change only that profile (only if it still holds `expectRefresh`), write the
 * whole store JSON back as OpenClaw does (compact), then commit. Anything else in the row, and
 * every other profile, is kept as it is.
 */
export function changeSqliteCredential(location: SqliteLocation, profileId: string, expectRefresh: string, change: SqliteChange, busyTimeoutMs = WRITE_BUSY_TIMEOUT_MS): ReplaceResult {
  let db: DatabaseSync | undefined;
  try {
    db = openDatabase(location.path, { readOnly: false, timeoutMs: busyTimeoutMs });
    db.exec('BEGIN IMMEDIATE');
    try {
      const row = storeRow(db, location);
      const document = row?.value ? asStoreDocument(parseRow(location, row.value)) : null;
      if (!document) {
        db.exec('ROLLBACK');
        return { result: 'unreadable', error: `the ${location.key} row is not an auth store` };
      }
      const profile = profileEntry(document, profileId);
      const current = normalizeCredential(profileId, profile);
      const restoresRemoved = change.kind === 'restore' && change.removed && profile === undefined && isProfileId(profileId);
      if (!restoresRemoved && (!current || current.refresh !== expectRefresh || !profile || typeof profile !== 'object')) {
        db.exec('ROLLBACK');
        return { result: 'changed', current };
      }
      if (change.kind === 'delete') delete document.profiles[profileId];
      else if (change.kind === 'restore') document.profiles[profileId] = { ...change.entry };
      else {
        const next: Record<string, unknown> = { ...(profile as Record<string, unknown>), access: change.fields.access, refresh: change.fields.refresh, expires: change.fields.expires };
        if (change.fields.accountId) next.accountId = change.fields.accountId;
        if (change.fields.email) next.email = change.fields.email;
        document.profiles[profileId] = next;
      }
      db.prepare(`UPDATE ${location.table} SET ${location.valueColumn} = ?, ${location.updatedColumn} = ? WHERE ${location.keyColumn} = ?`).run(JSON.stringify(document), Date.now(), location.key);
      db.exec('COMMIT');
      return { result: 'written' };
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  } catch (error) {
    if (/locked|busy/i.test((error as Error).message)) return { result: 'busy', error: describe(error) };
    return { result: 'unreadable', error: describe(error) };
  } finally {
    db?.close();
  }
}
