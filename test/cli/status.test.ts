import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatusReportSchema } from '../../main/core/api.ts';
import { runCli, statusJson } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
let dirs: StateDir[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  dirs.push(d);
  return d;
}
const codex = (options: Parameters<typeof codexCredential>[0] = {}) => storeDocument({ 'openai-codex:default': codexCredential(options) });

describe('authbar status --json', () => {
  it('prints the documented contract for every agent', async () => {
    const d = state({
      imageGenerationModel: 'openai/gpt-image-2',
      agents: [
        { id: 'main', default: true, store: codex({ accountId: 'acct-1', email: 'me@example.com' }) },
        { id: 'artist' },
        { id: 'old', configured: false, store: '{ broken' },
      ],
    });
    const out = await statusJson(d.env);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['stateDir', 'generatedAt', 'agents']));
    expect(out.stateDir).toBe(d.stateDir);
    expect(Number.isNaN(Date.parse(out.generatedAt))).toBe(false);
    const artist = out.agents.find((a: { id: string }) => a.id === 'artist');
    expect(artist).toMatchObject({
      id: 'artist', configured: true, agentDir: d.agentDir('artist'), storePath: d.storePath('artist'), storeKind: 'json',
      imageGeneration: { model: 'openai/gpt-image-2', dependsOnCodex: true },
    });
    expect(artist.error).toBeUndefined();
    expect(artist.profiles[0]).toMatchObject({
      profileId: 'openai-codex:default', provider: 'openai-codex', source: 'main', status: 'ok',
      email: 'me@example.com', accountId: 'acct-1', sharedWith: ['main'],
    });
    expect(typeof artist.profiles[0].expiresAt).toBe('number');
    expect(typeof artist.profiles[0].remainingMs).toBe('number');
    // Exactly the redacted contract: the strict schema rejects any field it does not name.
    expect(() => StatusReportSchema.parse(out)).not.toThrow();
    const old = out.agents.find((a: { id: string }) => a.id === 'old');
    expect(old).toMatchObject({ configured: false, status: 'unreadable' });
    expect(old.error).toMatch(/not valid JSON/);
  });

  it('filters with --agent (repeatable) and names a mistyped agent with the command that lists them', async () => {
    const d = state({ agents: [{ id: 'main', store: codex() }, { id: 'a' }, { id: 'b' }] });
    const out = await statusJson(d.env, ['--agent', 'a', '--agent', 'B']);
    expect(out.agents.map((a: { id: string }) => a.id)).toEqual(['a', 'b']);
    const bad = await runCli(['status', '--agent', 'nope'], d.env);
    expect(bad.code).toBe(64);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('no agent "nope"');
    expect(bad.stderr).toContain('authbar status');
  });

  it('rejects a bad --warn-after and an unknown flag in one line each', async () => {
    const d = state({ agents: [{ id: 'main', store: codex() }] });
    const bad = await runCli(['status', '--warn-after', 'soon'], d.env);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^authbar: --warn-after "soon" is not a duration; try 24h, 90m or 2d\n$/);
    const flag = await runCli(['status', '--jsn'], d.env);
    expect(flag.code).toBe(64);
    expect(flag.stderr.trim().split('\n')).toHaveLength(1);
    expect(flag.stderr).toContain('--jsn');
  });
});

describe('authbar status --check', () => {
  const cases: Array<[string, number | null, number]> = [
    ['all ok', 48 * HOUR, 0],
    ['expiring', 3 * HOUR, 2],
    ['expired', -HOUR, 1],
    ['missing', null, 1],
  ];
  for (const [name, expiresInMs, code] of cases) {
    it(`exits ${code} when the worst profile is ${name}`, async () => {
      const d = state({ agents: [{ id: 'main', store: codex() }, { id: 'x', store: codex({ expiresInMs }) }] });
      const result = await runCli(['status', '--check'], d.env);
      expect(result.code).toBe(code);
    });
  }

  it('exits 1 for an unreadable store, and --warn-after moves expiring', async () => {
    const d = state({ agents: [{ id: 'main', store: codex({ expiresInMs: 3 * HOUR }) }, { id: 'bad', store: '' }] });
    expect((await runCli(['status', '--check'], d.env)).code).toBe(1);
    expect((await runCli(['status', '--check', '--agent', 'main'], d.env)).code).toBe(2);
    expect((await runCli(['status', '--check', '--agent', 'main', '--warn-after', '2h'], d.env)).code).toBe(0);
  });

  // Found by a review: a broken config made every agent "not in openclaw.json", which --check skipped.
  it('exits 1 when openclaw.json cannot be read, naming it, and does not call the agents found on disk unrun', async () => {
    const d = state({ agents: [{ id: 'main', store: codex() }, { id: 'x', store: codex({ expiresInMs: -HOUR }) }] });
    const configPath = join(d.stateDir, 'openclaw.json');
    writeFileSync(configPath, '{ agents: { list: [');
    const result = await runCli(['status', '--check'], d.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`authbar: status --check: ${configPath} could not be read (not valid JSON5`);
    expect(result.stdout).toContain(`Found on disk (${configPath} could not be read, so which of these OpenClaw runs is unknown; their copies count):`);
    expect(result.stdout).not.toContain('directory only');
  });
});

describe('authbar status (table)', () => {
  it('shows agent, profile, status, expiry, image risk and sharing, and one fix line per problem', async () => {
    const shared = codexCredential({ accountId: 'acct-1' });
    const d = state({
      imageGenerationModel: 'openai/gpt-image-2',
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': shared }) },
        { id: 'artist', store: codex({ accountId: 'acct-2', expiresInMs: -2 * HOUR }) },
        { id: 'broken', store: 'nope' },
        { id: 'leftover', configured: false, store: codex({ accountId: 'acct-3' }) },
      ],
    });
    const result = await runCli(['status'], d.env);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^AGENT\s+PROFILE\s+STATUS\s+EXPIRES\s+IMAGE GEN\s+USAGE\s+SHARED WITH/);
    expect(result.stdout).toMatch(/artist\s+openai-codex:default\s+expired\s+2h ago\s+at risk/);
    expect(result.stdout).toMatch(/main\s+openai-codex:default\s+ok\s+in 2d 23h\s+uses token/);
    expect(result.stdout).toContain('directory only');
    expect(result.stdout).toMatch(/leftover\s+openai-codex:default/);
    expect(result.stdout).toContain('agent artist, profile openai-codex:default: expired (2h ago). Fix: authbar refresh --agent artist');
    expect(result.stdout).toContain(`agent broken: ${d.storePath('broken')}: not valid JSON`);
    expect(result.stdout).toContain('openclaw models auth --agent broken login --provider openai-codex');
  });

  it('names the directory it searched and how to point elsewhere when there are no agents', async () => {
    const d = state({ agents: [] });
    const result = await runCli(['status'], { ...d.env, OPENCLAW_STATE_DIR: `${d.root}/nothing-here` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${d.root}/nothing-here`);
    expect(result.stdout).toContain('OPENCLAW_STATE_DIR');
  });
});

describe('no token in any output', () => {
  it('keeps every token and token fragment out of table, JSON and errors', async () => {
    const stores = {
      main: codex({ accountId: 'acct-1' }),
      b: codex({ accountId: 'acct-1', expiresInMs: -HOUR }),
      c: codex({ accountId: null, expiresInMs: null }),
    };
    const d = state({ agents: Object.entries(stores).map(([id, store]) => ({ id, store })) });
    const secrets = Object.values(stores).flatMap(secretsIn);
    const fragments = secrets.flatMap((s) => [s, s.slice(0, 16), s.slice(-16), ...s.split('.').filter((p) => p.length > 8)]);
    const outputs = await Promise.all([
      runCli(['status'], d.env),
      runCli(['status', '--json'], d.env),
      runCli(['status', '--check'], d.env),
      runCli(['status', '--agent', 'zzz'], d.env),
    ]);
    for (const { stdout, stderr } of outputs) for (const f of fragments) {
      expect(stdout).not.toContain(f);
      expect(stderr).not.toContain(f);
    }
  });
});

describe('authbar status --watch', () => {
  it('with --json prints one JSON line once it follows changes, and one per change, until interrupted', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.ts');
    const d = state({ agents: [{ id: 'main', store: codex({ expiresInMs: 50 * HOUR }) }] });
    const child = spawn(process.execPath, [CLI, 'status', '--watch', '--json'], { env: d.env });
    children.push(child);
    const lines: any[] = [];
    let arrived = () => {};
    let buffer = '';
    child.stdout.on('data', (c) => {
      buffer += c;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        lines.push(JSON.parse(buffer.slice(0, i)));
        buffer = buffer.slice(i + 1);
        arrived();
      }
    });
    /** Resolves when the n-th line has arrived (an event; the test's own timeout bounds it). */
    const line = (n: number) => new Promise<any>((resolve) => {
      const check = () => (lines.length >= n ? resolve(lines[n - 1]) : undefined);
      arrived = check;
      check();
    });
    expect((await line(1)).agents[0]).toMatchObject({ id: 'main', status: 'ok' });
    // No pause here: the first line means the watcher is ready, so a change at once is seen.
    d.writeStore('main', codex({ expiresInMs: -HOUR }));
    expect((await line(2)).agents[0]).toMatchObject({ id: 'main', status: 'expired' });
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
