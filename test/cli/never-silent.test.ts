// The CLI says what it did and never goes silent: per-command help, flags npm swallowed,
// a cron check pointed at nothing, and a hanging token endpoint (bounded, with a progress
// line on a terminal). Real child processes throughout; the terminal is a real pty (script).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.ts';
import { requireSshd } from '../helpers/requirements.ts';
import { remoteScript, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HOUR = 3_600_000;
let server: TokenServer;
let dirs: StateDir[] = [];
let temps: string[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  await server.close();
  for (const d of dirs) d.cleanup();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  dirs = [];
  temps = [];
});

function oneSignIn(): StateDir {
  const issued = server.issue('acct-1');
  const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * HOUR }) }) }] });
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url });
  dirs.push(d);
  return d;
}

function tempDir(): string {
  const t = mkdtempSync(join(tmpdir(), 'authbar-test-'));
  temps.push(t);
  return t;
}

describe('help for each subcommand', () => {
  it.each(['status', 'refresh', 'sync', 'hosts'])('authbar %s --help (and authbar help with it) prints that command\'s usage and exits 0', async (command) => {
    const d = oneSignIn();
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const result = await runCli(args, d.env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: authbar ${command} `));
    }
  });

  it('takes no property of a plain object for a command: authbar constructor, authbar help toString', async () => {
    const d = oneSignIn();
    for (const args of [['constructor'], ['help', 'toString'], ['__proto__']]) {
      const result = await runCli(args, d.env);
      expect(result.code, args.join(' ')).toBe(64);
      expect(result.stderr).toMatch(/^authbar: unknown command "[\w]+"; run authbar --help\n$/);
    }
  });

  it('documents that sync --dry-run exits 1 when something would be synced, and refresh\'s --timeout', async () => {
    const d = oneSignIn();
    expect((await runCli(['sync', '--help'], d.env)).stdout).toMatch(/--dry-run[\s\S]*exits 1 when something\s+would be synced/);
    expect((await runCli(['refresh', '--help'], d.env)).stdout).toMatch(/--timeout DURATION\s+bound the waiting \(default 40s\)[\s\S]*a request already sent gets its answer/);
    expect((await runCli(['--help'], d.env)).stdout).toContain('authbar COMMAND --help');
  });
});

describe('flags npm keeps for itself', () => {
  it('`npm run authbar status --json` (no --) says npm swallowed --json and what to type, instead of printing the table', async () => {
    const d = oneSignIn();
    // The real npm, running the real package script, exactly as a newcomer types it.
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('npm', ['run', '--silent', 'authbar', 'status', '--json'], { cwd: ROOT, env: { ...d.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('AGENT');
    expect(result.stderr).toContain('authbar: npm kept --json for itself');
    expect(result.stderr).toContain('run: npm run authbar -- status --json');
  });

  it('names a swallowed value flag with its value', async () => {
    const d = oneSignIn();
    const result = await runCli(['refresh', 'main'], { ...d.env, npm_lifecycle_event: 'authbar', npm_config_agent: 'main', npm_config_json: 'true' });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('authbar: npm kept --agent main --json for itself (an npm script gets flags only after --), so AuthBar did not see them; run: npm run authbar -- refresh --agent main --json\n');
    expect(server.requests).toHaveLength(0);
  });
});

describe('status --check pointed at nothing', () => {
  it('exits 1 naming the path searched when no OpenClaw state dir exists', async () => {
    const home = tempDir();
    const missing = join(home, 'not-openclaw');
    for (const extra of [[], ['--json']]) {
      const result = await runCli(['status', '--check', ...extra], { PATH: process.env.PATH ?? '', HOME: home, OPENCLAW_STATE_DIR: missing, AUTHBAR_HOME: join(home, 'authbar') });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`no OpenClaw state dir at ${missing} (from OPENCLAW_STATE_DIR)`);
    }
    const byDefault = await runCli(['status', '--check'], { PATH: process.env.PATH ?? '', HOME: home, AUTHBAR_HOME: join(home, 'authbar') });
    expect(byDefault.code).toBe(1);
    expect(byDefault.stderr).toContain(`no OpenClaw state dir at ${join(home, '.openclaw')} (the default: ~/.openclaw, else ~/.clawdbot)`);
    // Without --check, a plain look at nothing is not an error.
    expect((await runCli(['status'], { PATH: process.env.PATH ?? '', HOME: home, OPENCLAW_STATE_DIR: missing })).code).toBe(0);
  });
});

describe('a hanging token endpoint', () => {
  it('bounds the refresh with --timeout: the request sent ends at the endpoint\'s own timeout, no retry starts, one line says both', async () => {
    const d = oneSignIn();
    const before = d.readStore('main');
    server.queue('hang', 'hang', 'hang');
    // The endpoint's own bound per try is 5 s here (30 s by default); the command's is 4 s (room
    // for a loaded machine to reach the request before it).
    const result = await runCli(['refresh', '--agent', 'main', '--timeout', '4s'], { ...d.env, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' }, { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    // One line for the failure; the other is the loopback endpoint's warning that every output carries.
    expect(result.stderr.split('\n').filter((line) => !line.startsWith('authbar: note: refresh tokens go to '))).toEqual(['authbar: agent main, profile openai-codex:default: transient: no answer within 5 s (not tried again: stopped at the 4s --timeout, still waiting for the token endpoint or a lock; run it again, or allow longer with --timeout). Fix: authbar refresh --agent main', '']);
    expect(result.stdout).toMatch(/^main\s+openai-codex:default\s+failed$/m);
    expect(server.requests).toHaveLength(1);
    expect(d.readStore('main')).toEqual(before);
  });

  // The default proportions (a 40s --timeout, 30 s per try), scaled down: a hanging endpoint costs
  // one try's time, not two. (A request that got no answer is never tried again in any case: the
  // endpoint may have rotated the token it was sent.)
  it('starts no second try after a hanging one: the command ends at one try\'s time', async () => {
    const d = oneSignIn();
    server.queue('hang', 'hang', 'hang');
    const result = await runCli(['refresh', '--agent', 'main', '--timeout', '8s', '--json'], { ...d.env, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' }, { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    expect(server.requests).toHaveLength(1);
    const report = JSON.parse(result.stdout);
    expect(report.requests).toBe(1);
    // Which reason stands depends on when the first try ended: both say it was tried once.
    expect(report.results[0].cause).toMatch(/^no answer within 5 s \(not tried again: (the request may have reached the endpoint, and a second try could present a refresh token it rotated|stopped at the 8s --timeout, .*)\)$/);
  });

  // Cut off, an answer that arrives after the --timeout would be lost with the old token dead:
  // the endpoint rotates when it receives the request, not when the client reads the answer.
  it('keeps an answer that arrives after the --timeout: the line says it waits for it, and the new sign-in is written', async () => {
    const d = oneSignIn();
    let pastTimeout: () => void = () => undefined;
    server.queue({ until: new Promise<void>((resolve) => (pastTimeout = resolve)) });
    const { output, code } = await onTerminal(['refresh', '--agent', 'main', '--timeout', '8s'], d.env, 'past the 8s --timeout: finishing what is under way', pastTimeout);
    expect(output).toMatch(/main\s+openai-codex:default\s+refreshed/);
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
  }, 60_000);

  it('prints a progress line on a terminal while it waits, and erases it before the outcome', async () => {
    const d = oneSignIn();
    let sawLine: () => void = () => undefined;
    // The endpoint holds its answer until the test has seen the line, then answers as usual.
    server.queue({ until: new Promise<void>((resolve) => (sawLine = resolve)) });
    const { output, code } = await onTerminal(['refresh', '--agent', 'main', '--timeout', '5m'], d.env, 'still refreshing main', sawLine);
    expect(output).toMatch(/authbar: still refreshing main \(\d+s; gives up after 5m, --timeout\)/);
    // Erased (carriage return, clear to end of line) before the outcome line.
    expect(output).toMatch(/\r\x1b\[K\r?\n?main\s+openai-codex:default\s+refreshed/);
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
  }, 60_000);
});

/** Runs `args` under a real pty (`script`, as a terminal does); calls `then` once `text` shows; resolves with all it printed and its exit code. */
async function onTerminal(args: string[], env: Record<string, string>, text: string, then: () => void): Promise<{ output: string; code: number | null }> {
  const child = spawn('script', ['-q', '-f', '-e', '-c', [process.execPath, CLI, ...args].join(' '), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.includes(text)) then();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { output, code };
}

/** Runs `args` under a real pty (script); resolves once `pattern` shows, then ^C ends it as a keyboard would. */
async function onTerminalUntil(args: string[], env: Record<string, string>, pattern: RegExp): Promise<string> {
  const child = spawn('script', ['-q', '-f', '-e', '-c', [process.execPath, CLI, ...args].join(' '), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const seen = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (pattern.test(output)) resolve();
    });
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  try {
    await seen;
    return output;
  } finally {
    child.stdin.write('\x03');
    child.stdin.end();
    await closed;
  }
}

describe.skipIf(requireSshd().missing)('a host that is slow to answer', () => {
  it('status, sync and refresh say on a terminal which hosts they are still waiting for', async () => {
    const sshd = await startSshd();
    try {
      const d = oneSignIn();
      const slow = remoteScript(tempDir(), 'slow-authbar', {}, ['sh', '-c', 'sleep 300', 'slow-authbar']);
      const added = await runCli(['hosts', 'add', 'slow', sshd.destination, '--ssh-config', sshd.sshConfig, '--remote-command', slow], d.env);
      expect(added.code, added.stderr).toBe(0);
      // Each waits for its line; the test's own timeout is the only bound.
      await onTerminalUntil(['status', '--host', 'slow'], d.env, /authbar: still waiting for host slow \(\d+s\)/);
      await onTerminalUntil(['sync', '--host', 'slow'], d.env, /authbar: still waiting for host slow \(\d+s\)/);
      await onTerminalUntil(['refresh', '--all', '--host', 'slow'], d.env, /authbar: still refreshing host slow \(\d+s; gives up after 40s, --timeout\)/);
    } finally {
      await sshd.cleanup();
    }
  }, 60_000);
});

