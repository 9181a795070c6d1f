#!/usr/bin/env node
// `npm run stress`: the long runs of the torture tests that `npm test` runs a few rounds of.
// Today: 100 SIGKILLs between the token endpoint's answer and the store writes
// (test/cli/kill-window.test.ts); every run must end with the new credential kept.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(process.execPath, [join(root, 'build', 'with-node.mjs'), join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/cli/kill-window.test.ts', '--maxWorkers', '1'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AUTHBAR_KILL_ROUNDS: process.env.AUTHBAR_KILL_ROUNDS ?? '100' },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
