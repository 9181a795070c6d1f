// Every temp directory the test helpers make, so none outlives its test file: a test that
// fails or times out before its own cleanup leaves nothing behind (test/helpers/cleanup.ts
// removes what is left after each file). Only this process's own directories are touched;
// other runs on the same machine share the temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** `mkdtemp` under `parent` (the OS temp dir by default), removed at the end of the file at the latest. */
export function makeTempDir(prefix: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  made.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

/** Removes every directory made here and not removed yet; returns them (for a test of this). */
export function removeLeftoverTempDirs(): string[] {
  const left = [...made];
  for (const dir of left) removeTempDir(dir);
  return left;
}
