// Tests run the real bundled CLI as child processes, so build it once before any test.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['build/bundle.mjs'], { stdio: 'inherit' });
}
