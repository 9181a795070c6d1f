// OpenClaw-compatible sidecar locks (openclaw 2026.5.7's store lock, 2026.9.6's refresh lock). Cooperative:
// a lock on P is a file created with O_EXCL holding the owner's pid and creation time;
// it is stale when that pid is gone, or older than the stale time, and may then be taken.
import { crypto } from '../lazy-crypto.ts';
import { linkSync, lstatSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePrivateDirectory } from './private-write.ts';

export interface LockPolicy {
  /** A lock whose holder cannot be checked (no pid) is presumed dead after this. */
  staleMs: number;
  /**
   * A lock held by a live process is broken only after this. OpenClaw 2026.5.7 breaks its store
   * lock after 30 s even while the holder still runs a refresh (up to 120 s), and the holder then
   * writes a snapshot that reverts whatever was written meanwhile (observed). AuthBar never breaks
   * a live holder's lock that early: it waits, or gives up without writing.
   */
  liveStaleMs: number;
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

/** auth-profiles.json's own lock (OpenClaw 2026.5.x: stale after 30 s, 10 retries). */
export const STORE_LOCK: LockPolicy = { staleMs: 30_000, liveStaleMs: 180_000, retries: 10, minTimeoutMs: 100, maxTimeoutMs: 10_000 };
/** The per-profile OAuth refresh lock, shared by every agent that refreshes that profile (180 s, 20 retries). */
export const REFRESH_LOCK: LockPolicy = { staleMs: 180_000, liveStaleMs: 180_000, retries: 20, minTimeoutMs: 100, maxTimeoutMs: 10_000 };
/**
 * Writing a token the endpoint just rotated: the old one is dead, so giving up would lose the
 * sign-in. Wait out even a live holder's whole refresh (OpenClaw's own 120 s bound and more).
 */
export const ROTATED_WRITE_LOCK: LockPolicy = { ...STORE_LOCK, retries: 30 };

export interface LockOwner {
  pid?: unknown;
  createdAt?: unknown;
  starttime?: unknown;
}

export interface LockFormat {
  /** What the lock file holds for this process. */
  contents(): Record<string, unknown>;
  /** Whether a holder is gone (its process dead or replaced, or the lock too old). */
  isStale(owner: LockOwner | null, mtimeMs: number, policy: LockPolicy, now: number): boolean;
}

export class LockTimeoutError extends Error {
  readonly lockPath: string;
  constructor(lockPath: string, waitedMs: number, why = `timed out after ${Math.round(waitedMs / 1000)} s waiting for the lock ${lockPath}, held by another process`) {
    super(why);
    this.name = 'LockTimeoutError';
    this.lockPath = lockPath;
  }
}

/** OpenClaw counts EPERM as dead too: a pid it may not signal is not one of its own processes. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A lock file nobody could parse this long after it was written was left empty by a crash. */
const UNREADABLE_GRACE_MS = 2_000;

/**
 * The 2026.5.x format, `{ pid, createdAt }` (2-space JSON, no newline). Stale when the pid is
 * dead, or when the lock (by `createdAt`, and by mtime) is older than the policy allows.
 */
export const PID_LOCK: LockFormat = {
  contents: () => ({ pid: process.pid, createdAt: new Date().toISOString() }),
  isStale(owner, mtimeMs, policy, now) {
    if (owner === null) return now - mtimeMs > Math.min(policy.staleMs, UNREADABLE_GRACE_MS);
    const live = typeof owner.pid === 'number' && isProcessAlive(owner.pid);
    if (typeof owner.pid === 'number' && !live) return true;
    const limit = live ? Math.max(policy.staleMs, policy.liveStaleMs) : policy.staleMs;
    if (owner.createdAt !== undefined) {
      const created = typeof owner.createdAt === 'string' ? Date.parse(owner.createdAt) : Number.NaN;
      if (!Number.isFinite(created) || now - created > limit) return true;
    }
    return now - mtimeMs > limit;
  },
};

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), counted after the command's `)`. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const value = Number(stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The 2026.9.x refresh lock, `{ pid, createdAt, starttime }`. A live pid whose start time
 * matches is never stale, whatever its age (observed); a dead pid, or a reused one (start time
 * differs), is. Without a pid, `createdAt` older than the stale time is.
 */
export const STARTTIME_LOCK: LockFormat = {
  contents: () => {
    const starttime = processStartTime(process.pid);
    return { pid: process.pid, createdAt: new Date().toISOString(), ...(starttime === null ? {} : { starttime }) };
  },
  isStale(owner, mtimeMs, policy, now) {
    if (owner === null) return now - mtimeMs > Math.min(policy.staleMs, UNREADABLE_GRACE_MS);
    if (typeof owner.pid === 'number') {
      if (!isProcessAlive(owner.pid)) return true;
      const started = processStartTime(owner.pid);
      return typeof owner.starttime === 'number' && started !== null && started !== owner.starttime;
    }
    if (owner.createdAt === undefined) return false;
    const created = typeof owner.createdAt === 'string' ? Date.parse(owner.createdAt) : Number.NaN;
    return !Number.isFinite(created) || now - created > policy.staleMs;
  },
};

function readOwner(lockPath: string): { owner: LockOwner | null; mtimeMs: number; notAFile?: true } | null {
  let mtimeMs: number;
  try {
    const stat = lstatSync(lockPath);
    // OpenClaw's locks are plain files: a directory, link or FIFO there is no lock of theirs to
    // judge, move aside or read (a FIFO would block the read).
    if (!stat.isFile()) return { owner: null, mtimeMs: stat.mtimeMs, notAFile: true };
    mtimeMs = stat.mtimeMs;
  } catch {
    return null;
  }
  try {
    return { owner: JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner, mtimeMs };
  } catch {
    return { owner: null, mtimeMs };
  }
}

/**
 * Creates the lock with its contents in one step: write a private temp file, then hard-link
 * it to the lock path (link fails if the lock exists, like O_EXCL). A crash can then never
 * leave an empty lock file that others would have to wait out by age.
 */
/** The new lock's text, or null when another holds the lock. */
function tryCreate(lockPath: string, contents: Record<string, unknown>): string | null {
  const text = JSON.stringify(contents, null, 2);
  const temp = `${lockPath}.${process.pid}-${crypto().randomUUID()}.tmp`;
  try {
    writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // `<stateDir>/locks/oauth-refresh` on first use, as OpenClaw does; 0700 whatever the umask.
    ensurePrivateDirectory(dirname(lockPath));
    writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
  }
  try {
    linkSync(temp, lockPath);
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Removes a stale lock without the classic race (two waiters judge it stale, one takes it,
 * the other deletes the fresh lock): move it aside atomically, and if what was moved is
 * not the lock judged stale, put it back.
 */
function removeStale(lockPath: string, judged: LockOwner | null): void {
  const aside = `${lockPath}.stale-${process.pid}-${crypto().randomUUID()}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // another waiter moved it first
  }
  let moved: LockOwner | null = null;
  try {
    moved = JSON.parse(readFileSync(aside, 'utf8')) as LockOwner;
  } catch {
    // unreadable: judged on its mtime, like the one we saw
  }
  const same = JSON.stringify(moved) === JSON.stringify(judged);
  if (!same) {
    try {
      linkSync(aside, lockPath); // fails if someone already holds a new lock: theirs wins
    } catch {
      // nothing to restore over
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Removes the lock only if it is still ours (what we wrote: our pid and time): one that another
 * process judged stale and took over meanwhile is theirs. Moved aside first, so the check and
 * the removal are one step; what is not ours is put back. (Not by inode: a new file may reuse a
 * freed one at once.)
 */
function releaseOwn(lockPath: string, text: string): void {
  const aside = `${lockPath}.release-${process.pid}-${crypto().randomUUID()}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // already gone: someone judged it stale; nothing of ours to clean
  }
  let ours = false;
  try {
    ours = readFileSync(aside, 'utf8') === text;
  } catch {
    // vanished: nothing to put back
  }
  if (!ours) {
    try {
      linkSync(aside, lockPath); // fails if yet another holder has it now: theirs wins
    } catch {
      // nothing to restore over
    }
  }
  rmSync(aside, { force: true });
}

function backoff(attempt: number, policy: LockPolicy): number {
  // OpenClaw's schedule: min(max, round(min(max, max(min, min * 2^n)) * (1 + random))).
  const base = Math.min(policy.maxTimeoutMs, Math.max(policy.minTimeoutMs, policy.minTimeoutMs * 2 ** attempt));
  return Math.min(policy.maxTimeoutMs, Math.round(base * (1 + Math.random())));
}

export interface Lock {
  path: string;
  /** When it was taken (wall clock, as its file's times): its age is what another process judges. */
  takenAt: number;
  release(): void;
}

export interface AcquireOptions {
  policy: LockPolicy;
  format?: LockFormat;
  signal?: AbortSignal;
  /** Called once when the lock is found held by a live process and we start waiting. */
  onWait?: () => void;
}

/** OpenClaw locks P at `realpath(dirname(P))/basename(P).lock`: beside a symlinked store, not its target. */
export function lockPathFor(target: string): string {
  let dir = dirname(target);
  try {
    dir = realpathSync(dir);
  } catch {
    // not there yet: created on first use
  }
  return join(dir, `${basename(target)}.lock`);
}

/** Takes the lock on `target` (the file `target.lock`), waiting within the policy's bounds. */
export async function acquireLock(target: string, { policy, format = PID_LOCK, signal, onWait }: AcquireOptions): Promise<Lock> {
  const lockPath = lockPathFor(target);
  const started = Date.now();
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    const text = tryCreate(lockPath, format.contents());
    if (text !== null) {
      let released = false;
      return {
        path: lockPath,
        takenAt: Date.now(),
        release() {
          if (released) return;
          released = true;
          releaseOwn(lockPath, text);
        },
      };
    }
    const holder = readOwner(lockPath);
    if (holder === null) continue; // released between our create and our read
    if (holder.notAFile) throw new LockTimeoutError(lockPath, Date.now() - started, `${lockPath} is not a lock file (a directory or a link?); nothing was written; remove it if no process of yours made it`);
    if (format.isStale(holder.owner, holder.mtimeMs, policy, Date.now())) {
      removeStale(lockPath, holder.owner);
      continue;
    }
    if (attempt >= policy.retries) throw new LockTimeoutError(lockPath, Date.now() - started);
    if (!waited) {
      waited = true;
      onWait?.();
    }
    await sleep(backoff(attempt, policy), undefined, { signal });
  }
}

export async function withLock<T>(target: string, options: AcquireOptions, work: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(target, options);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
