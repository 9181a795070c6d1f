import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Removes the temp dirs a failed or timed-out test left, after each file.
    setupFiles: ['test/helpers/cleanup.ts'],
    // A bound for a hung test, not a speed check: on a loaded machine (CI runners are shared,
    // `npm run test:loaded`) a test of several child processes takes several times longer.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Child-process and lock-contention tests measure real concurrency: keep files apart.
    fileParallelism: true,
    maxWorkers: 2,
    // The Electron wiring tests collect garbage to prove a notification click survives V8 (electron#16922).
    execArgv: ['--expose-gc'],
  },
});
