// `--host NAME` (repeatable) and `--local`: which machines a command covers. With hosts
// configured and neither given, `status` covers this machine and every host; refresh and
// sync act on this machine unless told otherwise.
import { resolveAuthbarHome } from '../core/authbar/home.ts';
import { type Host, loadSettings } from '../core/settings.ts';
import { UsageError } from './args.ts';

export interface Targets {
  local: boolean;
  hosts: Host[];
}

export const TARGET_OPTIONS = {
  host: { type: 'string' as const, multiple: true as const, default: [] as string[] },
  local: { type: 'boolean' as const, default: false as boolean },
};

export function resolveTargets(values: { host: string[]; local: boolean }, everyHostByDefault: boolean): Targets {
  if (values.host.length === 0 && !values.local && !everyHostByDefault) return { local: true, hosts: [] };
  // Loaded only when hosts may matter: a plain local status reads no settings at all.
  const settings = loadSettings(resolveAuthbarHome(process.env)).settings;
  if (values.host.length === 0) return { local: true, hosts: values.local ? [] : settings.hosts };
  const hosts = values.host.map((name) => {
    const host = settings.hosts.find((h) => h.name === name);
    if (!host) throw new UsageError(`no host named ${name}; add it with: authbar hosts add ${name} USER@HOST (hosts: ${settings.hosts.map((h) => h.name).join(', ') || 'none'})`);
    return host;
  });
  return { local: values.local, hosts };
}
