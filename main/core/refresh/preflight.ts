// Before a token request, prove everything that can be proven about writing its answer. The
// request rotates the refresh token: after it, a store that cannot be written loses the
// sign-in. So each store that must take the answer is checked first: another user cannot
// redirect the write, the document serializes again (a 20,000-deep unknown field parses and
// then overflows JSON.stringify), a temp file can be created exclusively in the target
// directory, OpenClaw's lifecycle lock can be taken (SQLite era), the lock directories are
// ours alone, and AuthBar's recovery file could hold the answer if every store then fails.
import { dirname } from 'node:path';
import { proveRecoveryWritable } from '../authbar/recovery.ts';
import type { CredentialCopy } from '../copies.ts';
import { profileEntry } from '../openclaw/credentials.ts';
import { parseStoreText, realTarget, serializeStore } from '../openclaw/json-store.ts';
import { refreshLocksDir } from '../openclaw/paths.ts';
import { ensurePrivateDirectory, foreignWriteReason, probeTempFile } from '../openclaw/private-write.ts';
import { readRegularFile } from '../openclaw/read-file.ts';
import { sqliteRowProblem, withStateLifecycleLock, WRITE_BUSY_TIMEOUT_MS } from '../openclaw/sqlite-store.ts';
import { isSharedStateDb, sqliteLocationOf } from '../openclaw/stores.ts';

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** Why the document in this JSON store could not be written back with a new credential, or null. */
function serializationProblem(storePath: string, profileId: string): string | null {
  // Never blocks: a store swapped for a FIFO meanwhile is refused, not waited on.
  const read = readRegularFile(storePath);
  if (!read.ok) return `${storePath}: ${read.error}`;
  const parsed = parseStoreText(read.text);
  if (!parsed.ok) return `${storePath} ${parsed.error}`;
  const profile = profileEntry(parsed.document, profileId);
  const document = { ...parsed.document, profiles: { ...parsed.document.profiles, [profileId]: { ...(profile as object), access: 'a', refresh: 'r', expires: 1 } } };
  try {
    serializeStore(document);
    return null;
  } catch (error) {
    const why = error instanceof RangeError ? 'it nests too deeply to serialize' : codeOf(error);
    return `${storePath} cannot be written back (${why})`;
  }
}

function problemOf(copy: CredentialCopy): string | null {
  if (copy.storeKind === 'sqlite') {
    // SQLite writes its -wal and -journal files beside the database: the same directory rules hold.
    const foreignDb = foreignWriteReason(realTarget(copy.storePath));
    if (foreignDb) return `${copy.storePath}: ${foreignDb}`;
    const row = sqliteRowProblem(sqliteLocationOf(copy.storePath));
    if (row) return row;
    if (!isSharedStateDb(copy)) return null;
    try {
      withStateLifecycleLock(copy.storePath, WRITE_BUSY_TIMEOUT_MS, () => undefined);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }
  const target = realTarget(copy.storePath);
  const foreign = foreignWriteReason(target);
  if (foreign) return `${copy.storePath}: ${foreign}`;
  const serialization = serializationProblem(copy.storePath, copy.credential.profileId);
  if (serialization) return serialization;
  try {
    probeTempFile(target);
  } catch (error) {
    return `cannot create a file in ${dirname(target)} (${codeOf(error)})`;
  }
  return null;
}

/**
 * One line naming everything that would stop the answer being kept, or null when all is proven.
 * `holders` are the copies that must take it (AuthBar-writable ones only).
 */
export function proveAnswerCanBeKept(holders: CredentialCopy[], where: { stateDir: string; authbarHome: string; oldRefresh: string }): string | null {
  const problems: string[] = [];
  try {
    ensurePrivateDirectory(refreshLocksDir(where.stateDir));
  } catch (error) {
    problems.push(`lock directory: ${(error as Error).message}`);
  }
  for (const copy of holders) {
    const problem = problemOf(copy);
    if (problem) problems.push(problem);
  }
  try {
    proveRecoveryWritable(where.authbarHome, where.oldRefresh);
  } catch (error) {
    problems.push(`AuthBar's recovery file could not be written in ${where.authbarHome} (${codeOf(error)})`);
  }
  return problems.length > 0 ? [...new Set(problems)].join('; ') : null;
}
