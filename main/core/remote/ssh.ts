// Running AuthBar's own CLI on another machine through the system's OpenSSH client, so the
// user's ~/.ssh/config, agent, keys and known_hosts apply as they are. Batch mode (never a
// password prompt), a connect timeout, and strict host key checking: an unknown or changed
// host key is refused, never accepted on AuthBar's own. Only redacted JSON comes back.
import { shellQuote } from '../shell-quote.ts';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../settings.ts';
import { VERSION } from '../version.ts';
import { type Bundle, deployedDir, deployNeeded, deployPayload, INSTALLER, launcherScript, localBundle, MIN_REMOTE_NODE, OLD_NODE_EXIT } from './deploy.ts';
import { BoundedCollector, lastLineOf, lastWordsOf, MAX_REMOTE_BYTES } from './untrusted.ts';

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

export { shellQuote };

/** The bundle AuthBar copies to hosts without a remote command of their own; null for those. */
export const bundleFor = (host: Host, env: NodeJS.ProcessEnv): Bundle | null =>
  host.remoteCommand?.trim() ? null : localBundle(env, VERSION);

/**
 * The command line the remote shell runs: the host's own remote command, else the AuthBar
 * this one copied there (see deploy.ts), with the host's state dir.
 */
export function remoteCommandLine(host: Host, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const bundle = bundleFor(host, env);
  const command = bundle ? `sh -c ${shellQuote(launcherScript(bundle))} authbar` : host.remoteCommand?.trim() || DEFAULT_REMOTE_COMMAND;
  const prefix = host.stateDir ? `env OPENCLAW_STATE_DIR=${shellQuote(host.stateDir)} ` : '';
  return `${prefix}${command} ${args.map(shellQuote).join(' ')}`;
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
  // A host AuthBar copied itself to has no `authbar` on its PATH: the fix runs from here.
  if (program === 'authbar' && !host.remoteCommand?.trim()) return ['authbar', ...args, '--host', host.name].map(shellQuote).join(' ');
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

/**
 * What to do when what answers on a host is not this AuthBar. Only a host with its own remote
 * command gets there: AuthBar otherwise copies itself over (deploy.ts), so nothing is installed
 * on a host from a package registry (the `authbar` package is not published).
 */
export const updateHint = (host: Host, version: string): string => host.remoteCommand?.trim()
  ? `its remote command should run AuthBar ${version}: update that AuthBar, or run authbar hosts remove ${host.name} and add it again without --remote-command, and AuthBar copies itself there`
  : `run authbar hosts remove ${host.name} and add it again: AuthBar ${version} copies itself there`;

/**
 * The installer's "Node too old" (exit OLD_NODE_EXIT) in AuthBar's own words: only the version
 * is taken from the host's line, and only when it is one.
 */
function oldNodeMessage(name: string, lastLine: string): string {
  const version = /runs Node (\d{1,4}\.\d{1,4}\.\d{1,4}),/.exec(lastLine)?.[1];
  const need = MIN_REMOTE_NODE.join('.');
  return `host ${name}: ${version ? `this host runs Node ${version}, older than ${need}` : `this host's Node is older than ${need}`}; AuthBar (like OpenClaw) needs ${need} or newer on PATH`;
}

/** Turns ssh's exit and stderr into one line a user can act on. */
export function classifySshFailure(host: Host, code: number | null, stderr: string, version: string): RemoteError {
  const name = host.name;
  // ssh's stderr carries the remote shell's and the remote command's too: cleaned, one line.
  const lastLine = lastLineOf(stderr);
  const said = lastWordsOf(stderr);
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known/i.test(stderr)) {
    return new RemoteError(name, 'host-key', `host ${name} (${host.destination}): its SSH host key is unknown or changed, so AuthBar refused to connect; check it, then run: ssh ${host.destination}`);
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    return new RemoteError(name, 'auth', `host ${name} (${host.destination}): SSH refused the login (${said}); make \`ssh ${host.destination}\` work without a password prompt (key or agent)`);
  }
  // ssh itself fails with 255; anything else is the remote command's own exit code.
  if (code === 255 || code === null) {
    return new RemoteError(name, 'unreachable', `host ${name} (${host.destination}) is unreachable: ${said || 'ssh failed'}`);
  }
  if (!host.remoteCommand?.trim() && (code === 127 || /node: not found|node: command not found/.test(lastLine))) {
    return new RemoteError(name, 'missing', `host ${name}: no \`node\` on PATH there (${said || 'command not found'}); AuthBar runs with the host's own Node >= 22.13, as OpenClaw does: put it on the PATH of non-interactive ssh sessions, or give the whole command with --remote-command`);
  }
  if (code === OLD_NODE_EXIT) return new RemoteError(name, 'missing', oldNodeMessage(name, lastLine));
  if (code === 127 || code === 126 || /command not found|No such file or directory/i.test(lastLine)) {
    return new RemoteError(name, 'missing', `host ${name}: its remote command was not found there (${said || 'command not found'}); ${updateHint(host, version)}`);
  }
  return new RemoteError(name, 'failed', `host ${name}: the remote AuthBar failed (exit ${code}): ${said}`);
}

export interface RemoteRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The answer passed MAX_REMOTE_BYTES: ssh was stopped and `stdout` is empty. */
  tooLarge: boolean;
}

/**
 * One ssh run of `commandLine` (with `input` on its stdin), collecting at most `maxBytes` of
 * its output (past that ssh is stopped: a host cannot fill this process's memory).
 */
function runSsh(host: Host, commandLine: string, env: NodeJS.ProcessEnv, timeoutMs: number, maxBytes: number, input?: Buffer): Promise<RemoteRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(sshBinary(env), [...sshArgs(host, { env }), commandLine], { env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const stdout = new BoundedCollector(maxBytes);
    const stderr = new BoundedCollector(64 * 1024, 'tail');
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (stdout.overflowed) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A host that closes early (no node there) must not turn into an EPIPE crash here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.overflowed ? '' : stdout.text(), stderr: stderr.text(), tooLarge: stdout.overflowed });
    });
  });
}

/**
 * Copies this AuthBar's CLI bundle to the host over ssh (deploy.ts): the host's Node checks
 * every file's sha256 there before the bundle is put in place. Resolves with the remote
 * directory; a host with its own remote command needs nothing and resolves with null.
 */
export async function deployTo(host: Host, env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string | null> {
  const bundle = bundleFor(host, env);
  if (!bundle) return null;
  const configProblem = sshConfigProblem(host, env);
  if (configProblem) throw configProblem;
  const run = await runSsh(host, `node -e ${shellQuote(INSTALLER)}`, env, timeoutMs, 64 * 1024, deployPayload(bundle));
  const done = deployedDir(run.stdout);
  if (run.code === 0 && done !== null) return done;
  if (run.code === 255 || run.code === OLD_NODE_EXIT || run.code === 127 || run.code === null) throw classifySshFailure(host, run.code, run.stderr, VERSION);
  const said = lastWordsOf(run.stderr.replace(/^authbar-deploy: /gm, '')) || `exit ${run.code}`;
  throw new RemoteError(host.name, 'failed', `host ${host.name}: copying AuthBar there failed (${said})`);
}

/**
 * Runs `authbar <args>` on the host and collects its output, at most `maxBytes` of it.
 * Rejects only if ssh cannot start or AuthBar cannot be copied there: the first run on a host
 * (or after an update) finds no bundle there, so it is copied and the command run again.
 */
export async function runRemote(host: Host, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, maxBytes = MAX_REMOTE_BYTES): Promise<RemoteRun> {
  const configProblem = sshConfigProblem(host, env);
  if (configProblem) throw configProblem;
  const commandLine = remoteCommandLine(host, args, env);
  const run = await runSsh(host, commandLine, env, timeoutMs, maxBytes);
  if (!deployNeeded(run) || !bundleFor(host, env)) return run;
  await deployTo(host, env, timeoutMs);
  return runSsh(host, commandLine, env, timeoutMs, maxBytes);
}

export const tooLargeError = (host: Host, maxBytes = MAX_REMOTE_BYTES): RemoteError =>
  new RemoteError(host.name, 'unreachable', `host ${host.name} (${host.destination}) is unreachable: answer too large (over ${maxBytes / 1024 / 1024} MiB)`);
