// Which refresh token each copy held lately, as salted hashes in AuthBar's memory. This is
// what turns "looks stranded" into "certainly stranded": a copy still holding a token that
// another store has since moved on from was left behind by a rotation. Pure.
import { type Memory, seenOf } from './authbar/memory.ts';
import type { CredentialCopy } from './copies.ts';

export const HISTORY_LENGTH = 8;

/** Stores whose file changed since AuthBar last recorded them (so their copies need hashing). */
export function changedStores(memory: Memory, versions: ReadonlyMap<string, string>): string[] {
  return [...versions].filter(([path, version]) => memory.versions[path] !== version).map(([path]) => path);
}

/**
 * Records the current refresh token (hashed) of every copy in a changed store. Returns
 * whether the memory changed. Hashing happens only for changed stores: a status of an
 * unchanged fleet computes no hash at all.
 */
export function recordSightings(
  memory: Memory,
  copies: readonly CredentialCopy[],
  versions: ReadonlyMap<string, string>,
  now: number,
  hash: (token: string) => string,
): boolean {
  const changed = new Set(changedStores(memory, versions));
  if (changed.size === 0) return false;
  for (const copy of copies) {
    if (!changed.has(copy.storePath)) continue;
    const current = copy.credential.refresh ? hash(copy.credential.refresh) : null;
    const seen = seenOf(memory, copy.key);
    if (seen[0]?.hash !== current) {
      memory.seen[copy.key] = [{ hash: current, firstSeen: now }, ...seen].slice(0, HISTORY_LENGTH);
    }
  }
  for (const path of changed) memory.versions[path] = versions.get(path)!;
  return true;
}

/** The hash of the token a copy holds now, if its store is recorded at its current version. */
export function currentHash(memory: Memory, copy: CredentialCopy, versions: ReadonlyMap<string, string>): string | null {
  if (memory.versions[copy.storePath] !== versions.get(copy.storePath)) return null;
  return seenOf(memory, copy.key)[0]?.hash ?? null;
}

/** Whether `hash` is a token `copy` held before and has since moved on from. */
export function movedOnFrom(memory: Memory, copy: CredentialCopy, hash: string): boolean {
  const seen = seenOf(memory, copy.key);
  return seen.slice(1).some((entry) => entry.hash === hash) && seen[0]?.hash !== hash;
}
