#!/usr/bin/env node
// `authbar`: argument parsing and printing only; every decision lives in main/core.
// Subcommands are imported lazily so `authbar status --json` loads nothing it does not use.
import module from 'node:module';
import { UsageError } from './args.ts';

// V8's code cache on disk: a terminal command that runs often should not re-compile every time.
module.enableCompileCache?.();
// `authbar status | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const HELP = `authbar: every OpenClaw agent's Codex sign-in at a glance

Usage:
  authbar status [--agent ID]... [--host NAME]... [--local] [--json] [--check] [--warn-after DURATION] [--watch] [--usage]
  authbar usage [--agent ID]... [--host NAME]... [--local] [--json]
  authbar refresh (--agent ID... | --all) [--host NAME]... [--local] [--if-needed] [--json] [--concurrency N]
  authbar sync [--agent ID]... [--host NAME]... [--local] [--dry-run] [--json]
  authbar recover [--json]     write a rotated sign-in AuthBar holds back into its stores
  authbar hosts add NAME DESTINATION [--ssh-config FILE] [--state-dir DIR] [--remote-command CMD]
  authbar hosts list | authbar hosts remove NAME

Environment: OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, OPENCLAW_AGENT_DIR pick the OpenClaw
install to read; AUTHBAR_HOME holds AuthBar's own settings and memory.
`;

const COMMANDS: Record<string, () => Promise<{ run: (args: string[]) => Promise<number> }>> = {
  status: async () => ({ run: (await import('./status.ts')).runStatus }),
  refresh: async () => ({ run: (await import('./refresh.ts')).runRefresh }),
  sync: async () => ({ run: (await import('./sync.ts')).runSync }),
  recover: async () => ({ run: (await import('./recover.ts')).runRecover }),
  hosts: async () => ({ run: (await import('./hosts.ts')).runHosts }),
  usage: async () => ({ run: (await import('./usage.ts')).runUsage }),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command === undefined ? 64 : 0;
  }
  if (command === '--version' || command === '-v') {
    const { VERSION } = await import('../core/version.ts');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load) throw new UsageError(`unknown command "${command}"; run authbar --help`);
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`authbar: ${message}\n`);
    if (process.env.AUTHBAR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    // By name: each subcommand is its own bundle with its own copy of the class.
    process.exitCode = error instanceof Error && error.name === 'UsageError' ? 64 : 1;
  },
);
