// The one place a rotated sign-in waits when no store could take it yet. Refresh tokens are
// single-use: once the endpoint answers, the old token is dead and the answer is the only
// live copy. It is written here (AuthBar's home, `recovery/`, dir 0700, file 0600, one file
// per token lineage) before any store is written, and deleted as soon as a store holds it, so
// a crash, a kill or a store that refuses the write never loses it. Never printed: only the
// agent names and the time are shown (`authbar status`), and `authbar recover` writes it back.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { crypto } from '../lazy-crypto.ts';
import { ensurePrivateDirectory, probeTempFile, removeAbandonedTemps, writePrivateFile } from '../openclaw/private-write.ts';
import { readRegularFile } from '../openclaw/read-file.ts';

const CopySchema = z.strictObject({
  storePath: z.string(),
  storeKind: z.enum(['json', 'sqlite']),
  profileId: z.string(),
  /** The agent whose directory holds the store. */
  holder: z.string(),
});

export const RecoverySchema = z.strictObject({
  version: z.literal(1),
  createdAt: z.number(),
  provider: z.string(),
  profileId: z.string(),
  /** The rotated-away refresh token the copies below still hold (dead: never presented again). */
  oldRefresh: z.string(),
  credential: z.strictObject({
    access: z.string(),
    refresh: z.string(),
    expires: z.number(),
    accountId: z.nullable(z.string()),
  }),
  copies: z.array(CopySchema),
});
export type Recovery = z.infer<typeof RecoverySchema>;

export const recoveryDir = (home: string): string => join(home, 'recovery');

/** One file per lineage, named by a hash of the (dead) token it replaces; the name holds no token. */
export function recoveryPath(home: string, oldRefresh: string): string {
  const id = crypto().createHash('sha256').update(`authbar-recovery\0${oldRefresh}`).digest('hex').slice(0, 24);
  return join(recoveryDir(home), `${id}.json`);
}

/** Before a token request: the recovery file could be written (private dir, exclusive temp). Throws with one line. */
export function proveRecoveryWritable(home: string, oldRefresh: string): void {
  ensurePrivateDirectory(home);
  ensurePrivateDirectory(recoveryDir(home));
  probeTempFile(recoveryPath(home, oldRefresh));
}

export function writeRecovery(home: string, recovery: Recovery): string {
  ensurePrivateDirectory(home);
  ensurePrivateDirectory(recoveryDir(home));
  const path = recoveryPath(home, recovery.oldRefresh);
  writePrivateFile(path, `${JSON.stringify(RecoverySchema.parse(recovery), null, 2)}\n`);
  return path;
}

export function deleteRecovery(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export type HeldRecovery = { path: string; recovery: Recovery } | { path: string; error: string };

// `<24 hex>.json`, or the temp it is written through (`<24 hex>.json.authbar-<uuid>.tmp`,
// private-write.ts; `.<uuid>.tmp` before AuthBar marked its temps).
const RECOVERY_NAME = /^([0-9a-f]{24}\.json)(\.(?:authbar-)?[0-9a-f-]{36}\.tmp)?$/;
const recoveryTemp = (name: string) => RECOVERY_NAME.exec(name)?.[2] !== undefined;
/** A recovery file is about 2 KiB. */
const MAX_RECOVERY_BYTES = 1024 * 1024;

function readRecovery(path: string): { recovery: Recovery } | { error: string } {
  // Not readFileSync: a FIFO or device in its place would block or never end (read-file.ts).
  const read = readRegularFile(path, MAX_RECOVERY_BYTES);
  if (!read.ok) return { error: read.error };
  try {
    const parsed = RecoverySchema.safeParse(JSON.parse(read.text));
    return parsed.success ? { recovery: parsed.data } : { error: 'not a recovery file AuthBar can read' };
  } catch {
    return { error: 'not valid JSON' };
  }
}

/**
 * Every recovery file waiting, oldest first; one that does not parse is reported by path, never
 * read out. A temp that parses whole is held too: a kill between its fsync and its rename leaves
 * the only live copy of the sign-in there. A temp that does not parse is skipped (a writer may be
 * in the middle of it; one a kill left before its write holds no whole token).
 */
export function listRecoveries(home: string): HeldRecovery[] {
  let names: string[];
  try {
    names = readdirSync(recoveryDir(home)).filter((name) => RECOVERY_NAME.test(name));
  } catch {
    return [];
  }
  const held: HeldRecovery[] = [];
  for (const name of names) {
    const path = join(recoveryDir(home), name);
    const read = readRecovery(path);
    if ('recovery' in read || !name.endsWith('.tmp')) held.push({ path, ...read });
  }
  const at = (h: HeldRecovery) => ('recovery' in h ? h.recovery.createdAt : 0);
  return held.sort((a, b) => at(a) - at(b));
}

/** Deletes the temps a kill left before they held a whole recovery (a whole one is held: listRecoveries). */
export function pruneAbandonedTemps(home: string): void {
  // Only AuthBar writes here, so its older unmarked temps go too.
  removeAbandonedTemps(recoveryDir(home), recoveryTemp, (temp) => 'recovery' in readRecovery(temp));
}

/** The dead tokens whose successors wait here: never presented, the copies wait for `authbar recover`. */
export function heldOldRefreshTokens(home: string): Set<string> {
  return new Set(listRecoveries(home).flatMap((h) => ('recovery' in h ? [h.recovery.oldRefresh] : [])));
}

/** The agents a recovery is for, for the line `authbar status` and the panel show. */
export function recoveryAgents(recovery: Recovery): string[] {
  return [...new Set(recovery.copies.map((c) => c.holder))].sort();
}

export function heldMessage(agents: string[]): string {
  return `a rotated sign-in for ${agents.join(', ') || 'an agent'} is held by AuthBar: run \`authbar recover\``;
}
