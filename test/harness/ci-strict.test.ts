// A missing tool skips its tests with the reason on a developer's machine, and fails the run
// under CI=true (the rule Chromium and sshd follow: test/helpers/requirements.ts).
import { expect, it } from 'vitest';
import { isCi, requireChromium, requireSshd } from '../helpers/requirements.ts';
import { runFixture } from './run-fixture.ts';

it('skips with the reason without CI, and fails the run with it under CI=true', async () => {
  const local = await runFixture('needs-missing-tool.fixture.ts', { CI: '' });
  expect(local.code, local.output).toBe(0);
  expect(local.output).toContain('fixture tests skipped: /nonexistent/authbar-fixture-tool missing');
  const ci = await runFixture('needs-missing-tool.fixture.ts', { CI: 'true' });
  expect(ci.code, ci.output).toBe(1);
  expect(ci.output).toContain('CI=true, so this fails instead of skipping: /nonexistent/authbar-fixture-tool missing: the fixture tests need it');
}, 120_000);

it('applies that rule to Chromium and sshd', () => {
  expect(requireChromium('/nonexistent/chromium', { CI: '' })).toEqual({ missing: true, why: expect.stringContaining('apt-get install chromium') });
  expect(() => requireChromium('/nonexistent/chromium', { CI: 'true' })).toThrow(/CI=true, so this fails instead of skipping: \/nonexistent\/chromium missing: the panel tests need it/);
  expect(isCi({ CI: 'false' })).toBe(false);
  expect(isCi({ CI: '1' })).toBe(true);
  // On this machine both are installed (as .ci/run makes sure on CI's).
  expect(requireSshd({ CI: 'true' }).missing).toBe(false);
});
