// Ending the process is deferred while a rotated token is on its way to the stores: the old
// token is dead the moment the endpoint answers, so exiting then would lose the sign-in. The
// state lives on globalThis because the dispatcher (authbar.cjs) and each subcommand are
// separate bundles, each with its own copy of this module.
interface Exits {
  /** Rotations whose answer is still on its way to the stores. */
  holds: number;
  /** The exit asked for while a rotation was held; taken once the last is released. */
  pending: number | null;
}

const KEY = Symbol.for('authbar.exit-when-safe');

function exits(): Exits {
  const g = globalThis as typeof globalThis & { [KEY]?: Exits };
  g[KEY] ??= { holds: 0, pending: null };
  return g[KEY];
}

/** Exits now, or as soon as no rotation is held (saying why once, when `why` is given). */
export function exitWhenSafe(code: number, why?: string): void {
  const state = exits();
  if (state.holds === 0) process.exit(code);
  if (state.pending !== null) return;
  state.pending = code;
  // stderr may be gone too (a dropped ssh session): its EPIPE comes back here and changes nothing.
  if (why) process.stderr.write(`authbar: ${why}; finishing a token refresh before exiting: its answer would be lost otherwise\n`);
}

/** Whether an exit is waiting for a rotation to be written (no new token request should start). */
export const exitPending = (): boolean => exits().pending !== null;

/** A rotation is on its way: exits wait until `release` (called once; extra calls do nothing). */
export function holdExit(): () => void {
  const state = exits();
  state.holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.holds--;
    // On the next turn: the caller's own `finally` (releasing OpenClaw's locks) runs first.
    const code = state.pending;
    if (code !== null && state.holds === 0) setImmediate(() => process.exit(code));
  };
}
