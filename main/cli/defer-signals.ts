// SIGINT, SIGTERM and SIGHUP while a rotated token is on its way to the stores: the old token
// is dead the moment the endpoint answers, so ending the process then would lose the sign-in.
// Outside that window a signal ends the process at once, as usual (128 + signal number). Inside
// it the exit waits until the write is done or has definitively failed; a second signal says
// what it is waiting for. No new token request starts once a signal has arrived, or once the
// reader of the output went away (./exit-when-safe.ts; main/cli/authbar.ts).
import type { RotationGuard } from '../core/refresh/refresh-lineage.ts';
import { exitPending, exitWhenSafe, holdExit } from './exit-when-safe.ts';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Deferred = keyof typeof EXIT_CODES;

export function deferSignalsDuringRotation(write: (line: string) => void = (line) => process.stderr.write(line)): RotationGuard {
  const waiting = new Map<number, string>();
  let next = 0;
  let signals = 0;

  const onSignal = (signal: Deferred) => {
    signals++;
    exitWhenSafe(EXIT_CODES[signal]);
    if (signals === 1) write('authbar: finishing a token refresh before exiting: its answer would be lost otherwise (signal again to see what it waits for)\n');
    else write(`authbar: waiting for ${[...waiting.values()].join('; ')}\n`);
  };
  for (const signal of Object.keys(EXIT_CODES) as Deferred[]) process.on(signal, onSignal);

  return {
    enter(what) {
      // An exit was asked for (a signal, a reader gone): no new token request starts.
      if (exitPending()) return null;
      const id = next++;
      waiting.set(id, what);
      const release = holdExit();
      return {
        now(step) {
          if (waiting.has(id)) waiting.set(id, step);
        },
        release() {
          if (!waiting.delete(id)) return;
          release();
        },
      };
    },
  };
}
