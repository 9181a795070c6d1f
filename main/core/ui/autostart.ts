// Start at login on Linux: an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/authbar.desktop`)
// that the app writes and removes. (macOS and Windows use Electron's login item settings.)
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../openclaw/paths.ts';
import { writePrivateFile } from '../openclaw/private-write.ts';

export function autostartPath(env: Env): string {
  const config = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(config, 'autostart', 'authbar.desktop');
}

/** Quotes one argument for a desktop entry's Exec key (freedesktop Desktop Entry spec). */
function quoteExec(arg: string): string {
  if (!/[\s"'\\`$<>|;&*?#()]/.test(arg)) return arg.replace(/%/g, '%%');
  return `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=AuthBar',
    'Comment=OpenClaw Codex sign-ins at a glance',
    `Exec=${command.map(quoteExec).join(' ')}`,
    'Icon=authbar',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=false',
    '',
  ].join('\n');
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
