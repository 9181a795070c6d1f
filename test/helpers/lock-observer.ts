// Watches one sidecar lock file from outside, to see another process WAIT on it rather than
// guess how long that takes. A waiter is seen by what it does to the lock: OpenClaw 2026.9.6's
// lock (@openclaw/fs-safe) reads the holder's `{pid, createdAt, starttime}` after each failed
// exclusive create, to judge whether it is stale, and a read moves the file's access time
// (relatime updates it on the first read after a write). The observer itself reads with
// O_NOATIME so that only other readers move it. Linux only, like the locks' starttime.
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface LockObserver {
  lockPath: string;
  /** Every pid seen holding the lock, in order (a holder for only a few ms may be missed). */
  holders: number[];
  /** How many times the lock file was created or removed (inotify; none is missed). */
  events(): number;
  /** Reads the current holder now (also done on every inotify event and every 5 ms). */
  look(): void;
  /** Resolves once a process other than the holder has read the lock file it holds now. */
  readByAnother(): Promise<void>;
  /** Resolves once `check()` holds; it is tried on every lock event and every 5 ms. */
  until(what: string, check: () => boolean): Promise<void>;
  stop(): void;
}

/** Reads a file without moving its access time (the owner, or root, may ask for that). */
function readQuietly(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOATIME ?? 0));
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether reads move access times on the filesystem that holds `dir` (not under `noatime`). */
export function accessTimesMove(dir: string): boolean {
  const scratch = mkdtempSync(join(dir, '.atime-probe-'));
  try {
    const file = join(scratch, 'probe');
    writeFileSync(file, 'x');
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past); // atime = mtime: relatime's rule is to update it on the next read
    readFileSync(file);
    return statSync(file).atimeMs > past.getTime();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function observeLock(lockPath: string, { timeoutMs = 120_000 }: { timeoutMs?: number } = {}): LockObserver {
  const dir = dirname(lockPath);
  mkdirSync(dir, { recursive: true });
  if (!accessTimesMove(dir)) {
    throw new Error(`${dir} is on a filesystem that does not record reads (mounted noatime?): this test sees a process waiting on a lock by its read of the lock file; set TMPDIR to a relatime or strictatime filesystem`);
  }
  const holders: number[] = [];
  let events = 0;
  const checks = new Set<() => void>();
  const look = () => {
    try {
      const pid = JSON.parse(readQuietly(lockPath)).pid;
      if (typeof pid === 'number' && holders.at(-1) !== pid) holders.push(pid);
    } catch {
      // absent, or being written
    }
    for (const check of [...checks]) check();
  };
  const watcher = watch(dir, (type, name) => {
    if (type === 'rename' && name === basename(lockPath)) events++;
    look();
  });
  const poll = setInterval(look, 5);

  const until = (what: string, check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => (checks.delete(tryIt), reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
      const tryIt = () => {
        if (!check()) return;
        checks.delete(tryIt);
        clearTimeout(timer);
        resolve();
      };
      checks.add(tryIt);
      tryIt();
    });

  return {
    lockPath,
    holders,
    events: () => events,
    look,
    readByAnother: () =>
      until(`another process to read ${lockPath}`, () => {
        try {
          const { atimeNs, mtimeNs, ctimeNs } = statSync(lockPath, { bigint: true });
          return atimeNs > mtimeNs && atimeNs > ctimeNs;
        } catch {
          return false;
        }
      }),
    until,
    stop: () => {
      watcher.close();
      clearInterval(poll);
      checks.clear();
    },
  };
}
