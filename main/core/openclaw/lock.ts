// OpenClaw-compatible sidecar locks (../shared/openclaw-auth.md §2, §6). Cooperative:
// a lock on P is a file created with O_EXCL holding the owner's pid and creation time;
// it is stale when that pid is gone, or older than the stale time, and may then be taken.
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockPolicy {
  /** A holder older than this is presumed dead. */
  staleMs: number;
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

/** auth-profiles.json's own lock (OpenClaw 2026.5.x). */
export const STORE_LOCK: LockPolicy = { staleMs: 30_000, retries: 10, minTimeoutMs: 100, maxTimeoutMs: 10_000 };
/** The per-profile OAuth refresh lock, shared by every agent that refreshes that profile. */
export const REFRESH_LOCK: LockPolicy = { staleMs: 180_000, retries: 20, minTimeoutMs: 100, maxTimeoutMs: 10_000 };

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
  constructor(lockPath: string, waitedMs: number) {
    super(`timed out after ${Math.round(waitedMs / 1000)} s waiting for the lock ${lockPath}, held by another process`);
    this.name = 'LockTimeoutError';
    this.lockPath = lockPath;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The 2026.5.x format: `{ pid, createdAt }`, stale when the pid is dead or the lock too old. */
/** A lock file nobody could parse this long after it was written was left empty by a crash. */
const UNREADABLE_GRACE_MS = 2_000;

export const PID_LOCK: LockFormat = {
  contents: () => ({ pid: process.pid, createdAt: new Date().toISOString() }),
  isStale(owner, mtimeMs, policy, now) {
    if (owner === null && now - mtimeMs > UNREADABLE_GRACE_MS) return true;
    if (typeof owner?.pid === 'number' && !isProcessAlive(owner.pid)) return true;
    const created = typeof owner?.createdAt === 'string' ? Date.parse(owner.createdAt) : Number.NaN;
    const since = Number.isFinite(created) ? created : mtimeMs;
    return now - since > policy.staleMs;
  },
};

function readOwner(lockPath: string): { owner: LockOwner | null; mtimeMs: number } | null {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockPath).mtimeMs;
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
function tryCreate(lockPath: string, contents: Record<string, unknown>): boolean {
  const temp = `${lockPath}.${process.pid}-${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(contents, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(lockPath), { recursive: true }); // `<stateDir>/locks/oauth-refresh` on first use, as OpenClaw does
    writeFileSync(temp, JSON.stringify(contents, null, 2), { mode: 0o600, flag: 'wx' });
  }
  try {
    linkSync(temp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
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
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID()}`;
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

function backoff(attempt: number, policy: LockPolicy): number {
  const base = Math.min(policy.maxTimeoutMs, policy.minTimeoutMs * 2 ** attempt);
  return base * (1 + Math.random()); // jitter, as OpenClaw's retry does
}

export interface Lock {
  path: string;
  release(): void;
}

export interface AcquireOptions {
  policy: LockPolicy;
  format?: LockFormat;
  signal?: AbortSignal;
  /** Called once when the lock is found held by a live process and we start waiting. */
  onWait?: () => void;
}

/** Takes the lock on `target` (the file `target.lock`), waiting within the policy's bounds. */
export async function acquireLock(target: string, { policy, format = PID_LOCK, signal, onWait }: AcquireOptions): Promise<Lock> {
  const lockPath = `${target}.lock`;
  const started = Date.now();
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(lockPath, format.contents())) {
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(lockPath);
          } catch {
            // already gone: someone judged it stale; nothing of ours to clean.
          }
        },
      };
    }
    const holder = readOwner(lockPath);
    if (holder === null) continue; // released between our create and our read
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
