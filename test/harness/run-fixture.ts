// Runs one fixture file of test/harness/fixtures in a vitest of its own, with this repo's
// setup files (no global setup: the bundle is not rebuilt under the running suite's feet).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import config from '../../vitest.config.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dirs.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export async function runFixture(name: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const scratch = makeTempDir('authbar-harness-');
  try {
    const configPath = join(scratch, 'vitest.config.mjs');
    writeFileSync(configPath, `export default ${JSON.stringify({
      root: ROOT,
      test: { include: [`test/harness/fixtures/${name}`], setupFiles: config.test!.setupFiles },
    })};\n`);
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=verbose', '--config', configPath], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const [code] = await once(child, 'close');
    return { code, output };
  } finally {
    removeTempDir(scratch);
  }
}
