// `authbar refresh (--agent ID... | --all) [--if-needed] [--json] [--concurrency N] [--timeout DURATION]`
import type { ProfileOutcome, RefreshEvent } from '../core/api.ts';
import { DEFAULT_TOKEN_TIMEOUT_MS } from '../core/refresh/endpoint.ts';
import { parse, parseDuration, UsageError } from './args.ts';
import { deferSignalsDuringRotation } from './defer-signals.ts';
import { failureLine, progressLine, runOnTargets } from './outcomes.ts';
import { resolveTargets, TARGET_OPTIONS } from './targets.ts';
import { DEFAULT_TIMEOUT, USAGE as USAGES } from './help.ts';
import { waitingLine } from './waiting.ts';

const USAGE = USAGES.refresh;

export async function runRefresh(args: string[]): Promise<number> {
  const { values } = parse('refresh', args, {
    agent: { type: 'string', multiple: true, default: [] },
    all: { type: 'boolean', default: false },
    'if-needed': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    timeout: { type: 'string', default: DEFAULT_TIMEOUT },
    ...TARGET_OPTIONS,
  }, USAGE);
  if (values.all === (values.agent.length > 0)) throw new UsageError(`refresh: name agents with --agent ID, or use --all. Usage: ${USAGE}`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new UsageError(`--concurrency "${values.concurrency}" is not a positive whole number`);

  const timeoutMs = await parseDuration('--timeout', values.timeout);
  // ssh's bound on a host: its own --timeout, plus a request already sent there when it ends
  // (the endpoint's own timeout, never cut), plus connecting and the report's way back.
  const REMOTE_MARGIN_MS = DEFAULT_TOKEN_TIMEOUT_MS + 20_000;

  // The waiting is bounded: past the timeout no token request starts, and waits for locks or
  // OpenClaw's fence end; each lineage reports what it did. A request already sent gets its
  // answer (the endpoint's own timeout bounds it): cut off, a rotated sign-in would be lost.
  // And a second try starts only if it can end by then: a hanging endpoint costs one try's time.
  const stop = new AbortController();
  const endsAt = Date.now() + timeoutMs;
  const timer = setTimeout(() => {
    const reason = new Error(`stopped at the ${values.timeout} --timeout, still waiting for the token endpoint or a lock; run it again, or allow longer with --timeout`);
    reason.name = 'TimeoutError';
    stop.abort(reason);
    waiting.note(`past the ${values.timeout} --timeout: finishing what is under way (a token request already sent gets its answer: it may hold the only copy of the sign-in)`);
  }, timeoutMs);
  const waiting = waitingLine(process.stderr, 'refreshing', `${values.timeout}, --timeout`);
  const { refreshAgents } = await import('../core/refresh/refresh-agents.ts');
  const onResult = (result: ProfileOutcome) => {
    waiting.clear();
    if (!values.json) process.stdout.write(`${progressLine(result, Date.now())}\n`);
    if (result.outcome === 'failed') process.stderr.write(`${failureLine(result)}\n`);
  };
  const onEvent = (event: RefreshEvent) => {
    waiting.onEvent(event);
    if (event.type === 'finished') onResult(event.result);
  };
  // A host's run has the same bound: it stops there and reports what it did, as this one does.
  const remoteArgs = ['refresh', ...(values.all ? ['--all'] : values.agent.flatMap((id) => ['--agent', id])), ...(values['if-needed'] ? ['--if-needed'] : []), '--timeout', values.timeout];
  const targets = await resolveTargets(values, false);
  const guard = targets.local ? deferSignalsDuringRotation() : undefined;
  try {
    return await runOnTargets(targets, () => refreshAgents({
      env: process.env,
      guard,
      agents: values.all ? 'all' : values.agent,
      ifNeeded: values['if-needed'],
      concurrency,
      signal: stop.signal,
      retriesEndBy: { at: endsAt, why: `another try could not end within the ${values.timeout} --timeout` },
      onEvent,
    }), remoteArgs, { json: values.json, onResult, waiting, remoteTimeoutMs: timeoutMs + REMOTE_MARGIN_MS });
  } finally {
    clearTimeout(timer);
    waiting.stop();
  }
}
