// The one command layer behind the tray menu and the panel's IPC, on a real Controller over a
// real temp state dir: the same command has the same effect and the same refusal from either
// side, and Controller.state() is a snapshot with no side effects.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommands, type Desktop } from '../../main/core/commands.ts';
import { Controller } from '../../main/core/controller.ts';
import { CHANNELS } from '../../main/core/panel-api.ts';
import { createHandlers } from '../../main/core/panel-handlers.ts';
import { buildMenu, type MenuItem } from '../../main/core/ui/menu-model.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

let dirs: StateDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

async function setUp() {
  const d = makeStateDir({
    agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * 3_600_000 }) }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'b', expiresInMs: -3_600_000 }) }) },
    ],
  });
  dirs.push(d);
  const controller = new Controller({ env: d.env });
  await controller.rescan();
  const desktop = { copied: [] as string[], opened: [] as string[], panels: [] as unknown[], quits: 0 };
  const run = createCommands(controller, {
    copy: (text) => void desktop.copied.push(text),
    openFolder: async (path) => void desktop.opened.push(path),
    openPanel: (ref) => void desktop.panels.push(ref ?? null),
    quit: () => void desktop.quits++,
  } satisfies Desktop);
  return { d, controller, run, desktop, handlers: createHandlers(controller, run) };
}

const item = (items: MenuItem[], label: RegExp | string): any => items.find((i) => i.type !== 'separator' && (typeof label === 'string' ? i.label === label : label.test(i.label)));

describe('commands', () => {
  it('a setting changed from the tray menu and from the panel is the same change, saved the same way', async () => {
    const { controller, run, handlers } = await setUp();
    const menu = buildMenu(controller.state(), Date.now());
    await run(item(menu, 'Keep copies in sync').action);
    expect(controller.getSettings().keepCopiesInSync).toBe(false);
    await handlers[CHANNELS.setSettings]({ keepCopiesInSync: true });
    expect(controller.getSettings().keepCopiesInSync).toBe(true);
    await run(item(buildMenu(controller.state(), Date.now()), 'Start at login').action);
    expect(controller.getSettings().startAtLogin).toBe(true);
  });

  it('install-cli: the tray\'s item confirms what was done, the panel gets the words back instead; where it cannot be done, both are refused', async () => {
    const { controller, run, handlers } = await setUp();
    const confirmed: string[] = [];
    let installs = 0;
    const installing = createCommands(controller, {
      copy: () => {},
      openFolder: async () => {},
      openPanel: () => {},
      quit: () => {},
      installCli: async () => `Installed authbar in /home/ada/.local/bin (${++installs}).`,
      confirm: (text) => void confirmed.push(text),
    });
    const menuAction = item(buildMenu(controller.state(), Date.now()), 'Install command-line tool').action;
    expect(menuAction).toEqual({ kind: 'install-cli' });
    // The app's tray adds fromTray, as it does for open-panel.
    expect(await installing({ ...menuAction, fromTray: true })).toBe('Installed authbar in /home/ada/.local/bin (1).');
    expect(confirmed).toEqual(['Installed authbar in /home/ada/.local/bin (1).']);
    expect(await createHandlers(controller, installing)[CHANNELS.installCli]({})).toBe('Installed authbar in /home/ada/.local/bin (2).');
    expect(confirmed).toHaveLength(1);
    await expect(createHandlers(controller, installing)[CHANNELS.installCli]({ dir: '/usr/local/bin' })).rejects.toThrow(/invalid request/);
    expect(installs).toBe(2);
    // A desktop without the tool (this test's own): a refusal in words, never a silent no-op.
    await expect(run(menuAction)).rejects.toThrow(/cannot install the command-line tool/);
    await expect(handlers[CHANNELS.installCli]({})).rejects.toThrow(/cannot install the command-line tool/);
  });

  it('copy-fix and open-folder do the same from either side, and refuse the same way', async () => {
    const { d, controller, run, handlers, desktop } = await setUp();
    const artist = item(buildMenu(controller.state(), Date.now()), /^artist:/).submenu;
    await run(item(artist, 'Copy fix command').action);
    await handlers[CHANNELS.copyFix]({ host: 'local', agentId: 'artist', profileId: null });
    expect(desktop.copied).toHaveLength(2);
    expect(desktop.copied[0]).toBe(desktop.copied[1]);
    expect(desktop.copied[0]).toMatch(/openclaw|authbar/);
    await run(item(artist, 'Open auth folder').action);
    await handlers[CHANNELS.openFolder]({ host: 'local', agentId: 'artist' });
    expect(desktop.opened).toEqual([d.storePath('artist'), d.storePath('artist')]);
    await expect(run({ kind: 'copy-fix', ref: { host: 'local', agentId: 'main' } })).rejects.toThrow(/nothing to fix for main/);
    await expect(handlers[CHANNELS.copyFix]({ host: 'local', agentId: 'main', profileId: null })).rejects.toThrow(/nothing to fix for main/);
    await expect(run({ kind: 'open-folder', ref: { host: 'box', agentId: 'main' } })).rejects.toThrow(/no folder on this machine/);
  });

  it('Controller.state() changes nothing: the same snapshot twice, no event, the sequence moves only when a state is sent', async () => {
    const { controller } = await setUp();
    const events: unknown[] = [];
    controller.on((e) => events.push(e));
    const a = controller.state();
    const b = controller.state();
    expect(b).toEqual({ ...a, now: b.now });
    expect(events).toEqual([]);
    await controller.rescan();
    const sent = events.filter((e: any) => e.type === 'state') as Array<{ state: { seq: number } }>;
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.state.seq).toBe(a.seq + 1);
    expect(controller.state().seq).toBe(sent.at(-1)!.state.seq);
  });

  // Found by an attack review: the folder and the fix both come from openclaw.json (an agentDir).
  it('open-folder reveals only a real folder: an agentDir that is a file (an app, a script) is refused, never opened', async () => {
    const { d, desktop } = await setUp();
    const script = join(d.root, 'Invoice.command');
    writeFileSync(script, '#!/bin/sh\ntouch "$HOME/pwned"\n', { mode: 0o755 });
    writeFileSync(join(d.stateDir, 'openclaw.json'), JSON.stringify({ agents: { list: [{ id: 'main', default: true }, { id: 'helper', agentDir: script }] } }));
    const controller = new Controller({ env: d.env });
    await controller.rescan();
    const run = createCommands(controller, { copy: () => {}, openFolder: async (path) => void desktop.opened.push(path), openPanel: () => {}, quit: () => {} });
    await expect(run({ kind: 'open-folder', ref: { host: 'local', agentId: 'helper' } })).rejects.toThrow(/is not a folder/);
    await run({ kind: 'open-folder', ref: { host: 'local', agentId: 'main' } });
    expect(desktop.opened).toEqual([d.storePath('main')]);
  });

  it('copy-fix never hands a shell a path it would run: a path with ; in it is quoted', async () => {
    const { d } = await setUp();
    const odd = join(d.root, 'x;touch pwned;');
    mkdirSync(odd, { recursive: true });
    writeFileSync(join(odd, 'auth-profiles.json'), 'not json');
    writeFileSync(join(d.stateDir, 'openclaw.json'), JSON.stringify({ agents: { list: [{ id: 'main', default: true }, { id: 'helper', agentDir: odd }] } }));
    const controller = new Controller({ env: d.env });
    await controller.rescan();
    const copied: string[] = [];
    const run = createCommands(controller, { copy: (text) => void copied.push(text), openFolder: async () => {}, openPanel: () => {}, quit: () => {} });
    await run({ kind: 'copy-fix', ref: { host: 'local', agentId: 'helper' } });
    expect(copied[0]).toContain('repair or remove');
    // Pasted into a shell: the words run as they are (`repair` is no command), the path stays one word.
    spawnSync('sh', ['-c', copied[0]!], { cwd: d.root, stdio: 'ignore' });
    expect(existsSync(join(d.root, 'pwned'))).toBe(false);
  });
});
