// The tools the tests drive for real (Chromium for the panel, OpenSSH for remote hosts). When
// one is missing, its tests are skipped with the reason on a developer's machine; under CI=true
// the test file fails at once with that reason instead, so a CI run can never pass with whole
// areas silently skipped (.ci/run installs them). The real openclaw packages need no check
// here: installOpenClaw throws when npm cannot install them, failing the file's beforeAll.
import { existsSync } from 'node:fs';

export interface Requirement {
  missing: boolean;
  /** Why the tests are skipped (empty when nothing is missing). */
  why: string;
}

/** CI=true (or any value but `false`/`0`), as CI services and .ci/run set it. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

export function requireTool(tests: string, paths: string[], install: string, env: NodeJS.ProcessEnv = process.env): Requirement {
  const absent = paths.filter((path) => !existsSync(path));
  if (absent.length === 0) return { missing: false, why: '' };
  const why = `${absent.join(', ')} missing: ${tests} tests need it (${install})`;
  if (isCi(env)) throw new Error(`CI=true, so this fails instead of skipping: ${why}`);
  return { missing: true, why };
}

export const requireChromium = (path: string, env?: NodeJS.ProcessEnv): Requirement =>
  requireTool('the panel', [path], "Debian's chromium package: apt-get install chromium", env);

export const requireSshd = (env?: NodeJS.ProcessEnv): Requirement =>
  requireTool('the remote-host', ['/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/ssh-keygen'], "Debian's openssh-server and openssh-client: apt-get install openssh-server openssh-client", env);
