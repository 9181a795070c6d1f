// Start at login on Linux: an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/authbar.desktop`)
// that the app writes and removes. (macOS and Windows use Electron's login item settings.)
// The entry is also the user's: a desktop's "Startup Applications" deletes it or marks it
// `Hidden=true` / `X-GNOME-Autostart-enabled=false`, so it is read back (parseAutostartEntry)
// before anything is written at launch (main/core/ui/login-item-launch.ts).
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../openclaw/paths.ts';
import { readRegularFile } from '../openclaw/read-file.ts';
import { writePrivateFile } from '../openclaw/private-write.ts';

/**
 * The icon the packaged app installs: electron-builder names a Linux app's icons and its own
 * desktop entry's `Icon=` after `build.linux.executableName` (package.json), not the product name.
 */
export const LINUX_ICON = 'authbar-app';

export function autostartPath(env: Env): string {
  const config = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(config, 'autostart', 'authbar.desktop');
}

// The Desktop Entry spec (https://specifications.freedesktop.org/desktop-entry/latest/exec-variables.html):
// "Reserved characters are space, tab, newline, double quote, single quote, backslash, >, <, ~,
// |, &, ;, $, *, ?, #, ( and ) and backtick"; an argument holding one is quoted in double
// quotes, with ", `, $ and \ preceded by a backslash. Exec is also a string value, whose escapes
// (\\ \n \t \r, ...value-types.html) are undone first: "to unambiguously represent a literal
// backslash character in a quoted argument ... requires the use of four successive backslash
// characters". A literal % is written %% (field codes).
const RESERVED = /[ \t\n"'\\><~|&;$*?#()`]/;

/** Quotes one argument as the Exec key's quoting rule says (before the string escapes). */
function quoteExec(arg: string): string {
  const percent = arg.replace(/%/g, '%%');
  if (arg !== '' && !RESERVED.test(arg)) return percent;
  return `"${percent.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/** The string escapes of a desktop entry value: a backslash, newline, tab or carriage return never stands for itself. */
function escapeString(value: string): string {
  return value.replace(/[\\\n\t\r]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c]!);
}

function unescapeString(value: string): string {
  return value.replace(/\\(.)/g, (whole, c: string) => ({ '\\': '\\', n: '\n', t: '\t', r: '\r', s: ' ' } as Record<string, string>)[c] ?? whole);
}

/** Undoes the Exec key's quoting (after the string escapes): the arguments, or null when a quote is left open. */
function splitExec(exec: string): string[] | null {
  const args: string[] = [];
  let i = 0;
  while (i < exec.length) {
    if (exec[i] === ' ') {
      i++;
      continue;
    }
    let arg = '';
    if (exec[i] === '"') {
      i++;
      while (i < exec.length && exec[i] !== '"') {
        if (exec[i] === '\\' && i + 1 < exec.length && '"`$\\'.includes(exec[i + 1]!)) i++;
        arg += exec[i++];
      }
      if (exec[i] !== '"') return null;
      i++;
    } else {
      while (i < exec.length && exec[i] !== ' ') arg += exec[i++];
    }
    args.push(arg.replace(/%%/g, '%'));
  }
  return args;
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=AuthBar',
    'Comment=OpenClaw Codex sign-ins at a glance',
    `Exec=${escapeString(command.map(quoteExec).join(' '))}`,
    `Icon=${LINUX_ICON}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=false',
    '',
  ].join('\n');
}

export interface AutostartEntry {
  /** `Hidden=true` (the spec: as if the file were not there) or `X-GNOME-Autostart-enabled=false` (GNOME's, and others', off switch). */
  off: boolean;
  /** What Exec starts, unquoted; null when there is no Exec or it does not parse. */
  command: string[] | null;
}

/** Reads the keys of an autostart entry's [Desktop Entry] group that say whether, and what, it starts. */
export function parseAutostartEntry(text: string): AutostartEntry {
  const keys = new Map<string, string>();
  let inGroup = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inGroup = line === '[Desktop Entry]';
    else if (inGroup && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      // The last of a repeated key, as GLib reads it; locale variants (Name[fr]) are other keys.
      if (eq > 0) keys.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  // GLib's booleans: true/false, and 1/0.
  const isTrue = (key: string) => keys.get(key) === 'true' || keys.get(key) === '1';
  const isFalse = (key: string) => keys.get(key) === 'false' || keys.get(key) === '0';
  const exec = keys.get('Exec');
  return { off: isTrue('Hidden') || isFalse('X-GNOME-Autostart-enabled'), command: exec === undefined ? null : splitExec(unescapeString(exec)) };
}

/** The entry as the user left it: null when there is none (deleted, or never written). */
export function readAutostart(env: Env): AutostartEntry | null {
  const read = readRegularFile(autostartPath(env));
  if (read.ok) return parseAutostartEntry(read.text);
  if (read.absent) return null;
  throw new Error(read.error);
}

export async function setAutostart(env: Env, enabled: boolean, command: readonly string[]): Promise<void> {
  const path = autostartPath(env);
  if (!enabled) {
    rmSync(path, { force: true });
    return;
  }
  mkdirSync(join(path, '..'), { recursive: true });
  // No secret in it; the desktop session reads it as the user, 0644 as other autostart entries.
  writePrivateFile(path, autostartEntry(command), 0o644);
}
