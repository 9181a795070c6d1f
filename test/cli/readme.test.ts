// The README tells the truth: its CLI synopsis is the CLI's own usage, its status words are the
// ones AuthBar prints, and its `npm link` puts a working `authbar` on the PATH.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentReportSchema, ProfileReportSchema, StatusReportSchema } from '../../main/core/api.ts';
import { STATUS_LABELS } from '../../main/core/format.ts';
import { USAGE } from '../../main/cli/help.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
let temps: string[] = [];
afterEach(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  temps = [];
});

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the README', () => {
  it('shows the CLI\'s own usage lines, every one of them', () => {
    const block = /## The CLI\n\n```\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
    expect(block.trim().split('\n')).toEqual(Object.values(USAGE));
  });

  it('names every field of status --json, at every level', () => {
    const shape = /`status --json` prints one object: `([\s\S]*?)`;/.exec(README)?.[1] ?? '';
    const named = new Set(shape.match(/[A-Za-z]+/g));
    const fields = [StatusReportSchema, AgentReportSchema, ProfileReportSchema].flatMap((schema) => Object.keys(schema.def.shape));
    expect(fields.filter((field) => !named.has(field))).toEqual([]);
  });

  it('names each status by the word AuthBar prints, and no other', () => {
    const bullet = /- \*\*Status\*\*[\s\S]*?(?=\n- \*\*)/.exec(README)?.[0] ?? '';
    for (const word of Object.values(STATUS_LABELS)) expect(bullet).toContain(`\`${word}\``);
    expect(README).not.toContain('npm install -g authbar`\n'); // only ever said as what not to do
    expect(README).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD'); // read nowhere by Electron 45
  });

  it('`npm link` as written puts a working `authbar` on the PATH, and `npm unlink -g authbar` takes it away', async () => {
    expect(README).toMatch(/^npm link\s+# puts `authbar` on your PATH/m);
    const prefix = mkdtempSync(join(tmpdir(), 'authbar-test-prefix-'));
    temps.push(prefix);
    // A private global prefix, and no lifecycle scripts: `prepare` would rebuild the dist/ other tests are running.
    const env = { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: prefix, npm_config_prefix: prefix, npm_config_ignore_scripts: 'true', npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
    const link = await run('npm', ['link'], env);
    expect(link.code, link.stderr).toBe(0);
    const help = await run('authbar', ['status', '--help'], { ...env, OPENCLAW_STATE_DIR: join(prefix, 'none') });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout.split('\n')[0]).toBe(`Usage: ${USAGE.status}`);
    const check = await run('authbar', ['status', '--check'], { ...env, OPENCLAW_STATE_DIR: join(prefix, 'none') });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`no OpenClaw state dir at ${join(prefix, 'none')}`);
    const unlink = await run('npm', ['unlink', '-g', 'authbar'], env);
    expect(unlink.code, unlink.stderr).toBe(0);
    expect(existsSync(join(prefix, 'bin', 'authbar'))).toBe(false);
  }, 60_000);
});
