// Every subcommand's usage and help, in one small module: `authbar status --help` prints it
// without loading the subcommand, the subcommands quote their own line in usage errors, and
// the README repeats the same words.

export const DEFAULT_TIMEOUT = '40s';

export const USAGE = {
  status: 'authbar status [--agent ID]... [--host NAME]... [--local] [--json] [--check] [--warn-after DURATION] [--watch] [--usage]',
  usage: 'authbar usage [--agent ID]... [--host NAME]... [--local] [--json]',
  refresh: 'authbar refresh (--agent ID... | --all) [--host NAME]... [--local] [--if-needed] [--json] [--concurrency N] [--timeout DURATION]',
  sync: 'authbar sync [--agent ID]... [--host NAME]... [--local] [--dry-run] [--json]',
  recover: 'authbar recover [--host NAME]... [--local] [--json]',
  hosts: 'authbar hosts add NAME DESTINATION [--ssh-config FILE] [--state-dir DIR] [--remote-command CMD] | hosts list [--json] | hosts remove NAME',
} as const;

export type Command = keyof typeof USAGE;

const TARGETS = `  --host NAME         a remote host from authbar hosts list (repeatable)
  --local             this machine (with --host: this machine too)`;

const DETAILS: Record<Command, string> = {
  status: `Every OpenClaw agent's Codex sign-in: status, expiry, image generation, sharing.

  --agent ID          only this agent (repeatable)
${TARGETS}
  --json              one JSON object (no token, nor any part of one, ever)
  --check             exit 0 when all is well, 2 when something is expiring, stranded or
                      being refreshed, 1 when a sign-in is missing, expired, needs a new
                      sign-in, a store is unreadable, a host is unreachable, or no OpenClaw
                      state dir or agent was found where AuthBar looked
  --warn-after DUR    how early "expiring" starts (default 24h, as OpenClaw's)
  --watch             print again on every change (with --json: one line each)
  --usage             ask the plan's usage windows first (at most once per 5 minutes per
                      account); without it, status shows cached usage and makes no request`,
  usage: `The ChatGPT plan's usage windows per Codex sign-in (one row per account), and each
agent's readiness: will its next Codex call (and image generation) work, and if not, why.

  --agent ID          only this agent's accounts (repeatable)
${TARGETS}
  --json              one JSON object (no token, nor any part of one, ever)`,
  refresh: `One token request per sign-in; the new credential goes into every copy that held the old one.

  --agent ID          refresh this agent's Codex sign-ins (repeatable)
  --all               every configured agent
${TARGETS}
  --if-needed         only what is expiring, expired, without expiry or stranded
  --json              one JSON report
  --concurrency N     sign-ins refreshed at once (default 4)
  --timeout DURATION  bound the waiting (default ${DEFAULT_TIMEOUT}): no token request starts after
                      it and waits for locks end; a request already sent gets its answer (at
                      most the endpoint's 30 s: cutting it could lose the rotated sign-in), and
                      a further try starts only if it could end within it; what was done is
                      reported (a --host runs with the same bound there)

Exit 0 when every requested profile ended well, 1 otherwise, 64 for usage mistakes.`,
  sync: `Writes the newest credential of an account into every stranded copy; no network at all.

  --agent ID          only this agent's copies (repeatable)
${TARGETS}
  --dry-run           say what would be synced and write nothing; exits 1 when something
                      would be synced (so a script can ask "is anything stranded?"), else 0
  --json              one JSON report

Exit 0 when every copy ended well, 1 otherwise, 64 for usage mistakes.`,
  recover: `Writes every rotated sign-in AuthBar holds in its recovery file (a refresh whose answer
no store could take) back into its stores, under OpenClaw's locks; every refresh runs this first.

${TARGETS}
  --json              one JSON report

Exit 0 when every held sign-in was written back (or none was held), 1 otherwise.`,
  hosts: `Remote machines running OpenClaw, reached with your own ssh.

  add NAME DESTINATION   DESTINATION is USER@HOST or an ~/.ssh/config alias
    --ssh-config FILE    an ssh config file to use for this host
    --state-dir DIR      OpenClaw's state dir there (default: its own default)
    --remote-command CMD run this AuthBar there instead of the one AuthBar copies over
  list [--json]
  remove NAME`,
};

export function helpFor(command: Command): string {
  return `Usage: ${USAGE[command]}\n\n${DETAILS[command]}\n`;
}

/** `--help` or `-h` among a subcommand's arguments (before a `--`). */
export function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

// `npm run authbar status --json` (no `--`): npm keeps the flags for itself and exports them
// as npm_config_<name> (npm 11 warns "Unknown cli config" only for names it does not know, and
// not for --json, --all or --dry-run), so the CLI would silently run without them.
const FLAGS: Record<Command, string[]> = {
  status: ['agent', 'host', 'local', 'json', 'check', 'warn-after', 'watch', 'usage'],
  usage: ['agent', 'host', 'local', 'json'],
  refresh: ['agent', 'all', 'host', 'local', 'if-needed', 'json', 'concurrency', 'timeout'],
  sync: ['agent', 'host', 'local', 'dry-run', 'json'],
  recover: ['host', 'local', 'json'],
  hosts: ['ssh-config', 'state-dir', 'remote-command', 'json'],
};

/** The flags npm swallowed (as typed: `--agent main`), when AuthBar runs from an npm script without them in argv. */
export function swallowedByNpm(command: Command, args: string[], env: NodeJS.ProcessEnv): string[] {
  if (!env.npm_lifecycle_event) return [];
  const swallowed: string[] = [];
  for (const flag of FLAGS[command]) {
    const value = env[`npm_config_${flag.replace(/-/g, '_')}`];
    if (value === undefined || value === '' || args.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`))) continue;
    swallowed.push(value === 'true' ? `--${flag}` : `--${flag} ${value}`);
  }
  return swallowed;
}
