// `authbar hosts add NAME DESTINATION [--ssh-config FILE] [--state-dir DIR] [--remote-command CMD]`
// `authbar hosts list`, `authbar hosts remove NAME`: remote machines, kept in AuthBar's settings.
import { parseArgs } from 'node:util';
import { resolveAuthbarHome } from '../core/authbar/home.ts';
import { sshConfigProblem } from '../core/remote/ssh.ts';
import { HostSchema, loadSettings, saveSettings } from '../core/settings.ts';
import { UsageError } from './args.ts';
import { USAGE as USAGES } from './help.ts';
import { jsonText } from './terminal-text.ts';

const FIELD_RULES: Record<string, string> = {
  name: 'names are letters, digits, . _ -',
  destination: 'a destination is USER@HOST or an ~/.ssh/config alias, without spaces or shell characters',
  remoteCommand: 'a remote command is a command name or path, like ~/.npm-global/bin/authbar: no spaces, quotes or shell characters',
  stateDir: 'a path without control characters',
  sshConfig: 'a path without control characters',
};

const USAGE = USAGES.hosts;

export async function runHosts(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { 'ssh-config': { type: 'string' }, 'state-dir': { type: 'string' }, 'remote-command': { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError(`hosts: ${(error as Error).message.split('\n')[0]!.replace(/\.$/, '')}. Usage: ${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [action, name, destination, ...extra] = positionals;
  const home = resolveAuthbarHome(process.env);
  const read = loadSettings(home);
  if (read.corrupt) throw new Error(`${read.warning}; fix or remove it before changing hosts`);
  const settings = read.settings;

  switch (action) {
    case 'list':
    case undefined: {
      if (values.json) process.stdout.write(`${jsonText(settings.hosts, 2)}\n`);
      else if (settings.hosts.length === 0) process.stdout.write('No remote hosts. Add one with: authbar hosts add NAME USER@HOST\n');
      else for (const h of settings.hosts) {
        const details = [h.stateDir && `state dir ${h.stateDir}`, h.sshConfig && `ssh config ${h.sshConfig}`, h.remoteCommand && `runs ${h.remoteCommand}`].filter(Boolean).join(', ');
        process.stdout.write(`${h.name.padEnd(16)} ${h.destination}${details ? `  (${details})` : ''}\n`);
      }
      return 0;
    }
    case 'add': {
      if (!name || !destination || extra.length > 0) throw new UsageError(`hosts add takes NAME and DESTINATION. Usage: ${USAGE}`);
      const host = HostSchema.safeParse({
        name,
        destination,
        ...(values['ssh-config'] ? { sshConfig: values['ssh-config'] } : {}),
        ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
        ...(values['remote-command'] ? { remoteCommand: values['remote-command'] } : {}),
      });
      if (!host.success) {
        const field = host.error.issues[0]?.path.join('.') ?? 'host';
        throw new UsageError(`hosts add: invalid ${field} (${FIELD_RULES[field] ?? 'see authbar --help'})`);
      }
      const configProblem = sshConfigProblem(host.data, process.env);
      if (configProblem) throw new UsageError(`hosts add: --ssh-config ${host.data.sshConfig} must be an existing regular file that you own (${configProblem.message.split(': its ssh config ').pop()})`);
      if (settings.hosts.some((h) => h.name === name)) throw new UsageError(`a host named ${name} exists already; remove it first: authbar hosts remove ${name}`);
      await saveSettings(home, { ...settings, hosts: [...settings.hosts, host.data] });
      process.stdout.write(`Added ${name} (${destination}).\n`);
      // Nothing to install on the host: AuthBar copies its own CLI there now (and again after an update).
      const { deployTo } = await import('../core/remote/ssh.ts');
      try {
        const where = await deployTo(host.data, process.env);
        if (where) process.stdout.write(`Copied AuthBar there (${where}; every file's sha256 checked there); it runs with that host's Node.\n`);
      } catch (error) {
        process.stderr.write(`authbar: ${(error as Error).message}; AuthBar copies itself there on first use once this works.\n`);
      }
      process.stdout.write(`Check it with: authbar status --host ${name}\n`);
      return 0;
    }
    case 'remove': {
      if (!name || destination) throw new UsageError(`hosts remove takes NAME. Usage: ${USAGE}`);
      if (!settings.hosts.some((h) => h.name === name)) throw new UsageError(`no host named ${name}; run authbar hosts list`);
      await saveSettings(home, { ...settings, hosts: settings.hosts.filter((h) => h.name !== name) });
      process.stdout.write(`Removed ${name}.\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown hosts action "${action}". Usage: ${USAGE}`);
  }
}
