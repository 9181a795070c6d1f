// A real OpenSSH server on 127.0.0.1 for the remote-host tests (Debian's openssh-server), with
// a host key and a user key made for the run, and a client config that trusts exactly that
// host key. The "remote" machine is this one: its state dir is a fixture beside the test's.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { requireSshd } from './requirements.ts';
import { makeTempDir, removeTempDir } from './temp-dirs.ts';

export const SSHD = '/usr/sbin/sshd';
/** Whether OpenSSH is here for the remote-host tests; under CI=true its absence throws (test/helpers/requirements.ts). */
export const sshdAvailable = (): boolean => !requireSshd().missing;

export interface Sshd {
  port: number;
  /** An ssh_config for the client: Host `authbar-test` reaches this sshd with the run's key. */
  sshConfig: string;
  destination: string;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Replaces the server's host key (the client's known_hosts keeps the old one). */
  changeHostKey(): Promise<void>;
  cleanup(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForPort(port: number, up: boolean, timeoutMs = 60_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open === up) return;
    if (Date.now() > deadline) throw new Error(`sshd on port ${port} did not ${up ? 'start' : 'stop'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every process below `root`, from /proc (Linux). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) if (ppid === pid) (found.push(child), walk(child));
  };
  walk(root);
  return found;
}

const keygen = (path: string) => execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'authbar-test', '-f', path]);

/**
 * `env`: variables sshd sets in every session (its SetEnv, applied after HOME and PATH), so a
 * test can give the "remote" user a clean home of its own, and the Node it should find.
 */
export async function startSshd(options: { env?: Record<string, string> } = {}): Promise<Sshd> {
  const dir = makeTempDir('authbar-sshd-');
  chmodSync(dir, 0o700);
  const port = await freePort();
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  keygen(hostKey);
  keygen(userKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`), { mode: 0o600 });
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'LogLevel ERROR',
    ...(options.env ? [`SetEnv ${Object.entries(options.env).map(([k, v]) => `${k}=${v}`).join(' ')}`] : []),
    '',
  ].join('\n'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, [
    'Host authbar-test',
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    `  User ${userInfo().username}`,
    `  IdentityFile ${userKey}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  LogLevel ERROR',
    '',
  ].join('\n'));
  // sshd wants its privilege-separation directory.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    child.once('exit', (code) => {
      if (code && code !== 0 && code !== 255) process.stderr.write(`sshd exited ${code}: ${stderr}\n`);
    });
    await waitForPort(port, true);
  };
  // A machine going away takes its open sessions with it: kill the per-connection sshd
  // processes (and what they run) too, not just the listener.
  const stop = async () => {
    if (!child) return;
    const exited = new Promise((r) => child!.once('exit', r));
    for (const pid of descendants(child.pid!)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child.kill('SIGTERM');
    await exited;
    child = null;
    await waitForPort(port, false);
  };
  await start();
  return {
    port,
    sshConfig,
    destination: 'authbar-test',
    dir,
    start,
    stop,
    async changeHostKey() {
      await stop();
      rmSync(hostKey);
      rmSync(`${hostKey}.pub`);
      keygen(hostKey);
      await start();
    },
    async cleanup() {
      await stop();
      removeTempDir(dir);
    },
  };
}

/**
 * A stand-in `ssh` that runs the real one and keeps a copy of everything that crossed the
 * channel (the command sent, every byte that came back), for leak checks. AUTHBAR_SSH points at it.
 */
export function channelRecorder(dir: string): { ssh: string; capture: string } {
  const capture = join(dir, 'channel.log');
  const ssh = join(dir, 'recording-ssh.mjs');
  writeFileSync(ssh, `#!${process.execPath}
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
const log = (kind, data) => appendFileSync(${JSON.stringify(capture)}, \`--- \${kind}\\n\${data}\\n\`);
log('sent', process.argv.slice(2).join(' '));
const child = spawn('/usr/bin/ssh', process.argv.slice(2), { stdio: ['inherit', 'pipe', 'pipe'] });
child.stdout.on('data', (c) => { log('stdout', c); process.stdout.write(c); });
child.stderr.on('data', (c) => { log('stderr', c); process.stderr.write(c); });
child.on('exit', (code, signal) => process.exit(code ?? 1));
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => child.kill(s));
`, { mode: 0o755 });
  mkdirSync(dirname(capture), { recursive: true });
  writeFileSync(capture, '');
  return { ssh, capture };
}

const shQuote = (word: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/**
 * A remote command as settings take it (a path, no spaces): a script in `dir` that runs
 * `command` with `env` set and the arguments AuthBar passes. Tests point a host at it.
 */
export function remoteScript(dir: string, name: string, env: Record<string, string>, command: string[]): string {
  const path = join(dir, name);
  mkdirSync(dir, { recursive: true });
  const vars = Object.entries(env).map(([k, v]) => shQuote(`${k}=${v}`));
  writeFileSync(path, `#!/bin/sh\nexec env ${vars.join(' ')} ${command.map(shQuote).join(' ')} "$@"\n`, { mode: 0o755 });
  return path;
}

/** The remote side of a test host: AuthBar's bundled CLI under this Node, with its own AuthBar home. */
export function remoteAuthbar(dir: string, cli: string, env: Record<string, string>): string {
  return remoteScript(dir, 'remote-authbar', { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...env }, [process.execPath, cli]);
}
