// A start-up failure, said where the user looks (the panel) and kept where support looks
// (`authbar.log` in AuthBar's home). Neither may carry a token: any long opaque run of
// characters (what JWTs and refresh tokens look like) is blanked before it is written.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const OPAQUE = /[A-Za-z0-9_\-.~+=]{24,}/g;

export function redactOpaque(text: string): string {
  return text.replace(OPAQUE, '[redacted]');
}

/** One line: what failed, in words, without anything that could be a secret. */
export function startupErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `AuthBar could not start: ${redactOpaque(message.split('\n')[0]!.slice(0, 400))}`;
}

export function logStartupError(home: string, error: unknown, now = new Date()): string {
  const line = startupErrorText(error);
  const stack = error instanceof Error && error.stack ? redactOpaque(error.stack.split('\n').slice(1, 8).join('\n')) : '';
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    appendFileSync(join(home, 'authbar.log'), `${now.toISOString()} ${line}\n${stack}${stack ? '\n' : ''}`, { mode: 0o600 });
  } catch {
    // The log is a help, not a requirement: the panel still says it.
  }
  return line;
}
