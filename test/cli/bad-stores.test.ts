// Stores that are not what they seem, through the real CLI: a FIFO, a socket, a device, a
// symlink to nowhere, a file too large to be an auth store, and files that do not parse while
// holding tokens. Each must be one readable verdict, quickly, and no token in any output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { runCli } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential, refreshToken } from '../helpers/tokens.ts';

let dirs: StateDir[] = [];
let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  servers = [];
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function twoAgents(): StateDir {
  const d = makeStateDir({
    agents: [
      { id: 'main', default: true, store: storeDocument({ 'openai-codex:default': codexCredential({}) }) },
      { id: 'coder' },
    ],
  });
  dirs.push(d);
  return d;
}

/** `status --json` with a deadline: a store that blocks the read makes this fail, not hang the run. */
async function coderVerdict(d: StateDir) {
  const run = await runCli(['status', '--json'], d.env, { timeoutMs: 15_000 });
  expect(run.code, `status did not finish (killed) or failed: ${run.stderr}`).toBe(0);
  const report = JSON.parse(run.stdout);
  return { report, coder: report.agents.find((a: any) => a.id === 'coder') };
}

describe('stores that are not regular files', () => {
  it('a FIFO as a store is "not a regular file", without blocking on the open', async () => {
    const d = twoAgents();
    execFileSync('mkfifo', [d.storePath('coder')]);
    const { coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/^not a regular file \(a FIFO\)/) });
  });

  it('a symlink to a FIFO is "not a regular file" too', async () => {
    const d = twoAgents();
    const fifo = join(d.root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    symlinkSync(fifo, d.storePath('coder'));
    const { coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/^not a regular file \(a FIFO\)/) });
  });

  it('a symlink to /dev/zero is "not a regular file (a device)" and never read', async () => {
    const d = twoAgents();
    symlinkSync('/dev/zero', d.storePath('coder'));
    const { coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/^not a regular file \(a device\)/) });
  });

  it('a Unix socket as a store is "not a regular file (a socket)"', async () => {
    const d = twoAgents();
    const server = createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(d.storePath('coder'), r));
    const { coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/^not a regular file \(a socket\)/) });
  });

  it('a SQLite-era store that is a FIFO is "not a regular file" without blocking', async () => {
    const d = makeStateDir({ agents: [{ id: 'main' }, { id: 'coder' }] });
    dirs.push(d);
    mkdirSync(join(d.stateDir, 'state'), { recursive: true });
    new DatabaseSync(join(d.stateDir, 'state', 'openclaw.sqlite')).close();
    execFileSync('mkfifo', [join(d.agentDir('coder'), 'openclaw-agent.sqlite')]);
    const { coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/^not a regular file \(a FIFO\)/) });
  });
});

describe('AuthBar\'s own files', () => {
  it('a FIFO as AuthBar\'s memory is a warning, not a hang', async () => {
    const d = twoAgents();
    mkdirSync(d.authbarHome, { recursive: true, mode: 0o700 });
    execFileSync('mkfifo', [join(d.authbarHome, 'memory.json')]);
    const { report } = await coderVerdict(d);
    expect(report.warnings.join('\n')).toContain('memory.json: not a regular file (a FIFO)');
  });
});

describe('stores that mislead', () => {
  it('a store over 16 MiB is "too large" and skipped, the other agents still shown', async () => {
    const d = twoAgents();
    writeFileSync(d.storePath('coder'), `{"version":1,"profiles":{},"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    const { report, coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/too large/) });
    expect(report.agents.find((a: any) => a.id === 'main').status).toBe('ok');
  });

  it('a dangling symlink store says so and where it points', async () => {
    const d = twoAgents();
    const target = join(d.root, 'moved-away', 'auth-profiles.json');
    symlinkSync(target, d.storePath('coder'));
    const { coder } = await coderVerdict(d);
    expect(coder).toMatchObject({ status: 'unreadable', error: `a symlink to ${target}, which does not exist` });
    const table = await runCli(['status'], d.env);
    expect(table.stdout).toContain(`a symlink to ${target}, which does not exist`);
  });
});

describe('parse errors never quote the store', () => {
  const secret = refreshToken();

  it('an unquoted token value: the position only, never the text around it (JSON store)', async () => {
    const d = twoAgents();
    writeFileSync(d.storePath('coder'), `{\n  "version": 1,\n  "profiles": {\n    "openai-codex:default": {\n      "refresh": ${secret}\n    }\n  }\n}\n`);
    const { coder } = await coderVerdict(d);
    expect(coder.error).toMatch(/^not valid JSON \(at line 5, column 18\)$/);
    for (const args of [['status'], ['status', '--json'], ['refresh', '--agent', 'coder'], ['sync']]) {
      const run = await runCli(args, d.env);
      for (const fragment of [secret, secret.slice(0, 10), secret.slice(3, 12), secret.slice(-8)]) {
        expect(run.stdout + run.stderr, args.join(' ')).not.toContain(fragment);
      }
    }
  });

  it('a truncated store: the position of the end', async () => {
    const d = twoAgents();
    writeFileSync(d.storePath('coder'), `{"version":1,"profiles":{"openai-codex:default":{"refresh":"${secret}`);
    const { coder } = await coderVerdict(d);
    expect(coder.error).toMatch(/^not valid JSON \(at line 1, column \d+\)$/);
    expect(coder.error).not.toContain(secret.slice(0, 8));
  });

  it('a legacy auth.json that does not parse: the position only', async () => {
    const d = twoAgents();
    writeFileSync(join(d.agentDir('coder'), 'auth.json'), `{"openai-codex": {"refresh": ${secret}}}`);
    const { coder } = await coderVerdict(d);
    expect(coder.error).toMatch(/^not valid JSON \(at line 1, column 30\)$/);
  });

  it('a JSON5 config holding a key that does not parse: the position only', async () => {
    const d = makeStateDir({ agents: [{ id: 'main' }], configText: `{\n  // comment\n  agents: { list: [] },\n  env: { OPENAI_API_KEY: sk-${secret} }\n}\n` });
    dirs.push(d);
    const run = await runCli(['status', '--json'], d.env);
    const report = JSON.parse(run.stdout);
    expect(report.configError).toMatch(/^not valid JSON5 \(at line 4, column 26\)$/);
    const table = await runCli(['status'], d.env);
    expect(table.stdout + table.stderr).not.toContain(secret.slice(0, 8));
  });

  it('a SQLite store row that does not parse: the position only', async () => {
    const d = makeStateDir({ agents: [{ id: 'main' }] });
    dirs.push(d);
    mkdirSync(join(d.stateDir, 'state'), { recursive: true });
    const db = new DatabaseSync(join(d.stateDir, 'state', 'openclaw.sqlite'));
    db.exec('CREATE TABLE config_machine_state (state_key TEXT PRIMARY KEY, value_json TEXT NOT NULL, updated_at_ms INTEGER NOT NULL)');
    db.exec('PRAGMA user_version = 18');
    db.prepare('INSERT INTO config_machine_state VALUES (?, ?, 0)').run('auth.sharedStore', '{"location":"state-db"}');
    db.prepare('INSERT INTO config_machine_state VALUES (?, ?, 0)').run('authProfiles.store', `{"version":1,"profiles":{"openai-codex:default":{"refresh":${secret}}}}`);
    db.close();
    rmSync(d.storePath('main'), { force: true });
    const run = await runCli(['status', '--json'], d.env);
    expect(run.stdout + run.stderr).not.toContain(secret.slice(0, 8));
    const main = JSON.parse(run.stdout).agents.find((a: any) => a.id === 'main');
    expect(main).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/^the authProfiles\.store row is not valid JSON \(at line 1, column 60\)$/) });
  });
});
