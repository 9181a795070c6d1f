// Where the panel tests save the README's screenshots. Into build/screenshots only when asked
// (AUTHBAR_UPDATE_SCREENSHOTS=1, README "Development"): a plain test run leaves the tree as it
// found it, and the tray menu's clock times differ on every run. Otherwise they are still
// drawn and saved, in a temp dir removed with the test file, so drawing them stays tested.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dirs.ts';

export function screenshotPath(name: string): string {
  const dir = process.env.AUTHBAR_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'build', 'screenshots') : (taken ??= makeTempDir('authbar-test-screenshots-'));
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

let taken: string | undefined;
