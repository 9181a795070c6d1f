// Start at login at launch, when AuthBar's setting is on: the OS holds the user's latest
// choice, so it is read first and followed, never overridden. ("Settings that change the
// operating system are asked, never assumed.") What the user turned off or removed in the OS
// turns AuthBar's setting off, and the user is told once (the setting is then off, so the next
// launch does not look again); only an item that is on but starts an app that moved is
// registered again. Pure: the glue (main/app/login-item.ts) reads Electron and the autostart
// entry into these shapes and does what comes back.

/**
 * Electron 45's app.getLoginItemSettings(), the fields read here
 * (https://www.electronjs.org/docs/latest/api/app#appgetloginitemsettingsoptions-macos-windows):
 * - `status` (macOS 13+): 'not-registered' | 'enabled' | 'requires-approval' | 'not-found'.
 *   Absent before macOS 13, and for an item registered with the deprecated API (Electron then
 *   answers from that API: shell/browser/api/electron_api_app.cc, "enabled-deprecated").
 * - `openAtLogin`: macOS 13+: status is 'enabled'; older macOS: the login item exists.
 * - `launchItems` (Windows): the Run values whose program is `options.path` (default
 *   process.execPath), each with `enabled`: "the app registry key is startup approved and
 *   therefore shows as enabled in Task Manager and Windows Settings".
 */
export interface LoginItemSettingsRead {
  openAtLogin: boolean;
  status?: 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';
  launchItems?: Array<{ name: string; path: string; enabled: boolean }>;
}

export type LaunchAction =
  /** The OS agrees (or cannot be read better): nothing to write. */
  | { do: 'nothing' }
  /** Ours, on, but for an app that moved: register it again where it now is, still enabled. */
  | { do: 'repair' }
  /** The user turned it off or removed it in the OS: AuthBar's setting follows, the OS is left as it is. */
  | { do: 'turn-off'; message: string }
  /** The setting stays; the user has something to do in the OS. */
  | { do: 'warn'; message: string };

export const WHERE = {
  win32: 'Task Manager (Startup apps)',
  darwin: 'System Settings > General > Login Items',
  darwinLegacy: 'System Preferences > Users & Groups > Login Items',
  linux: "your desktop's startup applications",
} as const;

const turnedOff = (where: string, how = 'turned off'): LaunchAction => ({ do: 'turn-off', message: `Start at login was ${how} in ${where}; AuthBar's setting now says so. Turn it on again in AuthBar to start at login.` });

/**
 * Windows. `here`: the settings read for this executable; `before`: read for the executable
 * last registered, when it was another one (an app that moved), else null. Ours is the Run value
 * named `name` (Electron's default name is the AppUserModelId).
 */
export function windowsAtLaunch(here: LoginItemSettingsRead, before: LoginItemSettingsRead | null, name?: string): LaunchAction {
  // Without a name, any item that starts this executable (Electron names it by the AppUserModelId, which it does not report).
  const ours = (read: LoginItemSettingsRead | null) => read?.launchItems?.find((item) => name === undefined || item.name === name);
  const current = ours(here);
  if (current) return current.enabled ? { do: 'nothing' } : turnedOff(WHERE.win32);
  const moved = ours(before);
  if (moved?.enabled) return { do: 'repair' };
  return moved ? turnedOff(WHERE.win32) : turnedOff(WHERE.win32, 'turned off or removed');
}

/** macOS: SMAppService's status on 13 and up; before that (no status) openAtLogin. Never registered again at launch. */
export function macAtLaunch(read: LoginItemSettingsRead): LaunchAction {
  switch (read.status) {
    case 'enabled':
      return { do: 'nothing' };
    case 'not-registered':
      return turnedOff(WHERE.darwin, 'turned off or removed');
    case 'requires-approval':
      // Registered, but macOS starts nothing until the user allows it: the setting is right, the OS waits.
      return { do: 'warn', message: `Start at login waits for your approval: allow AuthBar in ${WHERE.darwin}. Until then macOS does not start it at login.` };
    case 'not-found':
      // SMAppService finds no such service: nothing starts at login, and registering again unasked is not ours to do.
      return { do: 'turn-off', message: `macOS does not find AuthBar's login item (${WHERE.darwin}), so nothing starts it at login; AuthBar's setting now says so. Turn it on again in AuthBar to register it.` };
    default:
      return read.openAtLogin ? { do: 'nothing' } : turnedOff(WHERE.darwinLegacy, 'turned off or removed');
  }
}

/** Linux: the autostart entry as the user left it (null: none), against what this run would start. */
export function linuxAtLaunch(entry: { off: boolean; command: string[] | null } | null, command: readonly string[]): LaunchAction {
  if (!entry) return turnedOff(WHERE.linux, 'turned off or removed');
  if (entry.off) return turnedOff(WHERE.linux);
  // Only an entry in the shape AuthBar writes (Exec is the program alone) is repaired when the
  // program moved: one the user edited (a wrapper, a delay) is theirs, and left as it is.
  const ours = entry.command !== null && entry.command.length === command.length;
  return ours && entry.command![0] !== command[0] ? { do: 'repair' } : { do: 'nothing' };
}
