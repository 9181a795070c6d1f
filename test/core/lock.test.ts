import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, type LockPolicy, LockTimeoutError, STORE_LOCK } from '../../main/core/openclaw/lock.ts';
import { holdLock } from '../helpers/peer.ts';

let dir: string;
let children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authbar-lock-'));
});
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Another process holds `<target>.lock` the way OpenClaw does, until `release()`; resolves once it does. */
const holdInAnotherProcess = (target: string) => holdLock(target, (child) => children.push(child));

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const quick: LockPolicy = { staleMs: 30_000, liveStaleMs: 30_000, retries: 3, minTimeoutMs: 20, maxTimeoutMs: 50 };

describe('OpenClaw-compatible sidecar locks', () => {
  it('releases only its own lock: one another process took over (judged ours stale) stays', async () => {
    const target = join(dir, 'auth-profiles.json');
    const lock = await acquireLock(target, { policy: STORE_LOCK });
    // Another process found ours stale, removed it and took the lock (as OpenClaw 2026.5 may after 180 s).
    rmSync(`${target}.lock`);
    const theirs = JSON.stringify({ pid: 1, createdAt: new Date().toISOString() }, null, 2);
    writeFileSync(`${target}.lock`, theirs);
    lock.release();
    expect(readFileSync(`${target}.lock`, 'utf8')).toBe(theirs);
    expect(readdirSync(dir).filter((n) => n !== 'auth-profiles.json.lock')).toEqual([]);
  });

  it('creates `<target>.lock` holding {pid, createdAt} as 2-space JSON, and deletes it on release', async () => {
    const target = join(dir, 'auth-profiles.json');
    const before = Date.now();
    const lock = await acquireLock(target, { policy: STORE_LOCK });
    const after = Date.now();
    const text = readFileSync(`${target}.lock`, 'utf8');
    const owner = JSON.parse(text);
    expect(text).toBe(JSON.stringify(owner, null, 2));
    expect(owner.pid).toBe(process.pid);
    // Taken during the call (an order of events, not a duration).
    expect(Date.parse(owner.createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(owner.createdAt)).toBeLessThanOrEqual(after);
    lock.release();
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('takes over a lock whose pid is dead', async () => {
    const target = join(dir, 'store.json');
    writeFileSync(`${target}.lock`, JSON.stringify({ pid: await deadPid(), createdAt: new Date().toISOString() }));
    let waited = false;
    const lock = await acquireLock(target, { policy: quick, onWait: () => (waited = true) });
    expect(waited, 'a dead holder is taken over at once, without waiting').toBe(false);
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock older than its stale time even if the pid lives', async () => {
    const target = join(dir, 'store.json');
    writeFileSync(`${target}.lock`, JSON.stringify({ pid: process.ppid, createdAt: new Date(Date.now() - 31_000).toISOString() }));
    const lock = await acquireLock(target, { policy: quick });
    lock.release();
  });

  it('waits for a live lock held by another process, then takes it', async () => {
    const target = join(dir, 'store.json');
    const holder = await holdInAnotherProcess(target);
    let waiting = () => {};
    const seenWaiting = new Promise<void>((resolve) => (waiting = resolve));
    // Enough retries to outlast any stall of a loaded machine: the holder lets go only when told.
    const acquired = acquireLock(target, { policy: { ...quick, retries: 10_000 }, onWait: () => waiting() });
    await seenWaiting;
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid).toBe(holder.child.pid);
    holder.release();
    const lock = await acquired;
    expect(await holder.exited).toBe(0);
    expect(JSON.parse(readFileSync(`${target}.lock`, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('gives up with a clear error once its retries are spent on a live lock', async () => {
    const target = join(dir, 'store.json');
    await holdInAnotherProcess(target);
    await expect(acquireLock(target, { policy: quick })).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(acquireLock(target, { policy: quick })).rejects.toThrow(/waiting for the lock .*store\.json\.lock, held by another process/);
  });

  it('hands a contended lock to exactly one of many waiters at a time', async () => {
    const target = join(dir, 'store.json');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      const lock = await acquireLock(target, { policy: { ...quick, retries: 10_000 } });
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 15));
      inside--;
      lock.release();
    }));
    expect(maxInside).toBe(1);
  });
});
