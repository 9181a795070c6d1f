// Drives test/helpers/openclaw-peer.mjs, a separate process that takes OpenClaw's locks the
// way OpenClaw 2026.5.x does, for tests that need a real competing process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const PEER = join(import.meta.dirname, 'openclaw-peer.mjs');

export interface HeldLock {
  child: ChildProcess;
  /** Lets go of the lock (closes the holder's stdin); it then exits 0. */
  release(): void;
  exited: Promise<number | null>;
}

/**
 * Another process takes `<target>.lock` and holds it until `release()`, never for a set time:
 * resolves once it holds the lock. Register `child` for killing in the test's afterEach.
 */
export async function holdLock(target: string, track?: (child: ChildProcess) => void): Promise<HeldLock> {
  const child = spawn(process.execPath, [PEER, 'hold', target, 'stdin'], { stdio: ['pipe', 'pipe', 'inherit'] });
  track?.(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line') as Promise<string[]>,
    exited.then((code) => Promise.reject(new Error(`the lock holder exited (${code}) before it held ${target}.lock`))),
  ]);
  if (JSON.parse(line!).holding !== target) throw new Error(`the lock holder said ${line}`);
  return { child, release: () => child.stdin!.end(), exited };
}
