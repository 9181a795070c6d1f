// SIGINT, SIGTERM and SIGHUP while a rotated token is on its way to the stores: the old token
// is dead the moment the endpoint answers, so ending the process then would lose the sign-in.
// Outside that window a signal ends the process at once, as usual (128 + signal number). Inside
// it the exit waits until the write is done or has definitively failed; a second signal says
// what it is waiting for. No new token request starts once a signal has arrived.
import type { RotationGuard } from '../core/refresh/refresh-lineage.ts';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Deferred = keyof typeof EXIT_CODES;

export function deferSignalsDuringRotation(write: (line: string) => void = (line) => process.stderr.write(line)): RotationGuard {
  const waiting = new Map<number, string>();
  let next = 0;
  let exitCode: number | null = null;
  let signals = 0;

  const onSignal = (signal: Deferred) => {
    exitCode ??= EXIT_CODES[signal];
    signals++;
    if (waiting.size === 0) process.exit(exitCode);
    if (signals === 1) write('authbar: finishing a token refresh before exiting: its answer would be lost otherwise (signal again to see what it waits for)\n');
    else write(`authbar: waiting for ${[...waiting.values()].join('; ')}\n`);
  };
  for (const signal of Object.keys(EXIT_CODES) as Deferred[]) process.on(signal, onSignal);

  return {
    enter(what) {
      if (exitCode !== null) return null;
      const id = next++;
      waiting.set(id, what);
      return {
        now(step) {
          if (waiting.has(id)) waiting.set(id, step);
        },
        release() {
          if (!waiting.delete(id)) return;
          // On the next turn: the caller's own `finally` (releasing OpenClaw's locks) runs first.
          const code = exitCode;
          if (code !== null && waiting.size === 0) setImmediate(() => process.exit(code));
        },
      };
    },
  };
}
