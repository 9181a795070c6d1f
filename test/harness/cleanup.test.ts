// The suite's own hygiene: a test that fails before its cleanup leaves no `authbar-test-*`
// directory behind (the fixture reports the state dir it made, then fails).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../helpers/temp-dirs.ts';
import { runFixture } from './run-fixture.ts';

let scratch: string | null = null;
afterEach(() => {
  if (scratch) removeTempDir(scratch);
  scratch = null;
});

it('removes the temp dirs of a test that failed before removing them', async () => {
  scratch = makeTempDir('authbar-harness-');
  const report = join(scratch, 'made');
  const { code, output } = await runFixture('leaves-temp-dir.fixture.ts', { AUTHBAR_FIXTURE_REPORT: report, CI: '' });
  expect(code, output).toBe(1);
  expect(output).toContain('deliberate failure');
  const made = readFileSync(report, 'utf8');
  expect(made).toMatch(/authbar-test-/);
  expect(existsSync(made), `${made} is left behind`).toBe(false);
}, 120_000);
