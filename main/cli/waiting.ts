// A refresh can wait: on the token endpoint, on OpenClaw's refresh lock, on OpenClaw's own
// pending refresh. On a terminal, one line on stderr says what is still running, for how long
// and when AuthBar gives up; it is rewritten in place every second and erased before any
// outcome line is printed. Off a terminal (cron, pipes, ssh from the app) nothing is added.
import type { RefreshEvent } from '../core/api.ts';
import { formatDuration } from '../core/format.ts';

export interface WaitingLine {
  onEvent(event: RefreshEvent): void;
  /** Erase the line before printing anything else. */
  clear(): void;
  stop(): void;
}

/** The line itself, pure: what is still running after `elapsedMs`, and the bound. */
export function waitingText(running: string[], elapsedMs: number, timeoutMs: number): string {
  const names = running.length <= 3 ? running.join(', ') : `${running.slice(0, 3).join(', ')} and ${running.length - 3} more`;
  return `authbar: still refreshing ${names} (${formatDuration(elapsedMs)}; gives up after ${formatDuration(timeoutMs)}, --timeout)`;
}

export function waitingLine(stream: NodeJS.WriteStream, timeoutMs: number, now: () => number = Date.now): WaitingLine {
  const started = now();
  const running = new Map<string, string>();
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  const draw = () => {
    if (running.size === 0) return clear();
    stream.write(`\r\x1b[K${waitingText([...running.values()], now() - started, timeoutMs)}`);
    shown = true;
  };
  const timer = stream.isTTY ? setInterval(draw, 1000) : undefined;
  timer?.unref();
  return {
    onEvent(event) {
      const key = (e: { agentId: string; host: string; profileId: string }) => `${e.host}\0${e.agentId}\0${e.profileId}`;
      if (event.type === 'started') running.set(key(event), event.host === 'local' ? event.agentId : `${event.host}:${event.agentId}`);
      else if (event.type === 'finished') running.delete(key(event.result));
    },
    clear,
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
