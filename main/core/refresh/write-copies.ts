// Writing one credential into the copies that still hold a given refresh token, each under
// its store's lock (JSON era) or in one short transaction (SQLite era), and, after a rotation,
// keeping the answer in AuthBar's recovery file until a store holds it (issue 13 §1).
import { deleteRecovery, writeRecovery } from '../authbar/recovery.ts';
import type { CredentialCopy } from '../copies.ts';
import { type CredentialFields, UnsafeStoreError } from '../openclaw/json-store.ts';
import { LockTimeoutError } from '../openclaw/lock.ts';
import { changeCopy, type CopyChange, isSharedStateDb } from '../openclaw/stores.ts';

export interface WriteNote {
  copy: CredentialCopy;
  reason: 'legacy' | 'read-only' | 'changed' | 'unreadable' | 'locked' | 'error';
  why: string;
}

const sameIdentity = (a: CredentialCopy, b: CredentialCopy) =>
  (a.accountId ?? a.credential.email) !== null && (a.accountId ?? a.credential.email) === (b.accountId ?? b.credential.email);

/**
 * Writes `next` into every copy that still holds `oldRefresh`. Copies that moved on, or that
 * AuthBar may not write (the legacy flat auth.json, a layout its tests do not cover), are
 * reported, never overwritten. In a SQLite-era state dir a per-agent copy of the profile that
 * the shared store also holds is removed instead, so the agent inherits the shared credential:
 * what OpenClaw 2026.9's own `doctor --fix` does with a stale per-agent copy (observed).
 */
export async function writeToCopies(
  copies: CredentialCopy[],
  oldRefresh: string,
  next: CredentialFields,
  options: { afterRotation?: boolean; source?: CredentialCopy | null } = {},
): Promise<{ written: CredentialCopy[]; notWritten: WriteNote[]; removed: CredentialCopy[] }> {
  const afterRotation = options.afterRotation ?? false;
  const written: CredentialCopy[] = [];
  /** Written by removing the copy (it inherits the shared store's from now on). */
  const removed: CredentialCopy[] = [];
  const notWritten: WriteNote[] = [];
  // The shared store first: per-agent copies may then fall back to it.
  const ordered = [...copies].sort((a, b) => Number(isSharedStateDb(b)) - Number(isSharedStateDb(a)));
  for (const copy of ordered) {
    if (copy.storeKind === 'legacy-json') {
      notWritten.push({ copy, reason: 'legacy', why: `${copy.storePath} is a legacy store AuthBar only reads` });
      continue;
    }
    if (!copy.writable) {
      notWritten.push({ copy, reason: 'read-only', why: `${copy.storePath} has a layout AuthBar only reads` });
      continue;
    }
    const shared = [...written, ...(options.source ? [options.source] : [])]
      .find((w) => isSharedStateDb(w) && w !== copy && w.credential.profileId === copy.credential.profileId && sameIdentity(w, copy));
    const change: CopyChange = copy.storeKind === 'sqlite' && shared ? { kind: 'delete' } : { kind: 'replace', fields: { ...next, email: copy.credential.email ?? next.email ?? null } };
    try {
      const result = await changeCopy(copy, oldRefresh, change, afterRotation);
      if (result.result === 'written') {
        written.push(copy);
        if (change.kind === 'delete') removed.push(copy);
      }
      else if (result.result === 'changed') notWritten.push({ copy, reason: 'changed', why: 'it changed meanwhile (left as it is)' });
      else if (result.result === 'busy') notWritten.push({ copy, reason: 'locked', why: `its database stayed busy (${result.error})` });
      else notWritten.push({ copy, reason: 'unreadable', why: `${copy.storePath} is unreadable now (${result.error}); not written` });
    } catch (error) {
      if (error instanceof LockTimeoutError) notWritten.push({ copy, reason: 'locked', why: 'its store stayed locked by another process' });
      else if (error instanceof UnsafeStoreError) notWritten.push({ copy, reason: 'error', why: `${copy.storePath}: ${error.message}` });
      else notWritten.push({ copy, reason: 'error', why: `write failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { written, notWritten, removed };
}

/** The copies AuthBar may write: never the legacy flat auth.json, never a layout it only reads. */
export const writableCopies = (copies: CredentialCopy[]): CredentialCopy[] => copies.filter((c) => c.storeKind !== 'legacy-json' && c.writable);

export interface Kept {
  written: CredentialCopy[];
  notWritten: WriteNote[];
  /** The recovery file still holding the answer when no store could take it, else null. */
  heldIn: string | null;
  /** Why the recovery file could not be written (an error code, never its content), else null. */
  unheld: string | null;
}

/**
 * After a rotation the answer is the only live copy of the sign-in. It goes to AuthBar's
 * recovery file first (so a kill between the answer and the store writes loses nothing), then
 * into every store; the file is deleted as soon as one store holds it.
 */
export async function keepRotated(holders: CredentialCopy[], oldRefresh: string, fresh: CredentialFields, authbarHome: string, now: number): Promise<Kept> {
  const first = holders[0]!.credential;
  let heldIn: string | null = null;
  let unheld: string | null = null;
  try {
    heldIn = writeRecovery(authbarHome, {
      version: 1,
      createdAt: now,
      provider: first.provider,
      profileId: first.profileId,
      oldRefresh,
      credential: { access: fresh.access, refresh: fresh.refresh, expires: fresh.expires, accountId: fresh.accountId },
      copies: writableCopies(holders).map((c) => ({ storePath: c.storePath, storeKind: c.storeKind as 'json' | 'sqlite', profileId: c.credential.profileId, holder: c.holder })),
    });
  } catch (error) {
    // Proven writable just before the request; whatever changed since, the stores come next.
    unheld = (error as NodeJS.ErrnoException).code ?? 'not writable';
  }
  const wrote = await writeToCopies(holders, oldRefresh, fresh, { afterRotation: true });
  if (wrote.written.length > 0 && heldIn !== null) {
    deleteRecovery(heldIn);
    heldIn = null;
  }
  return { ...wrote, heldIn, unheld };
}
