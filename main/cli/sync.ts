// `authbar sync [--agent ID]... [--dry-run] [--json]`
import type { ProfileOutcome, RefreshEvent } from '../core/api.ts';
import { parse } from './args.ts';
import { failureLine, progressLine, runOnTargets } from './outcomes.ts';
import { waitingLine } from './waiting.ts';
import { resolveTargets, TARGET_OPTIONS } from './targets.ts';
import { USAGE as USAGES } from './help.ts';

const USAGE = USAGES.sync;

export async function runSync(args: string[]): Promise<number> {
  const { values } = parse('sync', args, {
    agent: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    ...TARGET_OPTIONS,
  }, USAGE);
  const { syncStranded } = await import('../core/sync.ts');
  let printed = 0;
  // No network here, but a remote host's ssh can take a while: on a terminal, a line says which.
  const waiting = waitingLine(process.stderr, 'waiting for', null);
  const onResult = (result: ProfileOutcome) => {
    waiting.clear();
    printed++;
    if (!values.json) process.stdout.write(`${progressLine(result, Date.now())}\n`);
    if (result.outcome === 'failed') process.stderr.write(`${failureLine(result)}\n`);
  };
  const onEvent = (event: RefreshEvent) => {
    if (event.type === 'finished') onResult(event.result);
  };
  const remoteArgs = ['sync', ...values.agent.flatMap((id) => ['--agent', id]), ...(values['dry-run'] ? ['--dry-run'] : [])];
  const code = await runOnTargets(await resolveTargets(values, false), () => syncStranded({
    env: process.env,
    agents: values.agent.length > 0 ? values.agent : 'all',
    dryRun: values['dry-run'],
    onEvent,
  }), remoteArgs, { json: values.json, onResult, waiting }).finally(() => waiting.stop());
  if (!values.json && printed === 0) process.stdout.write('Nothing is stranded: every copy of every sign-in holds its newest credential.\n');
  return code;
}
