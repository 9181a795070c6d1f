// Running AuthBar's own CLI on another machine through the system's OpenSSH client, so the
// user's ~/.ssh/config, agent, keys and known_hosts apply as they are. Batch mode (never a
// password prompt), a connect timeout, and strict host key checking: an unknown or changed
// host key is refused, never accepted on AuthBar's own. Only redacted JSON comes back.
import { spawn } from 'node:child_process';
import type { Host } from '../settings.ts';

export const CONNECT_TIMEOUT_S = 10;
export const DEFAULT_REMOTE_COMMAND = 'authbar';

export type RemoteErrorKind = 'host-key' | 'unreachable' | 'auth' | 'missing' | 'too-old' | 'failed';

export class RemoteError extends Error {
  readonly kind: RemoteErrorKind;
  readonly host: string;
  constructor(host: string, kind: RemoteErrorKind, message: string) {
    super(message);
    this.name = 'RemoteError';
    this.kind = kind;
    this.host = host;
  }
}

/** POSIX single-quoting for the remote shell. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line the remote shell runs: AuthBar's CLI with the host's state dir. */
export function remoteCommandLine(host: Host, args: string[]): string {
  const command = host.remoteCommand?.trim() || DEFAULT_REMOTE_COMMAND;
  const env = host.stateDir ? `env OPENCLAW_STATE_DIR=${shellQuote(host.stateDir)} ` : '';
  return `${env}${command} ${args.map(shellQuote).join(' ')}`;
}

export function sshArgs(host: Host, options: { keepAlive?: boolean } = {}): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    '-o', 'StrictHostKeyChecking=yes',
    ...(options.keepAlive ? ['-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=2'] : []),
    ...(host.sshConfig ? ['-F', host.sshConfig] : []),
    '-T',
    '--',
    host.destination,
  ];
}

/** The ssh client to run: AUTHBAR_SSH overrides it (tests capture the channel with a wrapper). */
export const sshBinary = (env: NodeJS.ProcessEnv): string => env.AUTHBAR_SSH?.trim() || 'ssh';

export const installCommand = (version: string): string => `npm install -g authbar@${version}`;

/** Turns ssh's exit and stderr into one line a user can act on. */
export function classifySshFailure(host: Host, code: number | null, stderr: string, version: string): RemoteError {
  const name = host.name;
  const lastLine = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known/i.test(stderr)) {
    return new RemoteError(name, 'host-key', `host ${name} (${host.destination}): its SSH host key is unknown or changed, so AuthBar refused to connect; check it, then run: ssh ${host.destination}`);
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    return new RemoteError(name, 'auth', `host ${name} (${host.destination}): SSH refused the login (${lastLine}); make \`ssh ${host.destination}\` work without a password prompt (key or agent)`);
  }
  // ssh itself fails with 255; anything else is the remote command's own exit code.
  if (code === 255 || code === null) {
    return new RemoteError(name, 'unreachable', `host ${name} (${host.destination}) is unreachable: ${lastLine || 'ssh failed'}`);
  }
  if (code === 127 || code === 126 || /command not found|No such file or directory/i.test(lastLine)) {
    return new RemoteError(name, 'missing', `host ${name}: AuthBar is not installed there (${lastLine || 'command not found'}); install it with: ssh ${host.destination} ${installCommand(version)}`);
  }
  return new RemoteError(name, 'failed', `host ${name}: the remote AuthBar failed (exit ${code}): ${lastLine}`);
}

export interface RemoteRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `authbar <args>` on the host and collects its output; rejects only if ssh cannot start. */
export function runRemote(host: Host, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<RemoteRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(sshBinary(env), [...sshArgs(host), remoteCommandLine(host, args)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
