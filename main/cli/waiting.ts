// A command can wait: a refresh on the token endpoint, on OpenClaw's refresh lock or its own
// pending refresh; a status on a remote host's ssh. On a terminal, one line on stderr says what
// is still running, for how long and when AuthBar gives up; it is rewritten in place every
// second and erased before anything else is printed. Off a terminal (cron, pipes, ssh from
// the app) nothing is added.
import type { RefreshEvent } from '../core/api.ts';
import { formatDuration } from '../core/format.ts';

export interface WaitingLine {
  /** Something started that may take a while: `label` names it on the line. */
  begin(key: string, label: string): void;
  end(key: string): void;
  /** A refresh's events, as begin and end. */
  onEvent(event: RefreshEvent): void;
  /** Erase the line before printing anything else. */
  clear(): void;
  /** Says this instead of when AuthBar gives up (it is past that, waiting for something it must not cut). */
  note(text: string): void;
  stop(): void;
}

/** The line itself, pure: what is still running after `elapsedMs`, and when AuthBar gives up, if it says. */
export function waitingText(verb: string, running: string[], elapsedMs: number, bound: string | null, note: string | null = null): string {
  const names = running.length <= 3 ? running.join(', ') : `${running.slice(0, 3).join(', ')} and ${running.length - 3} more`;
  const after = note ? `; ${note}` : bound ? `; gives up after ${bound}` : '';
  return `authbar: still ${verb} ${names} (${formatDuration(elapsedMs)}${after})`;
}

export function waitingLine(stream: NodeJS.WriteStream, verb: string, bound: string | null, now: () => number = Date.now): WaitingLine {
  const started = now();
  const running = new Map<string, string>();
  let shown = false;
  let note: string | null = null;
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  const draw = () => {
    if (running.size === 0) return clear();
    stream.write(`\r\x1b[K${waitingText(verb, [...running.values()], now() - started, bound, note)}`);
    shown = true;
  };
  const timer = stream.isTTY ? setInterval(draw, 1000) : undefined;
  timer?.unref();
  const key = (e: { agentId: string; host: string; profileId: string }) => `${e.host}\0${e.agentId}\0${e.profileId}`;
  const line: WaitingLine = {
    begin: (k, label) => void running.set(k, label),
    end: (k) => void running.delete(k),
    onEvent(event) {
      if (event.type === 'started') line.begin(key(event), event.host === 'local' ? event.agentId : `${event.host}:${event.agentId}`);
      else if (event.type === 'finished') line.end(key(event.result));
    },
    clear,
    note(text) {
      note = text;
      if (shown) draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
  return line;
}
