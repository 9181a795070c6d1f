// One live stream per remote host for the app: `ssh HOST authbar status --watch --json --local`
// prints a JSON line per change over there. When the connection drops, the host is reported
// unreachable and the stream reconnects with backoff and jitter; its last report is kept so
// the panel can grey its rows ("last seen 12 min ago") without notifying about them.
import { type ChildProcess, spawn } from 'node:child_process';
import { StatusReportSchema, type StatusReport } from '../api.ts';
import type { Host } from '../settings.ts';
import { parseRemote } from './remote-status.ts';
import { deployNeeded } from './deploy.ts';
import { classifySshFailure, deployTo, RemoteError, remoteCommandLine, sshArgs, sshBinary } from './ssh.ts';

export type HostEvent =
  | { type: 'report'; host: string; report: StatusReport; at: number }
  | { type: 'unreachable'; host: string; error: string; at: number };

export interface HostStreamOptions {
  host: Host;
  env: NodeJS.ProcessEnv;
  version: string;
  onEvent: (event: HostEvent) => void;
  now?: () => number;
  /** First reconnect delay; doubled up to `maxBackoffMs`, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface HostStream {
  stop(): void;
  /** Reconnect now (after a settings change, or on resume from sleep). */
  reconnect(): void;
}

export function openHostStream(options: HostStreamOptions): HostStream {
  const { host, env, version, onEvent } = options;
  const now = options.now ?? Date.now;
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 60_000;
  let child: ChildProcess | null = null;
  let stopped = false;
  let failures = 0;
  let restarting = false;
  /** A deploy was just made: a second "not deployed" is a failure, not a reason to copy again. */
  let deployed = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = () => {
    timer = undefined;
    if (stopped) return;
    let buffer = '';
    let stderr = '';
    let gotReport = false;
    const proc = spawn(sshBinary(env), [...sshArgs(host, { keepAlive: true }), remoteCommandLine(host, ['status', '--watch', '--json', '--local'], env)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        try {
          const report = parseRemote(host, line, StatusReportSchema, version);
          gotReport = true;
          deployed = false;
          failures = 0;
          onEvent({ type: 'report', host: host.name, report, at: now() });
        } catch (error) {
          onEvent({ type: 'unreachable', host: host.name, error: (error as Error).message, at: now() });
          proc.kill();
        }
      }
    });
    proc.stderr!.on('data', (c) => (stderr = `${stderr}${c}`.slice(-4000)));
    proc.on('error', (error) => onEvent({ type: 'unreachable', host: host.name, error: `host ${host.name}: cannot run ssh (${error.message})`, at: now() }));
    proc.on('close', (code) => {
      if (child === proc) child = null;
      if (stopped) return;
      if (restarting) {
        restarting = false;
        connect();
        return;
      }
      const retry = (error: unknown) => {
        onEvent({ type: 'unreachable', host: host.name, error: error instanceof RemoteError ? error.message : String(error), at: now() });
        if (!gotReport) failures++;
        const base = Math.min(maxBackoff, minBackoff * 2 ** Math.min(failures, 16));
        timer = setTimeout(connect, Math.round(base * (0.5 + Math.random() / 2)));
      };
      // First contact, or AuthBar was updated: copy it there (deploy.ts), then connect again.
      if (deployNeeded({ code, stderr }) && !deployed) {
        deployed = true;
        deployTo(host, env).then(() => stopped || connect(), (error: unknown) => stopped || retry(error));
        return;
      }
      retry(classifySshFailure(host, code, stderr, version));
    });
  };

  connect();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      child?.kill();
    },
    reconnect() {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      failures = 0;
      if (child) {
        restarting = true;
        child.kill();
      } else connect();
    },
  };
}
