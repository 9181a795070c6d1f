// `authbar sync [--agent ID]... [--dry-run] [--json]`
import type { RefreshEvent } from '../core/api.ts';
import { parse } from './args.ts';
import { failureLine, progressLine, runWithAgents } from './outcomes.ts';

const USAGE = 'authbar sync [--agent ID]... [--dry-run] [--json]';

export async function runSync(args: string[]): Promise<number> {
  const { values } = parse('sync', args, {
    agent: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  }, USAGE);
  const { syncStranded } = await import('../core/sync.ts');
  let printed = 0;
  const onEvent = (event: RefreshEvent) => {
    if (event.type !== 'finished') return;
    printed++;
    if (!values.json) process.stdout.write(`${progressLine(event.result, Date.now())}\n`);
    if (event.result.outcome === 'failed') process.stderr.write(`${failureLine(event.result)}\n`);
  };
  const code = await runWithAgents(() => syncStranded({
    env: process.env,
    agents: values.agent.length > 0 ? values.agent : 'all',
    dryRun: values['dry-run'],
    onEvent,
  }), values.json);
  if (!values.json && printed === 0) process.stdout.write('Nothing is stranded: every copy of every sign-in holds its newest credential.\n');
  return code;
}
