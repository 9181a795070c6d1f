// `<AuthBar executable> --cli …`, what the installed launcher runs (the packaged app cannot use
// ELECTRON_RUN_AS_NODE: its fuse is off). The bundled entry is run as a real child process under
// plain Node, with `electron` made unloadable: the CLI answers, and nothing of the app loads.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs } from '../../main/app/cli-mode.ts';
import { installLauncher } from '../../main/core/cli-install.ts';
import { makeStateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ENTRY = join(ROOT, 'dist', 'app', 'main.cjs');
const NO_ELECTRON = join(import.meta.dirname, '..', 'helpers', 'electron-forbidden.cjs');

function runEntry(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', NO_ELECTRON, ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run node build/bundle.mjs`);
});

describe('the app entry with --cli', () => {
  it('takes the words after --cli, wherever Electron or Chromium put their own before it', () => {
    expect(cliArgs(['/opt/AuthBar/authbar-app', '--cli', 'status', '--json'])).toEqual(['status', '--json']);
    expect(cliArgs(['/usr/bin/electron', 'dist/app/main.cjs', '--no-sandbox', '--cli', 'refresh', '--cli'])).toEqual(['refresh', '--cli']);
    expect(cliArgs(['/opt/AuthBar/authbar-app'])).toBeNull();
  });

  it('prints `status --json` and exits 0 without loading electron (no tray, window or instance lock)', async () => {
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * 3_600_000 }) }) }] });
    cleanups.push(() => d.cleanup());
    const result = await runEntry(['--cli', 'status', '--json'], d.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.agents.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([['main', 'ok']]);
  });

  it("exits with the CLI's own code and message: a usage error is 64", async () => {
    const d = makeStateDir({ agents: [] });
    cleanups.push(() => d.cleanup());
    const result = await runEntry(['--cli', 'frobnicate'], d.env);
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('authbar: unknown command "frobnicate"; run authbar --help\n');
  });

  it('the launcher "Install command-line tool" writes runs it: `authbar status --json` from the PATH, through the app entry', async () => {
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * 3_600_000 }) }) }] });
    cleanups.push(() => d.cleanup());
    // The app's executable, as far as the launcher can tell: a program that runs the bundled entry.
    const app = join(d.root, 'AuthBar');
    writeFileSync(app, `#!/bin/sh\nexec '${process.execPath}' --require '${NO_ELECTRON}' '${ENTRY}' "$@"\n`, { mode: 0o755 });
    const done = installLauncher({ platform: 'linux', env: d.env, home: d.env.HOME!, executable: app });
    expect(done).toEqual({ note: expect.stringMatching(/^Installed authbar in .*\/\.local\/bin; add it to your PATH/) });
    const bin = join(d.env.HOME!, '.local', 'bin');
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('authbar', ['status', '--json'], { env: { ...d.env, PATH: `${bin}:${d.env.PATH}` }, stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).agents.map((a: { id: string }) => a.id)).toEqual(['main']);
  });

  it('without --cli, starts the app (which under plain Node means requiring electron)', async () => {
    const d = makeStateDir({ agents: [] });
    cleanups.push(() => d.cleanup());
    const result = await runEntry([], d.env);
    expect(result.stderr).toContain('electron was loaded');
  });
});
