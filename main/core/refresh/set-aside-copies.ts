// The copies' side of set-aside sign-ins (../authbar/set-aside.ts keeps the records): before
// AuthBar writes a newer credential over a copy's own with no token request, the own entry is
// recorded; it goes back when the newer one proves dead (the endpoint rejects it, or OpenClaw
// 2026.9 leaves a failed fence over it); a heal or a removal moves the record along. Used by a
// refresh (./refresh-lineage.ts, ./refresh-agents.ts) and by sync (../sync.ts).
import { dropSetAside, type HeldAside, listSetAside, setAside } from '../authbar/set-aside.ts';
import { copyKey, type CredentialCopy, fenceOf, fenceReplaces } from '../copies.ts';
import type { Credential } from '../openclaw/credentials.ts';
import { changeCopy } from '../openclaw/stores.ts';
import { writableCopies } from './write-copies.ts';

/** A record now waits on `replacedBy` (written anew under its name, the old file dropped). */
function follow(home: string, held: HeldAside, replacedBy: string): void {
  if (held.record.replacedBy === replacedBy) return;
  setAside(home, { ...held.record, replacedBy });
  dropSetAside(held.path);
}

/**
 * Records each copy's entry as it is now (else as scanned) before `replacedBy` is written over
 * it; null, or why a record could not be written. A copy that already has a record holds what
 * AuthBar wrote there (or OpenClaw's fence over it): the record keeps the copy's own entry and
 * now waits on `replacedBy`, so there is one record per copy however often it is written over.
 */
export function setAsideEntries(home: string, copies: CredentialCopy[], current: ReadonlyArray<{ copy: CredentialCopy; credential: Credential }>, replacedBy: string, now: number, ownIsDead = false): string | null {
  const records = listSetAside(home);
  for (const copy of writableCopies(copies)) {
    const credential = current.find((e) => e.copy.key === copy.key)?.credential ?? copy.credential;
    try {
      // Only while the copy still holds what AuthBar wrote there (or OpenClaw's fence over it):
      // a copy holding anything else (a new sign-in) has its own entry, set aside below.
      const fenced = fenceOf(credential) !== null;
      const earlier = records.filter((h) => h.record.storePath === copy.storePath && h.record.profileId === credential.profileId && (fenced || h.record.replacedBy === credential.refresh));
      if (earlier.length > 0) {
        for (const held of earlier) follow(home, held, replacedBy);
        continue;
      }
      // A fence (OpenClaw 2026.9's refresh under way or failed) holds no refresh token to keep, nor does one a refresh proved dead.
      if (ownIsDead || credential.refresh === null || fenced) continue;
      setAside(home, {
        createdAt: now, storePath: copy.storePath, storeKind: copy.storeKind as 'json' | 'sqlite', profileId: credential.profileId, holder: copy.holder,
        entry: { ...(credential.stored ?? credential.raw) }, replacedBy,
      });
    } catch (error) {
      return `AuthBar could not set ${copy.holder}'s own sign-in aside before replacing it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }
  return null;
}

const recordOf = (copy: CredentialCopy) => (held: HeldAside) => held.record.storePath === copy.storePath && held.record.profileId === copy.credential.profileId;

/** Marks the records of SQLite per-agent copies that were removed (not written over) for `replacedBy`. */
export function markRemoved(home: string, removed: CredentialCopy[], replacedBy: string): void {
  if (removed.length === 0) return;
  const records = listSetAside(home).filter((h) => h.record.replacedBy === replacedBy);
  for (const copy of removed) for (const held of records.filter(recordOf(copy))) setAside(home, { ...held.record, removed: true });
}

/**
 * The copies among `holders` (each still holding `rejected`) whose own entry, set aside, went
 * back, plus per-agent copies removed for it (OpenClaw 2026.9), refilled with their own. A record
 * is matched by store and profile id, else by store alone when its copy was re-keyed meanwhile
 * (OpenClaw renames `openai-codex:default` to the account's email): the copy still holds
 * `rejected` in that store, so the entry is AuthBar's own write to undo.
 */
export async function putBackSetAside(home: string, holders: CredentialCopy[], rejected: string): Promise<CredentialCopy[]> {
  // Newest first: what the rejected one replaced last.
  const records = listSetAside(home).filter((h) => h.record.replacedBy === rejected).sort((a, b) => b.record.createdAt - a.record.createdAt);
  const used = new Set<HeldAside>();
  const back: CredentialCopy[] = [];
  const restore = async (copy: CredentialCopy, held: HeldAside, removed: boolean) => {
    used.add(held);
    try {
      const result = await changeCopy(copy, rejected, { kind: 'restore', entry: held.record.entry, removed });
      if (result.result === 'written') {
        back.push(copy);
        dropSetAside(held.path);
      }
    } catch {
      // Left set aside: the next refresh tries again.
    }
  };
  for (const copy of holders) {
    const held = records.find((h) => !used.has(h) && recordOf(copy)(h))
      ?? records.find((h) => !used.has(h) && !h.record.removed && h.record.storePath === copy.storePath && !holders.some((other) => other !== copy && recordOf(other)(h)));
    // An absent profile is never refilled here: it may be someone else's removal.
    if (held) await restore(copy, held, false);
  }
  // Removed by AuthBar for the rejected one: the profile comes back (only where it is still absent).
  for (const held of records.filter((h) => h.record.removed && !used.has(h))) {
    const { storePath, storeKind, profileId, holder } = held.record;
    const copy = { storePath, storeKind, holder, key: copyKey(storePath, profileId), credential: { profileId } } as unknown as CredentialCopy;
    await restore(copy, held, true);
  }
  return back;
}

/**
 * OpenClaw 2026.9 failed on what AuthBar wrote over a copy (a failed fence over the replacement):
 * the copy gets its own entry back, as after a rejection. Returns the replacements OpenClaw failed
 * on: dead, to be remembered so (the fence that said so is gone now).
 */
export async function putBackOverFailedFences(home: string, copies: readonly CredentialCopy[]): Promise<string[]> {
  const dead: string[] = [];
  for (const held of listSetAside(home)) {
    const copy = copies.find((c) => recordOf(c)(held) && c.fence === 'failed' && fenceReplaces(c.credential, held.record.replacedBy));
    if (!copy) continue;
    try {
      const result = await changeCopy(copy, copy.credential.refresh!, { kind: 'restore', entry: held.record.entry, removed: false });
      if (result.result === 'written') {
        dropSetAside(held.path);
        dead.push(held.record.replacedBy);
      }
    } catch {
      // Left set aside: the next run tries again.
    }
  }
  return dead;
}

export function dropSetAsideFor(home: string, copies: CredentialCopy[], replacedBy: string): void {
  const records = listSetAside(home).filter((h) => h.record.replacedBy === replacedBy);
  for (const copy of copies) for (const held of records.filter(recordOf(copy))) dropSetAside(held.path);
}

/** What was set aside for `from` in these copies now waits on `to` (a heal wrote it over the dead one). */
export function repointSetAside(home: string, copies: CredentialCopy[], from: string, to: string): void {
  const records = listSetAside(home).filter((h) => h.record.replacedBy === from);
  for (const copy of copies) for (const held of records.filter(recordOf(copy))) follow(home, held, to);
}
