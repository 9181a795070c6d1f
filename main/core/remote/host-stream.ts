// One live stream per remote host for the app: `ssh HOST authbar status --watch --json --local`
// prints a JSON line per change over there. When the connection drops, the host is reported
// unreachable and the stream reconnects with backoff and jitter; its last report is kept so
// the panel can grey its rows ("last seen 12 min ago") without notifying about them.
import { type ChildProcess, spawn } from 'node:child_process';
import { StatusReportSchema, type StatusReport } from '../api.ts';
import type { Host } from '../settings.ts';
import { parseRemote } from './remote-status.ts';
import { acceptStatusReport } from './remote-report.ts';
import { deployNeeded } from './deploy.ts';
import { classifySshFailure, deployTo, RemoteError, remoteCommandLine, sshArgs, sshBinary, sshConfigProblem, tooLargeError } from './ssh.ts';
import { cleanText } from '../clean-text.ts';
import { BoundedCollector, LineSplitter, MAX_REMOTE_BYTES } from './untrusted.ts';

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

  const retryLater = (failed: boolean) => {
    if (failed) failures++;
    const base = Math.min(maxBackoff, minBackoff * 2 ** Math.min(failures, 16));
    timer = setTimeout(connect, Math.round(base * (0.5 + Math.random() / 2)));
  };

  const connect = () => {
    timer = undefined;
    if (stopped) return;
    const configProblem = sshConfigProblem(host, env);
    if (configProblem) {
      onEvent({ type: 'unreachable', host: host.name, error: configProblem.message, at: now() });
      retryLater(true);
      return;
    }
    const stderr = new BoundedCollector(4000, 'tail');
    let gotReport = false;
    let failed: string | null = null;
    const proc = spawn(sshBinary(env), [...sshArgs(host, { keepAlive: true, env }), remoteCommandLine(host, ['status', '--watch', '--json', '--local'], env)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const fail = (error: string) => {
      if (failed !== null) return;
      failed = error;
      onEvent({ type: 'unreachable', host: host.name, error, at: now() });
      proc.kill('SIGKILL');
    };
    // One report per line, each at most MAX_REMOTE_BYTES; a longer one ends the connection.
    const lines = new LineSplitter(MAX_REMOTE_BYTES, (raw) => {
      const line = raw.trim();
      if (!line || failed !== null) return;
      try {
        const report = acceptStatusReport(host, parseRemote(host, line, StatusReportSchema, version));
        gotReport = true;
        deployed = false;
        failures = 0;
        onEvent({ type: 'report', host: host.name, report, at: now() });
      } catch (error) {
        fail(error instanceof RemoteError ? error.message : `host ${host.name}: ${cleanText((error as Error).message)}`);
      }
    }, () => fail(tooLargeError(host).message));
    proc.stdout!.on('data', (chunk: Buffer) => lines.push(chunk));
    proc.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    proc.on('error', (error) => onEvent({ type: 'unreachable', host: host.name, error: `host ${host.name}: cannot run ssh (${error.message})`, at: now() }));
    proc.on('close', (code) => {
      if (child === proc) child = null;
      if (stopped) return;
      if (restarting) {
        restarting = false;
        connect();
        return;
      }
      // First contact, or AuthBar was updated: copy it there (deploy.ts), then connect again.
      if (failed === null && !deployed && deployNeeded({ code, stderr: stderr.text() })) {
        deployed = true;
        deployTo(host, env).then(() => stopped || connect(), (error: unknown) => {
          if (stopped) return;
          onEvent({ type: 'unreachable', host: host.name, error: error instanceof RemoteError ? error.message : `host ${host.name}: ${cleanText((error as Error).message)}`, at: now() });
          retryLater(true);
        });
        return;
      }
      if (failed === null) {
        const error = classifySshFailure(host, code, stderr.text(), version);
        onEvent({ type: 'unreachable', host: host.name, error: error.message, at: now() });
      }
      retryLater(!gotReport);
    });
  };

  // After the caller has the stream in hand: a first failure may be reported synchronously.
  queueMicrotask(connect);
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
