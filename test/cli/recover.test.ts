// When no store can take a rotated token, AuthBar holds it (recovery file, 0600 in a 0700
// directory, never printed), `status` says so, nothing presents the dead token, and
// `authbar recover` writes it back under OpenClaw's locks and deletes the file (issue 13 §1).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

let server: TokenServer;
let cleanups: Array<() => void> = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  await server.close();
  for (const clean of cleanups.reverse()) clean();
  cleanups = [];
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe('a rotated sign-in no store could take', () => {
  it('is held by AuthBar, shown by status, never presented again, and written back by authbar recover', async (context) => {
    const issued = server.issue('acct-1');
    const cred = codexCredential({ accountId: 'acct-1', access: issued.access, refresh: issued.refresh, expiresInMs: 3_600_000 });
    const d: StateDir = makeStateDir({ agents: [{ id: 'main' }, { id: 'artist' }] });
    cleanups.push(() => d.cleanup());
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
    const vault = join(d.root, 'vault');
    mkdirSync(vault);
    writeFileSync(join(vault, 'auth-profiles.json'), `${JSON.stringify(storeDocument({ 'openai-codex:default': cred }), null, 2)}\n`, { mode: 0o600 });
    symlinkSync(join(vault, 'auth-profiles.json'), d.storePath('main'));
    if (spawnSync('chattr', ['-i', vault]).status !== 0) return context.skip('chattr is not supported on this file system');
    cleanups.push(() => spawnSync('chattr', ['-i', vault]));

    // The pre-flight passes; while the answer is on its way the target directory turns immutable.
    let open!: () => void;
    server.queue({ until: new Promise<void>((resolve) => (open = resolve)) });
    const child = spawn(process.execPath, [CLI, 'refresh', '--agent', 'main', '--json'], { env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(() => server.requests.length === 1);
    expect(spawnSync('chattr', ['+i', vault]).status).toBe(0);
    open();
    expect(await exited).toBe(1);

    const head = [...server.live].find(([, a]) => a === 'acct-1')![0];
    expect(head).not.toBe(cred.refresh);
    const [outcome] = JSON.parse(stdout).results;
    expect(outcome).toMatchObject({ agentId: 'main', outcome: 'failed', failureKind: 'unwritable', fix: 'authbar recover' });
    expect(outcome.cause).toMatch(/AuthBar holds it: run `authbar recover`/);

    const dir = join(d.authbarHome, 'recovery');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toContain(head);

    const table = await runCli(['status'], d.env);
    expect(table.stdout).toContain('a rotated sign-in for main is held by AuthBar: run `authbar recover`');
    const json = await runCli(['status', '--json'], d.env);
    expect(JSON.parse(json.stdout).held).toMatchObject([{ agents: ['main'], profileId: 'openai-codex:default', message: 'a rotated sign-in for main is held by AuthBar: run `authbar recover`' }]);
    expect((await runCli(['status', '--check'], d.env)).code).toBe(1);

    // While the store still refuses the write, a refresh tries the recovery, keeps the file, and never presents the dead token.
    const again = await runCli(['refresh', '--all', '--json'], d.env);
    expect(again.code).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(files);

    for (const text of [stdout, stderr, table.stdout, table.stderr, json.stdout, again.stdout, again.stderr]) {
      for (const secret of [head, head.slice(0, 12), head.slice(-12), cred.refresh]) expect(text).not.toContain(secret);
    }

    spawnSync('chattr', ['-i', vault]);
    const recover = await runCli(['recover'], d.env);
    expect(recover.code, recover.stderr).toBe(0);
    expect(recover.stdout).toMatch(/^main\s+openai-codex:default\s+recovered, expires in /m);
    expect(recover.stdout).not.toContain(head);
    expect(JSON.parse(readFileSync(join(vault, 'auth-profiles.json'), 'utf8')).profiles['openai-codex:default'].refresh).toBe(head);
    expect(readdirSync(dir)).toEqual([]);
    expect((await runCli(['status', '--json'], d.env)).stdout).not.toContain('"held"');
    expect((await runCli(['recover'], d.env)).stdout).toBe('AuthBar holds no rotated sign-in: nothing to recover.\n');
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
    expect(existsSync(join(vault, 'auth-profiles.json.lock'))).toBe(false);
  }, 60_000);
});
