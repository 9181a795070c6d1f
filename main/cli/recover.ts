// `authbar recover [--host NAME]... [--local] [--json]`: writes every rotated sign-in AuthBar
// holds (a refresh whose answer no store could take) back into its stores, under OpenClaw's
// locks, and deletes the file; on a host, the AuthBar there does the same.
import type { ProfileOutcome } from '../core/api.ts';
import { parse } from './args.ts';
import { deferSignalsDuringRotation } from './defer-signals.ts';
import { USAGE as USAGES } from './help.ts';
import { failureLine, progressLine, runOnTargets } from './outcomes.ts';
import { resolveTargets, TARGET_OPTIONS } from './targets.ts';

const USAGE = USAGES.recover;

export async function runRecover(args: string[]): Promise<number> {
  const { values } = parse('recover', args, { json: { type: 'boolean', default: false }, ...TARGET_OPTIONS }, USAGE);
  const { recoverHeld } = await import('../core/refresh/recover.ts');
  let printed = 0;
  const onResult = (result: ProfileOutcome) => {
    printed++;
    if (!values.json) process.stdout.write(`${progressLine(result, Date.now())}\n`);
    if (result.outcome === 'failed') process.stderr.write(`${failureLine(result)}\n`);
  };
  const targets = await resolveTargets(values, false);
  const guard = targets.local ? deferSignalsDuringRotation() : undefined;
  const code = await runOnTargets(targets, () => recoverHeld({ env: process.env, guard, onResult }), ['recover'], { json: values.json, onResult });
  if (!values.json && printed === 0) process.stdout.write('AuthBar holds no rotated sign-in: nothing to recover.\n');
  return code;
}
