// Whether a Linux desktop shows tray icons at all. Electron's tray on Linux is a
// StatusNotifierItem; stock GNOME has no StatusNotifierWatcher on the session bus (it needs
// the AppIndicator extension), and there the icon never appears. Asked of D-Bus with
// `dbus-send`; when that cannot answer, the answer is "no", so the panel opens and AuthBar
// is never running unseen.
import { execFile } from 'node:child_process';

export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

export function hasStatusNotifierHost(env: NodeJS.ProcessEnv = process.env, timeoutMs = 2000, watcher = STATUS_NOTIFIER_WATCHER): Promise<boolean> {
  if (!env.DBUS_SESSION_BUS_ADDRESS) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(
      'dbus-send',
      ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${watcher}`],
      { env, timeout: timeoutMs, maxBuffer: 4096 },
      (error, stdout) => resolve(!error && /boolean true/.test(String(stdout))),
    );
  });
}
