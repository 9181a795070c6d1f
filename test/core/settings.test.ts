// AuthBar's settings file: validated with zod; a corrupt one falls back to the defaults with a
// warning and is never silently overwritten (it is moved aside when a setting next changes).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../main/core/controller.ts';
import { applyPatch, DEFAULT_SETTINGS, loadSettings, saveSettings } from '../../main/core/settings.ts';

let home: string;
afterEach(() => rmSync(home, { recursive: true, force: true }));
const fresh = () => {
  home = mkdtempSync(join(tmpdir(), 'authbar-settings-'));
  return home;
};

describe('settings', () => {
  it('uses the defaults when there is no file, and round-trips a change with mode 0600', async () => {
    const dir = fresh();
    expect(loadSettings(dir)).toEqual({ settings: DEFAULT_SETTINGS, warning: null, corrupt: false });
    await saveSettings(dir, applyPatch(DEFAULT_SETTINGS, { keepCopiesInSync: false }));
    expect(loadSettings(dir).settings.keepCopiesInSync).toBe(false);
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('falls back to defaults on a corrupt file, says where, and moves it aside instead of overwriting it', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, notifications: { enabled: 'yes', leadTimesMinutes: [60] } }));
    const read = loadSettings(dir);
    expect(read).toMatchObject({ settings: DEFAULT_SETTINGS, corrupt: true });
    expect(read.warning).toMatch(/settings\.json has an invalid value at notifications\.enabled; using defaults/);
    const controller = new Controller({ env: { AUTHBAR_HOME: dir, OPENCLAW_STATE_DIR: join(dir, 'none') } });
    expect(controller.state().report.warnings.join(' ')).toMatch(/invalid value at notifications\.enabled/);
    const before = readFileSync(join(dir, 'settings.json'), 'utf8');
    await controller.updateSettings({ startAtLogin: false });
    const aside = readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(before);
    expect(loadSettings(dir)).toMatchObject({ corrupt: false, settings: { startAtLogin: false } });
    writeFileSync(join(dir, 'settings.json'), '{ nope');
    expect(loadSettings(dir).warning).toMatch(/settings\.json is not valid JSON; using defaults/);
  });

  it('keeps every other setting when only a host is invalid (a remote command written before it had to be a path), and names the host', async () => {
    const dir = fresh();
    const good = { name: 'lab', destination: 'me@lab' };
    const text = JSON.stringify({ ...DEFAULT_SETTINGS, keepCopiesInSync: false, hosts: [good, { name: 'vps', destination: 'me@vps', remoteCommand: 'npx authbar' }] });
    writeFileSync(join(dir, 'settings.json'), text);
    const read = loadSettings(dir);
    expect(read.settings).toEqual({ ...DEFAULT_SETTINGS, keepCopiesInSync: false, hosts: [good] });
    expect(read.warning).toMatch(/left out host vps \(invalid remoteCommand\); add it again/);
    expect(read.corrupt).toBe(true);
    // The user's text is never lost: the first save moves it aside.
    await saveSettings(dir, read.settings);
    const aside = readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual([text]);
    expect(loadSettings(dir)).toMatchObject({ corrupt: false, warning: null, settings: { keepCopiesInSync: false, hosts: [good] } });
  });

  it('refuses an invalid change', () => {
    expect(() => applyPatch(DEFAULT_SETTINGS, { keepFresh: { enabled: true, minutesBefore: 1 } })).toThrow();
    expect(() => applyPatch(DEFAULT_SETTINGS, { notifications: { enabled: true, leadTimesMinutes: [-5] } })).toThrow();
  });
});
