// `npm run fidelity -- --minutes 30 [--seed S] [--count N] [--no-shrink]`: AuthBar against
// the real openclaw@2026.5.7 on random state dirs until the time budget or the count runs out;
// prints the agreement rate with its seed, and each disagreement shrunk to a minimal state dir.
import { installOpenClaw } from '../helpers/openclaw.ts';
import { runFidelity } from './campaign.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(option('minutes') ?? 30);
const count = option('count') === undefined ? Infinity : Number(option('count'));
const seed = option('seed') ?? 'authbar-fidelity';
const openclaw = await installOpenClaw('2026.5.7');
const summary = await runFidelity({
  openclaw,
  seed,
  count,
  deadline: Date.now() + minutes * 60_000,
  shrink: !process.argv.includes('--no-shrink'),
  log: (line) => console.log(line),
});
console.log(summary.text);
process.exit(summary.disagreements.length === 0 ? 0 : 1);
