// One interface over both eras' stores for the code that refreshes and syncs copies: read a
// copy's credential now, change it under the right lock, and name the refresh lock OpenClaw
// uses for it. JSON-era copies use auth-profiles.json and its sidecar store lock; SQLite-era
// copies a short BEGIN IMMEDIATE (plus OpenClaw's coordinator lock for the shared state DB).
import { basename, dirname } from 'node:path';
import type { CredentialCopy } from '../copies.ts';
import type { Credential } from './credentials.ts';
import { type CredentialFields, readStoreFile, replaceCredential, type ReplaceResult } from './json-store.ts';
import { type LockFormat, PID_LOCK, ROTATED_WRITE_LOCK, STARTTIME_LOCK, STORE_LOCK, withLock } from './lock.ts';
import { jsonEraRefreshLockTarget, sqliteEraRefreshLockTarget } from './refresh-lock.ts';
import { agentDbLocation, changeSqliteCredential, probeSqliteWrite, readSqliteStore, sharedStateDbLocation, type SqliteChange, type SqliteLocation, withStateLifecycleLock, WRITE_BUSY_TIMEOUT_MS } from './sqlite-store.ts';

export function sqliteLocationOf(path: string): SqliteLocation {
  return basename(path) === 'openclaw.sqlite' && basename(dirname(path)) === 'state' ? sharedStateDbLocation(path) : agentDbLocation(path);
}

export const isSharedStateDb = (copy: CredentialCopy): boolean => copy.storeKind === 'sqlite' && sqliteLocationOf(copy.storePath).table === 'config_machine_state';

/** The credential a copy holds right now (re-read under its store lock in the JSON era). */
export async function readCopyNow(copy: CredentialCopy): Promise<Credential | null | 'unreadable'> {
  const read = copy.storeKind === 'sqlite'
    ? readSqliteStore(sqliteLocationOf(copy.storePath))
    : await withLock(copy.storePath, { policy: STORE_LOCK }, async () => readStoreFile(copy.storePath, copy.storeKind as 'json' | 'legacy-json'));
  if (read.state === 'unreadable') return 'unreadable';
  if (read.state === 'absent') return null;
  return read.credentials.find((c) => c.profileId === copy.credential.profileId) ?? null;
}

export type CopyChange = SqliteChange;

/**
 * Changes one copy if it still holds `expectRefresh`; never touches a store that moved on.
 * After a rotation the old token is dead, so the write waits as long as it takes (a live
 * OpenClaw holding the store); otherwise it waits briefly and reports the store busy.
 */
export async function changeCopy(copy: CredentialCopy, expectRefresh: string, change: CopyChange, afterRotation = false): Promise<ReplaceResult> {
  if (copy.storeKind === 'sqlite') {
    const location = sqliteLocationOf(copy.storePath);
    const busyMs = afterRotation ? ROTATED_BUSY_TIMEOUT_MS : WRITE_BUSY_TIMEOUT_MS;
    const write = () => changeSqliteCredential(location, copy.credential.profileId, expectRefresh, change, busyMs);
    return location.table === 'config_machine_state' ? withStateLifecycleLock(location.path, busyMs, write) : write();
  }
  if (change.kind === 'delete') throw new Error('JSON-era copies are never deleted');
  return replaceCredential(copy.storePath, copy.credential.profileId, expectRefresh, change.kind === 'restore' ? { entry: change.entry } : change.fields, afterRotation ? ROTATED_WRITE_LOCK : STORE_LOCK);
}

/** Waiting for a SQLite write lock never blocks OpenClaw: only holding one does, and ours last milliseconds. */
const ROTATED_BUSY_TIMEOUT_MS = 60_000;

/**
 * Before a token request: can every store that must take the answer be written right now?
 * (A SQLite store busy past our short timeout makes the refresh a transient failure with no
 * request, rather than a rotated token with nowhere to go.)
 */
export function writableNow(copy: CredentialCopy): boolean {
  if (copy.storeKind !== 'sqlite') return true;
  return probeSqliteWrite(sqliteLocationOf(copy.storePath), WRITE_BUSY_TIMEOUT_MS);
}

/** The refresh lock OpenClaw takes for this copy's profile, in its era's naming and format. */
export function refreshLockOf(stateDir: string, copy: CredentialCopy): { target: string; format: LockFormat } {
  const { provider, profileId } = copy.credential;
  return copy.storeKind === 'sqlite'
    ? { target: sqliteEraRefreshLockTarget(stateDir, provider, profileId), format: STARTTIME_LOCK }
    : { target: jsonEraRefreshLockTarget(stateDir, provider, profileId), format: PID_LOCK };
}
