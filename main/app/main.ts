// AuthBar's Electron main process: start(deps) is a flat list of setup steps around the core
// Controller, in an order the wiring tests hold it to:
// 1. what must exist before anything can fail: the quit handler, the Windows app id (before
//    any toast), second-instance and activate;
// 2. once Electron is ready: no application menu, the panel, the controller, the tray, IPC,
//    notifications, keep-fresh, power events;
// 3. a start-up failure opens the panel with the error and writes it to AuthBar's log.
import { homedir } from 'node:os';
import { app, clipboard, Menu, net, powerMonitor, shell } from 'electron';
import { resolveAuthbarHome } from '../core/authbar/home.ts';
import { createCommands, type Command } from '../core/commands.ts';
import { Controller, type ControllerOptions } from '../core/controller.ts';
import { keepTokensFresh } from '../core/keep-fresh.ts';
import { CHANNELS, type PanelState } from '../core/panel-api.ts';
import { createHandlers } from '../core/panel-handlers.ts';
import { tokenTimeoutMs } from '../core/refresh/endpoint.ts';
import { DEFAULT_SETTINGS } from '../core/settings.ts';
import { logStartupError } from '../core/ui/startup-error.ts';
import { VERSION } from '../core/version.ts';
import { installCommandLineTool } from './cli-launcher.ts';
import { setupIpc } from './ipc.ts';
import { applyStartAtLogin, followOsAtLaunch } from './login-item.ts';
import { type Notifier, setupNotifier } from './notifications.ts';
import { createPanel } from './panel-window.ts';
import { type AppPaths, bundledPaths } from './paths.ts';
import { type AppTray, setupTray } from './tray.ts';

/** package.json build.appId: Windows ties toasts and their settings to it. */
export const APP_ID = 'dev.authbar.app';

export interface StartDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  now?: () => number;
  paths?: AppPaths;
  /** Whether the desktop shows tray icons (Linux: a StatusNotifierWatcher on the bus). */
  trayHostAvailable?: () => Promise<boolean>;
  createController?: (options: ControllerOptions) => Controller;
}

export interface RunningApp {
  controller: Controller | null;
  /** Settles once quitting has stopped everything. */
  stopped: Promise<void>;
}

const POWER_EVENTS = ['resume', 'unlock-screen', 'user-did-become-active'] as const;
/**
 * The longest a quit waits for a refresh in flight: one request's timeout (30 s unless
 * AUTHBAR_TOKEN_TIMEOUT_MS says otherwise) and 15 s more. Once quitting, no token request starts
 * (no retry either: Controller.stop), and one in flight ends within its timeout; its answer is in
 * AuthBar's recovery file before any store is written, so a store lock held past this bound
 * loses nothing either.
 */
const quitWaitMs = (env: NodeJS.ProcessEnv): number => tokenTimeoutMs(env) + 15_000;

export async function start(deps: StartDeps): Promise<RunningApp | null> {
  const { env, platform } = deps;
  const paths = deps.paths ?? bundledPaths();
  // One AuthBar per user: a second launch just opens the panel of the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  const running: RunningApp = { controller: null, stopped: Promise.resolve() };
  const stops: Array<() => unknown> = [];
  let markStopped = () => {};
  running.stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let quitting = false;
  let stoppedAll = false;
  let shuttingDown = false;
  let allowClose = () => {};
  let hideNow = () => {};
  // First, before anything can fail: quitting always stops what was started. While a refresh or
  // sync is in flight the quit is held (preventDefault) until everything has stopped, so a new
  // sign-in on its way reaches its stores (Electron does not wait for promises); then it is
  // asked again and goes through. A stop that never ends is cut off after QUIT_WAIT_MS. An OS
  // shutdown or logout is never held: macOS reads that as the app refusing (electron#230), and
  // past the token answer the recovery file has the new sign-in anyway.
  app.on('before-quit', (event) => {
    // Now, not after an await: Electron closes the windows next, and the panel's close only hides.
    allowClose();
    if (stoppedAll) return;
    const hold = !shuttingDown && (running.controller?.busy() ?? false);
    if (hold) event.preventDefault();
    if (quitting) return;
    quitting = true;
    // Gone from sight at once, while the refresh finishes behind.
    if (hold) hideNow();
    const cutOff = hold ? setTimeout(() => app.exit(0), quitWaitMs(env)) : undefined;
    void (async () => {
      for (const stop of stops.reverse()) {
        try {
          await stop();
        } catch {
          // keep stopping the rest
        }
      }
    })().finally(() => {
      clearTimeout(cutOff);
      stoppedAll = true;
      markStopped();
      if (hold) app.quit();
    });
  });
  if (platform === 'win32') app.setAppUserModelId(APP_ID);
  // Closing the panel must not quit the app.
  app.on('window-all-closed', () => {});

  let tray: AppTray | null = null;
  const panel = createPanel({ paths, platform, trayBounds: () => tray?.bounds() ?? null });
  allowClose = () => panel.allowClose();
  hideNow = () => panel.window()?.hide();
  stops.push(() => panel.destroy());
  // Until the commands exist the panel just opens; then it opens through them (which asks usage).
  let reopen = () => panel.open();
  app.on('second-instance', () => reopen());
  // macOS: reopening the app from the Finder or Spotlight.
  app.on('activate', () => reopen());

  await app.whenReady();
  // No default application menu: Reload and DevTools must not be reachable (Alt shows it on
  // Windows and Linux). macOS keeps an Edit menu, without which Cmd+C/V/X/A do nothing in the
  // panel's text fields (the host form).
  Menu.setApplicationMenu(platform === 'darwin' ? Menu.buildFromTemplate([{ label: 'AuthBar', submenu: [{ role: 'quit' }] }, { role: 'editMenu' }]) : null);
  // A menu-bar app: no Dock icon (LSUIElement in the packaged Info.plist does the same at launch).
  app.dock?.hide();

  let stopIpc: (() => void) | null = null;
  stops.push(() => stopIpc?.());
  try {
    let notifier: Notifier | null = null;
    const controller = (deps.createController ?? ((options) => new Controller(options)))({ env, now: deps.now, fetch: net.fetch.bind(net) as typeof fetch });
    running.controller = controller;
    stops.push(() => controller.stop());
    const run = createCommands(controller, {
      copy: (text) => clipboard.writeText(text),
      openFolder: async (path) => shell.showItemInFolder(path),
      openPanel: (ref, options) => panel.open(ref, options),
      installCli: async () => installCommandLineTool({ platform, env, home: userHome(env, platform) }),
      confirm: (text) => (notifier ? notifier.tell(text) : controller.warn(text)),
      quit: () => app.quit(),
    });
    reopen = () => void run({ kind: 'open-panel' }).catch((error: unknown) => controller.warn((error as Error).message));
    // The tray has no one to show an error to: a failed command becomes a notice in the panel.
    const runFromTray = (command: Command) => {
      run(command.kind === 'open-panel' || command.kind === 'install-cli' ? { ...command, fromTray: true } : command).catch((error: unknown) => controller.warn((error as Error).message));
    };
    stopIpc = setupIpc({ handlers: createHandlers(controller, run), panel: () => panel.window(), panelHtml: paths.panelHtml, platform, controller });
    tray = setupTray({ getState: () => controller.state(), run: runFromTray, paths, platform, now: deps.now });
    stops.push(() => tray?.destroy());
    // What the Electron smoke test (test/app/electron-smoke.test.ts) reads: development runs only.
    if (!app.isPackaged && env.AUTHBAR_SMOKE_TEST === '1') Object.assign(globalThis, { authbarSmoke: { trayShown: () => tray !== null, agents: () => controller.state().report.agents.length } });
    await controller.start();
    followStartAtLogin(controller, platform, env);
    controller.on((event) => {
      if (event.type === 'state') tray?.update();
    });
    tray.update();
    // A click on a notification opens the panel as every other way does: through the command, which asks usage.
    notifier = setupNotifier({ controller, openPanel: (ref) => void run({ kind: 'open-panel', ref }), platform, now: deps.now });
    stops.push(() => notifier?.stop());
    const fresh = keepTokensFresh({ controller, now: deps.now });
    stops.push(() => fresh.stop());
    // Back from sleep or a locked screen: every host stream reconnects now, not at its next
    // backoff, and the plans are made again (timers did not run while asleep).
    const wake = () => {
      controller.reconnectHosts();
      notifier.replan();
      fresh.replan();
      void controller.rescan();
    };
    for (const name of POWER_EVENTS) powerMonitor.on(name as 'resume', wake);
    stops.push(() => {
      for (const name of POWER_EVENTS) powerMonitor.off(name as 'resume', wake);
    });
    // macOS and Linux say so before the quit they send: that quit is not held (above). Heard
    // until the very end (the first of the stops, which run last to first).
    const shutdown = () => (shuttingDown = true);
    powerMonitor.on('shutdown', shutdown);
    stops.unshift(() => powerMonitor.off('shutdown', shutdown));
    // Asked, never assumed: the first launch opens the panel with its welcome. Where no tray
    // can show (stock GNOME), the panel opens at every launch so AuthBar never runs unseen.
    const trayShows = platform !== 'linux' || (await (deps.trayHostAvailable?.() ?? Promise.resolve(true)));
    if (controller.state().firstLaunch || !trayShows) panel.open();
  } catch (error) {
    const banner = logStartupError(resolveHome(running.controller, env), error);
    const state = failedState(banner, deps.now?.() ?? Date.now());
    // Whatever was set up stays for quit to stop; the panel's requests get the error alone.
    stopIpc?.();
    stopIpc = setupIpc({ handlers: { [CHANNELS.getState]: async () => state }, panel: () => panel.window(), panelHtml: paths.panelHtml, platform });
    panel.onLoad((win) => win.webContents.send(CHANNELS.state, state));
    const open = panel.window();
    if (open && !open.webContents.isLoading()) open.webContents.send(CHANNELS.state, state);
    panel.open();
  }
  return running;
}

/**
 * The login item follows the setting, whether the menu or the panel changed it. At launch with
 * the setting on, the OS is read first and its state is the user's choice (followOsAtLaunch):
 * turned off or removed there turns AuthBar's setting off (said once, and nothing is written to
 * the OS); only a moved app's enabled item is registered again.
 */
function followStartAtLogin(controller: Controller, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): void {
  const target = { platform, env, appId: APP_ID, home: controller.home };
  let applied = controller.getSettings().startAtLogin;
  /** While the launch check runs, no state event writes to the OS: it is what the check reads. */
  let checking = false;
  const apply = (enabled: boolean) =>
    void applyStartAtLogin(enabled, target)
      .then((refusal) => refusal && controller.warn(refusal))
      .catch((error: unknown) => controller.warn(`could not change start at login: ${(error as Error).message}`));
  const follow = (enabled: boolean) => {
    if (checking || enabled === applied) return;
    applied = enabled;
    apply(enabled);
  };
  controller.on((event) => {
    if (event.type === 'state') follow(event.state.settings.startAtLogin);
  });
  if (!applied) return;
  checking = true;
  void followOsAtLaunch(target)
    .then(async ({ keep, message }) => {
      if (!keep) {
        try {
          await controller.updateSettings({ startAtLogin: false });
          // Off in AuthBar too, and nothing written to the OS: the user's state there stays as they left it.
          applied = false;
        } catch (error) {
          // The setting could not follow; the OS is left as the user left it all the same.
          message = `${message} (AuthBar could not save that: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; its setting still says on until you turn it off)`;
        }
      }
      if (message) controller.warn(message);
    })
    .catch((error: unknown) => controller.warn(`could not read start at login from the system: ${(error as Error).message}`))
    .finally(() => {
      checking = false;
      // A change the user made meanwhile is applied now.
      follow(controller.getSettings().startAtLogin);
    });
}

/** Where the command-line launcher goes (~/.local/bin): the environment's home, as the user's shell sees it. */
function userHome(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return (platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
}

function resolveHome(controller: Controller | null, env: NodeJS.ProcessEnv): string {
  // The controller itself may be what failed: AuthBar's home as it would have found it.
  return controller?.home ?? resolveAuthbarHome(env);
}

/** What the panel shows when AuthBar could not start: the error, and nothing to act on. */
function failedState(banner: string, now: number): PanelState {
  return {
    report: { version: VERSION, stateDir: '', configPath: '', generatedAt: new Date(now).toISOString(), warnAfterMs: 0, agents: [], warnings: [] },
    busy: {},
    results: {},
    settings: DEFAULT_SETTINGS,
    lastSeen: {},
    notices: [],
    banner,
    firstLaunch: false,
    seq: 1,
    now,
  };
}
