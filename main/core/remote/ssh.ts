// Running AuthBar's own CLI on another machine through the system's OpenSSH client, so the
// user's ~/.ssh/config, agent, keys and known_hosts apply as they are. Batch mode (never a
// password prompt), a connect timeout, and strict host key checking: an unknown or changed
// host key is refused, never accepted on AuthBar's own. Only redacted JSON comes back.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../settings.ts';
import { BoundedCollector, lastLineOf, MAX_REMOTE_BYTES } from './untrusted.ts';

export const CONNECT_TIMEOUT_S = 10;
export const DEFAULT_REMOTE_COMMAND = 'authbar';

export type RemoteErrorKind = 'host-key' | 'unreachable' | 'auth' | 'missing' | 'too-old' | 'invalid' | 'failed';

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

/** `~/` expanded against the user's home (ssh's own `-F` does not expand it). */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path === '~' || path.startsWith('~/') ? join(env.HOME?.trim() || homedir(), path.slice(1)) : path;
}

/**
 * An ssh_config can run any local command (ProxyCommand, LocalCommand, Match exec), so the one
 * given for a host must be a regular file this user owns: null when it is, else why not.
 */
export function sshConfigProblem(host: Host, env: NodeJS.ProcessEnv): RemoteError | null {
  if (!host.sshConfig) return null;
  const path = expandHome(host.sshConfig, env);
  let why: string | null = null;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) why = 'is not a regular file';
    else if (process.getuid && stat.uid !== process.getuid()) why = 'belongs to another user';
  } catch (error) {
    why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return why ? new RemoteError(host.name, 'unreachable', `host ${host.name} (${host.destination}) is unreachable: its ssh config ${path} ${why}`) : null;
}

export function sshArgs(host: Host, options: { keepAlive?: boolean; env?: NodeJS.ProcessEnv } = {}): string[] {
  return [
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    '-o', 'StrictHostKeyChecking=yes',
    ...(options.keepAlive ? ['-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=2'] : []),
    ...(host.sshConfig ? ['-F', expandHome(host.sshConfig, options.env ?? process.env)] : []),
    '-T',
    '--',
    host.destination,
  ];
}

/**
 * A command for the user to run on the host, from this machine's shell: `ssh [-F CONFIG] DEST
 * WORD...`. Built here from validated values only (never a string a host sent): each word is
 * quoted once for the remote shell and once for the local one, so what runs there is exactly
 * these words. The remote command (a validated path, maybe `~/...`) is left for the remote
 * shell to expand. `program` is `authbar` (the host's remote command) or `openclaw`.
 */
export function sshCommand(host: Host, program: 'authbar' | 'openclaw', args: string[]): string {
  const remote = [
    ...(host.stateDir ? ['env', shellQuote(`OPENCLAW_STATE_DIR=${host.stateDir}`)] : []),
    program === 'authbar' ? host.remoteCommand?.trim() || DEFAULT_REMOTE_COMMAND : 'openclaw',
    ...args.map(shellQuote),
  ];
  const local = ['ssh', ...(host.sshConfig ? ['-F', expandHome(host.sshConfig, process.env)] : []), host.destination, ...remote];
  return local.map(shellQuote).join(' ');
}

/** The ssh client to run: AUTHBAR_SSH overrides it (tests capture the channel with a wrapper). */
export const sshBinary = (env: NodeJS.ProcessEnv): string => env.AUTHBAR_SSH?.trim() || 'ssh';

export const installCommand = (version: string): string => `npm install -g authbar@${version}`;

/** Turns ssh's exit and stderr into one line a user can act on. */
export function classifySshFailure(host: Host, code: number | null, stderr: string, version: string): RemoteError {
  const name = host.name;
  // ssh's stderr carries the remote shell's and the remote command's too: cleaned, one line.
  const lastLine = lastLineOf(stderr);
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
  /** The answer passed MAX_REMOTE_BYTES: ssh was stopped and `stdout` is empty. */
  tooLarge: boolean;
}

/**
 * Runs `authbar <args>` on the host and collects its output, at most `maxBytes` of it (past
 * that ssh is stopped: a host cannot fill this process's memory). Rejects only if ssh cannot start.
 */
export function runRemote(host: Host, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, maxBytes = MAX_REMOTE_BYTES): Promise<RemoteRun> {
  const configProblem = sshConfigProblem(host, env);
  if (configProblem) return Promise.reject(configProblem);
  return new Promise((resolve, reject) => {
    const child = spawn(sshBinary(env), [...sshArgs(host, { env }), remoteCommandLine(host, args)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new BoundedCollector(maxBytes);
    const stderr = new BoundedCollector(64 * 1024, 'tail');
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (stdout.overflowed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.overflowed ? '' : stdout.text(), stderr: stderr.text(), tooLarge: stdout.overflowed });
    });
  });
}

export const tooLargeError = (host: Host, maxBytes = MAX_REMOTE_BYTES): RemoteError =>
  new RemoteError(host.name, 'unreachable', `host ${host.name} (${host.destination}) is unreachable: answer too large (over ${maxBytes / 1024 / 1024} MiB)`);
