// Usage notifications in the running app (`start(deps)` against the honest electron stand-in,
// whose notifications are held weakly), with a real Controller over a real temp state dir and
// the loopback stand-in usage endpoint; the clock is injected so a window's reset can pass.
// Once per window per reset, naming the agents that share the account, image generation first;
// a reset of an exhausted window announced once.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../helpers/electron-stand-in.ts'));

/** Waits on a condition, generously: the machine may be loaded; nothing here is timed. */
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 20_000, interval: 20 });

const electron = await import('../helpers/electron-stand-in.ts');
const { start } = await import('../../main/app/main.ts');
const { CHANNELS } = await import('../../main/core/panel-api.ts');
const { makeStateDir, storeDocument, writeJson } = await import('../helpers/state-dir.ts');
const { codexCredential, secretsIn } = await import('../helpers/tokens.ts');
const { startUsageServer } = await import('../helpers/usage-server.ts');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SETTINGS = { version: 1, startAtLogin: false, notifications: { enabled: true, leadTimesMinutes: [1440, 60, 0] }, keepFresh: { enabled: false, minutesBefore: 30 }, keepCopiesInSync: true, hosts: [] };

let clock = Date.now();
let server: Awaited<ReturnType<typeof startUsageServer>>;
let cleanups: Array<() => unknown> = [];
beforeAll(async () => {
  server = await startUsageServer({ clock: () => clock });
});
afterAll(() => server.close());
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
  server.requests.length = 0;
  server.answer = 'both';
});

/** coder and artist share one account; image generation rides on Codex. */
async function launch() {
  clock = Date.now();
  electron.reset({ platform: 'linux' });
  const team = codexCredential({ accountId: 'acct-team', email: 'team@example.com', expiresInMs: 20 * 24 * HOUR }, clock);
  const stores = { coder: storeDocument({ 'openai-codex:default': team }), artist: storeDocument({ 'openai-codex:default': { ...team } }) };
  const d = makeStateDir({ agents: [{ id: 'coder', store: stores.coder }, { id: 'artist', store: stores.artist }], imageGenerationModel: 'openai/gpt-image-2' });
  Object.assign(d.env, { AUTHBAR_USAGE_URL: server.url });
  writeJson(join(d.authbarHome, 'settings.json'), SETTINGS);
  const running = await start({ env: d.env, platform: 'linux', now: () => clock, trayHostAvailable: async () => true });
  cleanups.push(async () => {
    electron.app.quit();
    await running?.stopped;
    d.cleanup();
  });
  return { d, controller: running!.controller!, secrets: secretsIn(stores) };
}

const shown = () => electron.Notification.shown.map((n) => ({ title: n.title, body: n.body }));
const focusSent = () => (electron.BrowserWindow.instances[0]?.webContents.sent ?? []).filter(([c]) => c === CHANNELS.focus).map(([, p]) => p);

describe('usage notifications', () => {
  it('a window above the threshold is said once, image generation first, naming the agents that share the account', async () => {
    server.answer = 'high';
    const { controller, secrets } = await launch();
    await until(() => expect(shown()).toHaveLength(1));
    expect(shown()[0]!.title).toBe('Plan usage is high');
    expect(shown()[0]!.body).toMatch(/^Image generation for artist and coder stops at the weekly limit: 96 % used, resets (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d$/);
    expect(server.requests).toHaveLength(1);
    // Asked again five minutes later, still high: not said again.
    clock += 6 * MINUTE;
    await controller.askUsage('demand');
    await controller.settled();
    expect(server.requests).toHaveLength(2);
    expect(shown()).toHaveLength(1);
    // V8 collected it; the app still holds it, so a click opens the panel at the image agent.
    await electron.collectGarbage();
    expect(electron.Notification.deliver(0, 'click')).toBe(true);
    await until(() => expect(focusSent()).toEqual([{ host: 'local', agentId: 'artist' }]));
    for (const n of shown()) for (const s of secrets) expect(`${n.title}\n${n.body}`).not.toContain(s.slice(0, 16));
  });

  it('an exhausted window is said once, and its reset once ("artist and coder can generate images again")', async () => {
    server.answer = 'exhausted';
    const { controller } = await launch();
    await until(() => expect(shown()).toHaveLength(1));
    expect(shown()[0]).toEqual({ title: 'Plan limit reached', body: expect.stringMatching(/^Image generation for artist and coder stopped: the 5-hour limit is reached until \w{3} \d\d:\d\d$/) });
    expect(controller.state().report.agents.map((a) => a.readiness?.state)).toEqual(['plan-limit', 'plan-limit']);
    // The tray follows readiness: the error icon, the tooltip and the menu rows name the limit.
    const tray = electron.Tray.instances[0]!;
    await until(() => expect(tray.image.path).toMatch(/tray-error\.png$/));
    expect(tray.tooltip).toMatch(/^2 of 2 agents need attention: (artist|coder) at the plan limit until \w{3} \d\d:\d\d;/);
    expect(tray.menu!.template.slice(0, 2).map((i: { label: string }) => i.label).sort()).toEqual([expect.stringMatching(/^artist: plan limit until /), expect.stringMatching(/^coder: plan limit until /)]);
    // The window resets; the next ask finds it empty again.
    clock += 3 * HOUR + 13 * MINUTE;
    server.answer = 'both';
    await controller.askUsage('demand');
    await controller.settled();
    await until(() => expect(shown()).toHaveLength(2));
    expect(shown()[1]).toEqual({ title: 'Plan limit reset', body: 'artist and coder can generate images again' });
    // Said once: more asks and rescans add nothing.
    clock += 6 * MINUTE;
    await controller.askUsage('demand');
    await controller.rescan();
    await controller.settled();
    expect(shown()).toHaveLength(2);
    expect(controller.state().report.agents.map((a) => a.readiness?.state)).toEqual(['ready', 'ready']);
    await until(() => expect(electron.Tray.instances[0]!.image.path).toMatch(/tray-ok\.png$/));
  });
});

describe('usage asks in the app', () => {
  it('asks once at launch, and again when the panel is opened from outside (a second launch), past the 5-minute floor', async () => {
    const { controller } = await launch();
    await until(() => expect(server.requests).toHaveLength(1));
    await controller.settled();
    clock += 6 * MINUTE;
    electron.app.emit('second-instance');
    await until(() => expect(server.requests).toHaveLength(2));
    expect(electron.BrowserWindow.instances[0]!.visible).toBe(true);
    // Every ask went through Electron's net.fetch.
    expect(electron.called('net.fetch').map((c) => c.args[0])).toEqual([server.url, server.url]);
  });
});
