#!/usr/bin/env node
// `authbar`: argument parsing and printing only; every decision lives in main/core.
// Subcommands are imported lazily so `authbar status --json` loads nothing it does not use.
import module from 'node:module';
import { join } from 'node:path';
import { UsageError } from './args.ts';
import { type Loaded, requireWithCodeCache } from './code-cache.ts';
import { exitWhenSafe } from './exit-when-safe.ts';
import { asksForHelp, type Command, helpFor, swallowedByNpm, USAGE } from './help.ts';

// V8's code cache on disk: a terminal command that runs often should not re-compile every time.
module.enableCompileCache?.();
// `authbar status | head` closes the pipe early, and a dropped ssh session closes both: not an
// error worth a stack trace, and no reason to lose a rotated sign-in still on its way to the
// stores (the exit waits for it: ./exit-when-safe.ts).
for (const [stream, name] of [[process.stdout, 'the output'], [process.stderr, 'the error output']] as const) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return exitWhenSafe(Number(process.exitCode ?? 0), `${name} was closed`);
    throw error;
  });
}

const HELP = `authbar: every OpenClaw agent's Codex sign-in at a glance

Usage:
  ${USAGE.status}
  ${USAGE.usage}
  ${USAGE.refresh}
  ${USAGE.sync}
  ${USAGE.recover}
  ${USAGE.hosts}

authbar COMMAND --help says more about one command.

Environment: OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, OPENCLAW_AGENT_DIR pick the OpenClaw
install to read; AUTHBAR_HOME holds AuthBar's own settings and memory.
`;

type Run = (args: string[]) => Promise<number>;

declare const AUTHBAR_BUNDLE_HASHES: Record<string, string> | undefined;
/** Each subcommand bundle's content hash, set by the build (build/bundle.mjs); null unbundled. */
const BUNDLE_HASHES = typeof AUTHBAR_BUNDLE_HASHES === 'undefined' ? null : AUTHBAR_BUNDLE_HASHES;
let loaded: Loaded<unknown> | null = null;

/** AuthBar's code cache dir, or null where there is none (no home directory at all, say). */
async function codeCacheDir(): Promise<string | null> {
  try {
    // Loaded here, not at the top: env-paths asks for the home directory as it loads.
    const { default: envPaths } = await import('env-paths');
    return join(envPaths('authbar', { suffix: '' }).cache, 'code');
  } catch {
    return null;
  }
}

/** A subcommand's bundle, through the code cache of ./code-cache.ts where there is one to use. */
async function command<T>(name: string, fallback: () => Promise<T>): Promise<T> {
  const hash = BUNDLE_HASHES?.[name];
  if (!hash || typeof __dirname !== 'string' || process.env.NODE_DISABLE_COMPILE_CACHE) return fallback();
  loaded = requireWithCodeCache<T>(join(__dirname, `${name}.cjs`), hash, await codeCacheDir());
  return loaded.exports as T;
}

const COMMANDS: Record<string, () => Promise<{ run: Run }>> = {
  status: async () => ({ run: (await command('status', () => import('./status.ts'))).runStatus }),
  refresh: async () => ({ run: (await command('refresh', () => import('./refresh.ts'))).runRefresh }),
  sync: async () => ({ run: (await command('sync', () => import('./sync.ts'))).runSync }),
  recover: async () => ({ run: (await command('recover', () => import('./recover.ts'))).runRecover }),
  hosts: async () => ({ run: (await command('hosts', () => import('./hosts.ts'))).runHosts }),
  usage: async () => ({ run: (await command('usage', () => import('./usage.ts'))).runUsage }),
};

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `authbar help status`, as git and npm take it.
  if (command === 'help' && rest[0] !== undefined) {
    if (!Object.hasOwn(COMMANDS, rest[0])) throw new UsageError(`unknown command "${rest[0]}"; run authbar --help`);
    process.stdout.write(helpFor(rest[0] as Command));
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command === undefined ? 64 : 0;
  }
  if (command === '--version' || command === '-v') {
    const { VERSION } = await import('../core/version.ts');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) throw new UsageError(`unknown command "${command}"; run authbar --help`);
  if (asksForHelp(rest)) {
    process.stdout.write(helpFor(command as Command));
    return 0;
  }
  const swallowed = swallowedByNpm(command as Command, rest, process.env);
  if (swallowed.length > 0) {
    // npm also leaves a swallowed flag's value behind as a stray argument: drop it from the suggestion.
    const values = new Set(swallowed.map((f) => f.split(' ')[1]).filter(Boolean));
    const kept = rest.filter((a) => !values.has(a));
    throw new UsageError(`npm kept ${swallowed.join(' ')} for itself (an npm script gets flags only after --), so AuthBar did not see ${swallowed.length === 1 ? 'it' : 'them'}; run: npm run ${process.env.npm_lifecycle_event} -- ${[command, ...kept, ...swallowed].join(' ')}`);
  }
  const code = await (await load()).run(rest);
  loaded?.save();
  return code;
}

/** Runs one `authbar` command line; prints its errors; resolves to the exit code. */
export function runCli(argv: string[]): Promise<number> {
  return dispatch(argv).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`authbar: ${message}\n`);
    if (process.env.AUTHBAR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    // By name: each subcommand is its own bundle with its own copy of the class.
    return error instanceof Error && error.name === 'UsageError' ? 64 : 1;
  });
}

// The packaged app loads this file to answer `AuthBar --cli …` (its RunAsNode fuse is off): it
// sets the mark first and runs runCli itself, then exits; run directly, this is the process.
if ((globalThis as { authbarEmbeddedCli?: boolean }).authbarEmbeddedCli !== true) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
