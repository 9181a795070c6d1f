// Whether a Linux desktop shows tray icons, asked of a real session bus (dbus-daemon): with no
// bus, and on a bus where no StatusNotifierWatcher runs (stock GNOME), the answer is "no", so
// the app opens its panel rather than run unseen.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStatusNotifierHost } from '../../main/core/ui/tray-host.ts';

const DBUS = '/usr/bin/dbus-daemon';

async function sessionBus(): Promise<{ address: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'authbar-dbus-'));
  const daemon: ChildProcess = spawn(DBUS, ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    daemon.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  return { address, stop: () => { daemon.kill(); rmSync(dir, { recursive: true, force: true }); } };
}

describe('hasStatusNotifierHost', () => {
  it('is false without a session bus', async () => {
    expect(await hasStatusNotifierHost({ PATH: process.env.PATH })).toBe(false);
  });

  it.skipIf(!existsSync(DBUS))('is false on a real session bus where no StatusNotifierWatcher runs', async () => {
    const bus = await sessionBus();
    try {
      const env = { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: bus.address };
      expect(await hasStatusNotifierHost(env)).toBe(false);
      // The same question about a name the bus always owns: the probe does reach the bus.
      expect(await hasStatusNotifierHost(env, 2000, 'org.freedesktop.DBus')).toBe(true);
    } finally {
      bus.stop();
    }
  });
});
