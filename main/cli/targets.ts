// `--host NAME` (repeatable) and `--local`: which machines a command covers. With hosts
// configured and neither given, `status` covers this machine and every host; refresh and
// sync act on this machine unless told otherwise.
import { existsSync } from 'node:fs';
import { resolveAuthbarHome, settingsPath } from '../core/authbar/home.ts';
import type { Host } from '../core/settings.ts';
import { UsageError } from './args.ts';

export interface Targets {
  local: boolean;
  hosts: Host[];
}

export const TARGET_OPTIONS = {
  host: { type: 'string' as const, multiple: true as const, default: [] as string[] },
  local: { type: 'boolean' as const, default: false as boolean },
};

export async function resolveTargets(values: { host: string[]; local: boolean }, everyHostByDefault: boolean): Promise<Targets> {
  if (values.host.length === 0 && !values.local && !everyHostByDefault) return { local: true, hosts: [] };
  const home = resolveAuthbarHome(process.env);
  // No settings file means no hosts: a plain status then loads no settings code at all.
  if (values.host.length === 0 && !existsSync(settingsPath(home))) return { local: true, hosts: [] };
  const { loadSettings } = await import('../core/settings.ts');
  const settings = loadSettings(home).settings;
  if (values.host.length === 0) return { local: true, hosts: values.local ? [] : settings.hosts };
  const hosts = values.host.map((name) => {
    const host = settings.hosts.find((h) => h.name === name);
    if (!host) throw new UsageError(`no host named ${name}; add it with: authbar hosts add ${name} USER@HOST (hosts: ${settings.hosts.map((h) => h.name).join(', ') || 'none'})`);
    return host;
  });
  return { local: values.local, hosts };
}
