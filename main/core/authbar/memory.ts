// What AuthBar remembers between runs about credentials it has seen, keyed by copy
// (`<storePath>\0<profileId>`): which refresh tokens a refresh proved dead, and which
// refresh tokens each copy held lately. Only salted hashes (HMAC-SHA256 with a random
// per-install salt) are kept: never a token, never part of one, never a bare hash.
import { crypto } from '../lazy-crypto.ts';
import { mkdirSync, renameSync } from 'node:fs';
import * as z from 'zod/mini';
import { acquireLock, STORE_LOCK } from '../openclaw/lock.ts';
import { writePrivateFile } from '../openclaw/private-write.ts';
import { memoryPath } from './home.ts';
import { readOwnFile } from './own-file.ts';

const NeedsLoginSchema = z.object({
  refreshHash: z.string(),
  at: z.number(),
  cause: z.string(),
});

/** `hash` is null when the copy held no refresh token. */
const SeenHashSchema = z.object({ hash: z.nullable(z.string()), firstSeen: z.number() });

const MemorySchema = z.object({
  version: z.literal(1),
  /** Empty until the first write: a status that writes nothing needs no salt (nor node:crypto). */
  salt: z.string().check(z.regex(/^(?:[0-9a-f]{64})?$/)),
  needsLogin: z.record(z.string(), NeedsLoginSchema),
  /**
   * Newest first; a short tail is enough to recognise a copy left behind. Entries are checked
   * when read (seenOf), not all at load: a status reads few of them, and loads this every run.
   */
  seen: z.record(z.string(), z.unknown()),
  /** Store path → its file version when last recorded: an unchanged store needs no hashing. */
  versions: z.record(z.string(), z.string()),
});

export type Memory = z.infer<typeof MemorySchema>;
export type SeenHash = z.infer<typeof SeenHashSchema>;

const SeenListSchema = z.array(SeenHashSchema);

/** A copy's history of refresh-token hashes, newest first; a damaged entry counts as none. */
export function seenOf(memory: Memory, key: string): SeenHash[] {
  const entry = memory.seen[key];
  if (entry === undefined) return [];
  const parsed = SeenListSchema.safeParse(entry);
  return parsed.success ? parsed.data : [];
}

export function emptyMemory(): Memory {
  return { version: 1, salt: '', needsLogin: {}, seen: {}, versions: {} };
}

export interface MemoryRead {
  memory: Memory;
  /** Set when the file existed but could not be used; AuthBar then starts afresh. */
  warning: string | null;
  corrupt: boolean;
}

export function loadMemory(home: string): MemoryRead {
  const read = readOwnFile(memoryPath(home), MemorySchema);
  if (read.ok) return { memory: read.value, warning: null, corrupt: false };
  const warning = read.missing ? null : `${read.problem}; starting without history${read.corrupt ? " (the corrupt file is kept aside)" : ""}`;
  return { memory: emptyMemory(), warning, corrupt: read.corrupt };
}

export function fingerprint(memory: Memory, token: string): string {
  if (memory.salt === '') throw new Error('AuthBar memory has no salt yet; hash inside updateMemory');
  return crypto().createHmac('sha256', Buffer.from(memory.salt, 'hex')).update(token).digest('hex');
}

/**
 * Read-modify-write under a lock, so concurrent AuthBar processes never lose each other's
 * records. A corrupt file is moved aside (`.corrupt-<time>`), never silently overwritten.
 * `change` returns false when it changed nothing, and then nothing is written.
 */
export async function updateMemory(home: string, change: (memory: Memory) => boolean): Promise<Memory> {
  const path = memoryPath(home);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(path, { policy: STORE_LOCK });
  try {
    const read = loadMemory(home);
    if (read.corrupt) renameSync(path, `${path}.corrupt-${Date.now()}`);
    if (read.memory.salt === '') read.memory.salt = crypto().randomBytes(32).toString('hex');
    if (change(read.memory) || read.corrupt) {
      writePrivateFile(path, `${JSON.stringify(read.memory, null, 2)}\n`);
    }
    return read.memory;
  } finally {
    lock.release();
  }
}
