// AuthBar's settings file (`<AUTHBAR_HOME>/settings.json`), validated with zod. A corrupt
// file falls back to the defaults with a warning and is never silently overwritten: the
// first save moves it aside as `settings.json.corrupt-<time>`.
import { mkdirSync, renameSync } from 'node:fs';
import * as z from 'zod/mini';
import { settingsPath } from './authbar/home.ts';
import { readOwnFile } from './authbar/own-file.ts';
import { writePrivateFile } from './openclaw/private-write.ts';
import { DESTINATION, DESTINATION_MAX, HOST_NAME, PATH_MAX, PATH_TEXT, REMOTE_COMMAND } from './host-rules.ts';

export const HostSchema = z.strictObject({
  /** A short name the user picks: shown on rows, used with `--host NAME`. `local` means this machine. */
  name: z.string().check(z.regex(HOST_NAME), z.refine((name) => name !== 'local', 'the name "local" means this machine')),
  /** What `ssh` connects to: `user@host`, or a Host alias from ~/.ssh/config. */
  destination: z.string().check(z.minLength(1), z.maxLength(DESTINATION_MAX), z.regex(DESTINATION)),
  /** An ssh_config file (`ssh -F`); checked to be a regular file owned by this user before each use. */
  sshConfig: z.optional(z.string().check(z.maxLength(PATH_MAX), z.regex(PATH_TEXT))),
  /** OPENCLAW_STATE_DIR on that host, when not its default. */
  stateDir: z.optional(z.string().check(z.maxLength(PATH_MAX), z.regex(PATH_TEXT))),
  /** How to run AuthBar's CLI there (default `authbar`): a command name or path, nothing more. */
  remoteCommand: z.optional(z.string().check(z.maxLength(PATH_MAX), z.regex(REMOTE_COMMAND))),
});
export type Host = z.infer<typeof HostSchema>;

export const SettingsSchema = z.strictObject({
  version: z.literal(1),
  startAtLogin: z.boolean(),
  notifications: z.strictObject({
    enabled: z.boolean(),
    /** Minutes before expiry; 0 means "at expiry". */
    leadTimesMinutes: z.array(z.number().check(z.int(), z.gte(0), z.lte(7 * 24 * 60))).check(z.maxLength(8)),
  }),
  /** Refresh automatically this long before expiry (off by default). */
  keepFresh: z.strictObject({ enabled: z.boolean(), minutesBefore: z.number().check(z.int(), z.gte(5), z.lte(24 * 60)) }),
  /** When a store rotates, write the new credential into copies it certainly stranded. */
  keepCopiesInSync: z.boolean(),
  hosts: z.array(HostSchema),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * What the renderer may change: a partial update, validated the same way. A key may be left out
 * but never sent as undefined (Electron's structured clone keeps such a key).
 */
const { version: _version, hosts: _hosts, ...patchable } = SettingsSchema.def.shape;
export const SettingsPatchSchema = z.strictObject(
  Object.fromEntries(Object.entries(patchable).map(([key, schema]) => [key, z.exactOptional(schema)])) as { [K in keyof typeof patchable]: z.ZodMiniExactOptional<(typeof patchable)[K]> },
);
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  // Changes the OS: asked on the first launch, never assumed (issue 12).
  startAtLogin: false,
  notifications: { enabled: true, leadTimesMinutes: [24 * 60, 60, 0] },
  keepFresh: { enabled: false, minutesBefore: 30 },
  keepCopiesInSync: true,
  hosts: [],
};

export interface SettingsRead {
  settings: Settings;
  /** Set when the file exists but could not be used. */
  warning: string | null;
  corrupt: boolean;
}

/**
 * Settings whose only fault is in some hosts (a remote command written before it had to be a
 * path, say): the rest is kept and those hosts are left out, each named, instead of every
 * setting falling back to its default. The file counts as corrupt, so the first save moves it
 * aside and the user's text is never lost.
 */
function withoutInvalidHosts(path: string): SettingsRead | null {
  const read = readOwnFile(path, z.looseObject({ hosts: z.array(z.unknown()) }));
  if (!read.ok) return null;
  const hosts: Host[] = [];
  const dropped: string[] = [];
  for (const [i, raw] of read.value.hosts.entries()) {
    const parsed = HostSchema.safeParse(raw);
    if (parsed.success) hosts.push(parsed.data);
    else {
      const name = (raw as { name?: unknown } | null)?.name;
      const field = parsed.error.issues[0]?.path.map(String).join('.') || 'the entry';
      dropped.push(`${typeof name === 'string' && HOST_NAME.test(name) ? `host ${name}` : `host #${i + 1}`} (invalid ${field})`);
    }
  }
  const rest = SettingsSchema.safeParse({ ...read.value, hosts });
  if (!rest.success || dropped.length === 0) return null;
  return {
    settings: rest.data,
    warning: `${path}: left out ${dropped.join(', ')}; add ${dropped.length === 1 ? 'it' : 'them'} again (the file is kept until you change a setting, then moved aside)`,
    corrupt: true,
  };
}

export function loadSettings(home: string): SettingsRead {
  const read = readOwnFile(settingsPath(home), SettingsSchema);
  if (read.ok) return { settings: read.value, warning: null, corrupt: false };
  const partial = read.corrupt ? withoutInvalidHosts(settingsPath(home)) : null;
  if (partial) return partial;
  const warning = read.missing ? null : `${read.problem}; using defaults${read.corrupt ? ' (the file is kept until you change a setting, then moved aside)' : ''}`;
  return { settings: structuredClone(DEFAULT_SETTINGS), warning, corrupt: read.corrupt };
}

export function applyPatch(settings: Settings, patch: SettingsPatch): Settings {
  return SettingsSchema.parse({ ...settings, ...patch });
}

/** Writes settings atomically; a corrupt file in the way is moved aside first, never overwritten. */
export async function saveSettings(home: string, settings: Settings): Promise<void> {
  const path = settingsPath(home);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (loadSettings(home).corrupt) renameSync(path, `${path}.corrupt-${Date.now()}`);
  writePrivateFile(path, `${JSON.stringify(SettingsSchema.parse(settings), null, 2)}\n`);
}
