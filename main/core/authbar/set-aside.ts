// Sign-ins set aside. When AuthBar writes a newer credential of an account over a copy's own
// (adopting it before a refresh, syncing, healing, the app's "keep copies in sync"), nothing has
// proved the newer one live: a store copied in from another machine looks newer and may be dead
// there already (rotated after the copy), while the entry it replaces may be a live, separate
// sign-in. So that entry is kept here first, unless it is known dead, and put back if the
// endpoint rejects what replaced it. It stays in AuthBar's recovery area (`recovery/set-aside/`,
// dir 0700, file 0600, the only place besides `recovery/` that holds a token) and is never shown.
// A record goes once what replaced it proves live (a refresh rotated it, or the copy moved on
// from it by itself), never by age alone.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { crypto } from '../lazy-crypto.ts';
import { ensurePrivateDirectory, writePrivateFile } from '../openclaw/private-write.ts';
import { readRegularFile } from '../openclaw/read-file.ts';
import { recoveryDir } from './recovery.ts';

const SetAsideSchema = z.strictObject({
  version: z.literal(1),
  createdAt: z.number(),
  storePath: z.string(),
  storeKind: z.enum(['json', 'sqlite']),
  profileId: z.string(),
  holder: z.string(),
  /** The copy's own entry, exactly as stored. */
  entry: z.record(z.string(), z.unknown()),
  /** The refresh token written over it: the entry comes back if the endpoint rejects this one. */
  replacedBy: z.string(),
  /**
   * OpenClaw 2026.9: the per-agent copy was removed, not written over, so the agent inherits the
   * shared store's (what `doctor --fix` does). Its own comes back by refilling the profile.
   */
  removed: z.optional(z.boolean()),
});
export type SetAside = z.infer<typeof SetAsideSchema>;

/**
 * A record is judged against the stores only once this old: another AuthBar may have set it
 * aside and still be waiting for the store's lock to write over it (prune takes no lock).
 */
export const SETTLED_AFTER_MS = 3_600_000;
const NAME = /^[0-9a-f]{24}\.json$/;

export const setAsideDir = (home: string): string => join(recoveryDir(home), 'set-aside');

/**
 * One file per copy, entry set aside and replacement: a copy replaced twice keeps both records
 * (its own entry, then the first replacement), never one written over the other. The name is a
 * hash and holds no token.
 */
function setAsidePath(home: string, record: Pick<SetAside, 'storePath' | 'profileId' | 'entry' | 'replacedBy'>): string {
  const own = typeof record.entry.refresh === 'string' ? record.entry.refresh : '';
  const id = crypto().createHash('sha256').update(`authbar-set-aside\0${record.storePath}\0${record.profileId}\0${own}\0${record.replacedBy}`).digest('hex').slice(0, 24);
  return join(setAsideDir(home), `${id}.json`);
}

/** Keeps a copy's own entry before it is written over. Throws when it cannot (then nothing is written over). */
export function setAside(home: string, record: Omit<SetAside, 'version'>): string {
  ensurePrivateDirectory(home);
  ensurePrivateDirectory(recoveryDir(home));
  ensurePrivateDirectory(setAsideDir(home));
  const path = setAsidePath(home, record);
  writePrivateFile(path, `${JSON.stringify(SetAsideSchema.parse({ version: 1, ...record }), null, 2)}\n`);
  return path;
}

export interface HeldAside {
  path: string;
  record: SetAside;
}

/** Every record that parses (one that does not is left as it is, never read out). */
export function listSetAside(home: string): HeldAside[] {
  let names: string[];
  try {
    names = readdirSync(setAsideDir(home)).filter((name) => NAME.test(name));
  } catch {
    return [];
  }
  const held: HeldAside[] = [];
  for (const name of names) {
    const path = join(setAsideDir(home), name);
    const read = readRegularFile(path, 1024 * 1024);
    if (!read.ok) continue;
    try {
      const parsed = SetAsideSchema.safeParse(JSON.parse(read.text));
      if (parsed.success) held.push({ path, record: parsed.data });
    } catch {
      // Not JSON: not ours to read out, nor to delete.
    }
  }
  return held;
}

/**
 * Where AuthBar itself wrote over a token: `storePath\0profileId\0token`. That copy moving on
 * from the token was no rotation (AuthBar's history must not say so); another copy's is.
 */
export function writtenOver(records: readonly HeldAside[]): Set<string> {
  return new Set(records.flatMap(({ record }) => (typeof record.entry.refresh === 'string' ? [writtenOverKey(record.storePath, record.profileId, record.entry.refresh)] : [])));
}

export const writtenOverKey = (storePath: string, profileId: string, token: string): string => `${storePath}\0${profileId}\0${token}`;

export function dropSetAside(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Drops the records no longer needed: (once settled) those whose copy has moved on from the
 * replacement by itself: it holds neither the replacement nor its own entry, and AuthBar did not
 * write over the replacement in turn (that record would say so, and is no proof the replacement
 * was live). Moving on by itself is OpenClaw refreshing it (it was live) or a new login. No
 * record goes by age alone: while the copy holds the replacement, or was removed for it, the
 * record may hold the only live copy of a sign-in. `holding(storePath, profileId)` is the
 * refresh token the copy holds now (undefined: a fence, or no such copy, and then it stays).
 */
export function pruneSetAside(home: string, holding: (storePath: string, profileId: string) => string | null | undefined, now: number): void {
  const all = listSetAside(home);
  const sameCopy = (a: SetAside, b: SetAside) => a.storePath === b.storePath && a.profileId === b.profileId;
  for (const { path, record } of all) {
    if (now - record.createdAt < SETTLED_AFTER_MS || record.removed) continue;
    const current = holding(record.storePath, record.profileId);
    const replacedInTurn = all.some((other) => sameCopy(other.record, record) && other.record.entry.refresh === record.replacedBy);
    const movedOn = typeof current === 'string' && current !== record.replacedBy && current !== record.entry.refresh && !replacedInTurn;
    if (movedOn) dropSetAside(path);
  }
}
