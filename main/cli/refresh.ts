// `authbar refresh (--agent ID... | --all) [--if-needed] [--json] [--concurrency N]`
import type { ProfileOutcome, RefreshEvent } from '../core/api.ts';
import { parse, UsageError } from './args.ts';
import { deferSignalsDuringRotation } from './defer-signals.ts';
import { failureLine, progressLine, runOnTargets } from './outcomes.ts';
import { resolveTargets, TARGET_OPTIONS } from './targets.ts';

const USAGE = 'authbar refresh (--agent ID... | --all) [--host NAME]... [--local] [--if-needed] [--json] [--concurrency N]';

export async function runRefresh(args: string[]): Promise<number> {
  const { values } = parse('refresh', args, {
    agent: { type: 'string', multiple: true, default: [] },
    all: { type: 'boolean', default: false },
    'if-needed': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    ...TARGET_OPTIONS,
  }, USAGE);
  if (values.all === (values.agent.length > 0)) throw new UsageError(`refresh: name agents with --agent ID, or use --all. Usage: ${USAGE}`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new UsageError(`--concurrency "${values.concurrency}" is not a positive whole number`);

  const { refreshAgents } = await import('../core/refresh/refresh-agents.ts');
  const onResult = (result: ProfileOutcome) => {
    if (!values.json) process.stdout.write(`${progressLine(result, Date.now())}\n`);
    if (result.outcome === 'failed') process.stderr.write(`${failureLine(result)}\n`);
  };
  const onEvent = (event: RefreshEvent) => {
    if (event.type === 'finished') onResult(event.result);
  };
  const remoteArgs = ['refresh', ...(values.all ? ['--all'] : values.agent.flatMap((id) => ['--agent', id])), ...(values['if-needed'] ? ['--if-needed'] : [])];
  const targets = await resolveTargets(values, false);
  const guard = targets.local ? deferSignalsDuringRotation() : undefined;
  return runOnTargets(targets, () => refreshAgents({
    env: process.env,
    guard,
    agents: values.all ? 'all' : values.agent,
    ifNeeded: values['if-needed'],
    concurrency,
    onEvent,
  }), remoteArgs, { json: values.json, onResult });
}
