// The real OpenClaw, installed from the npm registry into a cache folder on first use,
// for compatibility tests that compare AuthBar with OpenClaw's own verdicts.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { acquireLock } from '../../main/core/openclaw/lock.ts';
import { makeTempDir } from './temp-dirs.ts';

const run = promisify(execFile);
const CACHE = process.env.AUTHBAR_COMPAT_CACHE ?? join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'authbar-compat');

export function openClawDir(version: string): string {
  return join(CACHE, `openclaw-${version}`);
}

/** Installs `openclaw@version` once (npm, with this Node); concurrent test files wait for it. */
export async function installOpenClaw(version: string): Promise<string> {
  const dir = openClawDir(version);
  const entry = join(dir, 'node_modules', 'openclaw', 'openclaw.mjs');
  if (existsSync(entry)) return entry;
  mkdirSync(CACHE, { recursive: true });
  const lock = await acquireLock(dir, { policy: { staleMs: 600_000, liveStaleMs: 600_000, retries: 60, minTimeoutMs: 1000, maxTimeoutMs: 5000 } });
  try {
    if (!existsSync(entry)) {
      mkdirSync(dir, { recursive: true });
      const npm = join(process.execPath, '..', process.platform === 'win32' ? 'npm.cmd' : 'npm');
      const npmCommand = existsSync(npm) ? npm : 'npm';
      await run(npmCommand, ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', dir, `openclaw@${version}`], {
        env: { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` },
        maxBuffer: 64 * 1024 * 1024,
      });
    }
  } finally {
    lock.release();
  }
  if (!existsSync(entry)) throw new Error(`openclaw@${version} installed but ${entry} is missing`);
  return entry;
}

export interface OpenClawResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The launcher's pid, which is also its process group's id. */
  pid?: number;
}

/**
 * Runs the real `openclaw` CLI with a scratch HOME so nothing touches the machine's own.
 * It runs in a process group of its own, and the result comes when OpenClaw itself exits:
 * whatever it started is killed then, so a process it left behind holding its stdout can
 * never keep a test waiting (`close` would wait for that process; a test then ran into its
 * own 180 s timeout with nothing to show). Past `timeoutMs` the whole group is killed and
 * the result says so in stderr; so it is when `signal` aborts. The default is a bound for a
 * hung run, generous for a loaded machine (one `models status` there takes 7-10 s or more).
 */
export function runOpenClaw(entry: string, args: string[], env: Record<string, string>, timeoutMs = 300_000, { signal }: { signal?: AbortSignal } = {}): Promise<OpenClawResult> {
  return new Promise((resolve, reject) => {
    const home = env.HOME ?? makeTempDir('authbar-openclaw-home-');
    const started = Date.now();
    const child = spawn(process.execPath, [entry, ...args], {
      env: { PATH: `${join(process.execPath, '..')}:${process.env.PATH}`, HOME: home, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const end = (why: string) => {
      stderr += `\n[test] openclaw ${args.slice(0, 3).join(' ')} killed (with its process group) ${why} after ${Date.now() - started} ms\n`;
      killGroup();
    };
    const timer = setTimeout(() => end('at its time limit'), timeoutMs);
    const onAbort = () => end('by the test');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // What OpenClaw printed stays readable in the pipes; whatever it left running goes with
      // the group, which ends the pipes for good.
      killGroup();
      Promise.all([child.stdout, child.stderr].map((stream) => (stream.readableEnded ? undefined : once(stream, 'end'))))
        .then(() => resolve({ code, stdout, stderr, pid: child.pid }), reject);
    });
  });
}

/** Live processes (not zombies, which an init that does not reap may keep) of process group `pgid`, from /proc. */
export function liveProcessesInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z' && state !== 'X') live.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return live;
}

/** The JSON document in a CLI's stdout (OpenClaw may print banners or warnings around it). */
export function jsonIn(stdout: string): any {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error(`no JSON in output: ${stdout.slice(0, 200)}`);
  return JSON.parse(stdout.slice(start, end + 1));
}
