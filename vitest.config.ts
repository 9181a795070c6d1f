import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Removes the temp dirs a failed or timed-out test left, after each file.
    setupFiles: ['test/helpers/cleanup.ts'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    // Child-process and lock-contention tests measure real concurrency: keep files apart.
    fileParallelism: true,
    maxWorkers: 2,
    // The Electron wiring tests collect garbage to prove a notification click survives V8 (electron#16922).
    execArgv: ['--expose-gc'],
  },
});
