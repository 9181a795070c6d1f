// Runs in every test file (vitest.config.ts `setupFiles`). Its afterAll is registered first,
// so it runs last: after the file's own hooks have stopped servers and processes, it removes
// any temp directory a failed or timed-out test did not get to remove.
import { afterAll } from 'vitest';
import { removeLeftoverTempDirs } from './temp-dirs.ts';

afterAll(() => {
  removeLeftoverTempDirs();
});
