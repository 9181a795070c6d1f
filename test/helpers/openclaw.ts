// The real OpenClaw, installed from the npm registry into a cache folder on first use,
// for compatibility tests that compare AuthBar with OpenClaw's own verdicts.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { acquireLock } from '../../main/core/openclaw/lock.ts';

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
}

/** Runs the real `openclaw` CLI with a scratch HOME so nothing touches the machine's own. */
export function runOpenClaw(entry: string, args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<OpenClawResult> {
  return new Promise((resolve, reject) => {
    const home = env.HOME ?? mkdtempSync(join(tmpdir(), 'openclaw-home-'));
    const child = spawn(process.execPath, [entry, ...args], {
      env: { PATH: `${join(process.execPath, '..')}:${process.env.PATH}`, HOME: home, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The JSON document in a CLI's stdout (OpenClaw may print banners or warnings around it). */
export function jsonIn(stdout: string): any {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error(`no JSON in output: ${stdout.slice(0, 200)}`);
  return JSON.parse(stdout.slice(start, end + 1));
}
