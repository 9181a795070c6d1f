// `authbar recover [--json]`: writes every rotated sign-in AuthBar holds (a refresh whose answer
// no store could take) back into its stores, under OpenClaw's locks, and deletes the file.
import type { ProfileOutcome } from '../core/api.ts';
import { parse } from './args.ts';
import { deferSignalsDuringRotation } from './defer-signals.ts';
import { exitCodeFor, failureLine, progressLine } from './outcomes.ts';
import { USAGE as USAGES } from './help.ts';

const USAGE = USAGES.recover;

export async function runRecover(args: string[]): Promise<number> {
  const { values } = parse('recover', args, { json: { type: 'boolean', default: false } }, USAGE);
  const { recoverHeld } = await import('../core/refresh/recover.ts');
  const onResult = (result: ProfileOutcome) => {
    if (!values.json) process.stdout.write(`${progressLine(result, Date.now())}\n`);
    if (result.outcome === 'failed') process.stderr.write(`${failureLine(result)}\n`);
  };
  const report = await recoverHeld({ env: process.env, guard: deferSignalsDuringRotation(), onResult });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.results.length === 0) process.stdout.write('AuthBar holds no rotated sign-in: nothing to recover.\n');
  return exitCodeFor(report);
}
