// The suite's own hygiene: a test that fails before its cleanup leaves no `authbar-test-*`
// directory behind. Runs a failing fixture file in a vitest of its own, with this repo's
// setup files, and looks for the state dir it made.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import config from '../../vitest.config.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dirs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let scratch: string | null = null;
afterEach(() => {
  if (scratch) removeTempDir(scratch);
  scratch = null;
});

it('removes the temp dirs of a test that failed before removing them', async () => {
  scratch = makeTempDir('authbar-harness-');
  const report = join(scratch, 'made');
  const configPath = join(scratch, 'vitest.config.mjs');
  writeFileSync(configPath, `export default ${JSON.stringify({
    root: ROOT,
    test: { include: ['test/harness/fixtures/leaves-temp-dir.fixture.ts'], setupFiles: config.test!.setupFiles },
  })};\n`);
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', configPath], {
    cwd: ROOT,
    env: { ...process.env, AUTHBAR_FIXTURE_REPORT: report, CI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const [code] = await once(child, 'close');
  expect(code, output).toBe(1);
  expect(output).toContain('deliberate failure');
  const made = readFileSync(report, 'utf8');
  expect(made).toMatch(/authbar-test-/);
  expect(existsSync(made), `${made} is left behind`).toBe(false);
}, 120_000);
