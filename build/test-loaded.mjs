#!/usr/bin/env node
// `npm run test:loaded`: the test suite on a busy machine, the way a shared CI runner or a
// laptop doing other work is. It starts CPU hogs (busy-loop Node processes, two per core by
// default, like `stress-ng --cpu 4` on two cores), runs the suite several times in a row beside
// them, prints each run's result and wall time, and stops the hogs. Exit 0 only if every run
// passed. Arguments after `--` go to vitest (a file, `-t NAME`, ...).
//
//   npm run test:loaded                      3 full runs beside 2 hogs per core
//   npm run test:loaded -- --runs 1 -- test/compat/sqlite-openclaw-2026.9.test.ts
//
// Written for Node 18+ with no dependencies; the suite itself runs under build/with-node.mjs.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node build/test-loaded.mjs [--runs N] [--hogs N] [-- vitest arguments]';

function parse(argv) {
  const options = { runs: 3, hogs: 2 * availableParallelism(), vitest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      options.vitest = argv.slice(i + 1);
      break;
    }
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = Number(argv[i + 1]);
    if ((arg === '--runs' || arg === '--hogs') && Number.isInteger(value) && value >= (arg === '--runs' ? 1 : 0)) {
      options[arg.slice(2)] = value;
      i++;
      continue;
    }
    console.error(`test-loaded: unexpected argument ${arg}\n${USAGE}`);
    process.exit(64);
  }
  return options;
}

const options = parse(process.argv.slice(2));
const hogs = [];
const stopHogs = () => {
  for (const hog of hogs.splice(0)) hog.kill('SIGKILL');
};
process.on('exit', stopHogs);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopHogs();
    process.exit(130);
  });
}

for (let i = 0; i < options.hogs; i++) {
  hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
console.log(`test-loaded: ${options.hogs} CPU hog(s) on ${availableParallelism()} core(s); ${options.runs} run(s) of vitest ${options.vitest.join(' ')}`.trimEnd());

function runSuite() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'build', 'with-node.mjs'), join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...options.vitest], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const results = [];
for (let run = 1; run <= options.runs; run++) {
  const started = Date.now();
  const code = await runSuite();
  results.push({ run, code, seconds: Math.round((Date.now() - started) / 1000) });
  console.log(`test-loaded: run ${run}/${options.runs} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${results.at(-1).seconds} s`);
}
stopHogs();
const failed = results.filter((r) => r.code !== 0);
console.log(`test-loaded: ${results.length - failed.length} of ${results.length} run(s) passed beside ${options.hogs} CPU hog(s); wall times ${results.map((r) => `${r.seconds} s`).join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
