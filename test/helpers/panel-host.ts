// Hosts the real panel (dist/renderer, loaded from file:// as the app loads it, under its own
// CSP meta tag) in Debian's Chromium through Playwright, wired to a
// real Controller over a temp state dir. `window.authbar` is built in the page by the same
// createAuthbarApi the Electron preload uses, on a transport made of one exposed binding
// (panel → main: the validated handlers from createHandlers) and a subscriber registry that
// controller events are pushed into (main → panel). Everything that crosses is recorded in
// `traffic`, so a test can prove no token ever reaches the page.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright';
import { resolveAuthbarHome, settingsPath } from '../../main/core/authbar/home.ts';
import { CHANNELS } from '../../main/core/channels.ts';
import { Controller } from '../../main/core/controller.ts';
import type { Env } from '../../main/core/openclaw/paths.ts';
import { LOOPBACK } from '../../main/core/refresh/endpoint.ts';
import type { StateDir } from './state-dir.ts';
import type { AgentRef, PanelState } from '../../main/core/panel-api.ts';
import { DEFAULT_SETTINGS, saveSettings } from '../../main/core/settings.ts';
import { installLauncher } from '../../main/core/cli-install.ts';
import { CommandError, createCommands } from '../../main/core/commands.ts';
import { createHandlers } from '../../main/core/panel-handlers.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const RENDERER = join(ROOT, 'dist', 'renderer');

/**
 * As on a user's machine: the fixture's state dir moved to `$HOME/.openclaw` (HOME is the
 * fixture's own temp home), so the panel's paths read `~/.openclaw` and a screenshot shows no
 * test temp path. Before any agent dir is read: d.agentDir still names the old place.
 */
export function stateUnderHome<D extends StateDir>(d: D): D {
  const target = join(d.env.HOME!, '.openclaw');
  renameSync(d.stateDir, target);
  d.env.OPENCLAW_STATE_DIR = target;
  return Object.assign(d, { stateDir: target });
}

export interface PanelOptions {
  env: Env;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Device pixels per CSS pixel (2 for crisp screenshots). */
  scale?: number;
  /** Open as on a first launch (no settings saved: the welcome shows). Off by default. */
  firstLaunch?: boolean;
  /** Hold the page's first getState until releaseState(): what a panel still loading sees. */
  holdState?: boolean;
  /** "Install command-line tool" as the installed app does it, writing into env.HOME; unset: this panel cannot. */
  launcherExecutable?: string;
  /** For the README's screenshots: no notes about the test endpoints, which no user sets. */
  asUsersSeeIt?: boolean;
}

/**
 * The state without the notes that AUTHBAR_TOKEN_URL and AUTHBAR_USAGE_URL are set: every test
 * sets them (no test may reach OpenAI), no user does, and a README screenshot shows the panel as
 * users see it. Tests of the notes themselves read the controller's state, which keeps them.
 */
function withoutTestEndpointNotes<S extends { report: { warnings: string[] } }>(state: S): S {
  return { ...state, report: { ...state.report, warnings: state.report.warnings.filter((w) => !/\((AUTHBAR_TOKEN_URL|AUTHBAR_USAGE_URL) is set\)/.test(w)) } };
}

/** The network a test panel may reach: this machine only (a test must never ask OpenAI). */
const loopbackFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!LOOPBACK.test(url.hostname)) return Promise.reject(new TypeError(`fetch failed: a test panel reaches nothing beyond this machine (${url.host})`));
  return fetch(input, init);
};

export interface PanelHost {
  page: Page;
  controller: Controller;
  /** Text the panel put on the clipboard, in order. */
  copied: string[];
  /** Folders the panel asked to open. */
  opened: string[];
  /** JSON of every binding request and answer and every pushed state. */
  traffic: string[];
  /** main → panel: what a clicked notification sends. */
  focus(ref: AgentRef): Promise<void>;
  /** main → panel: a state the controller did not make (remote hosts, which it cannot). */
  push(state: PanelState): Promise<void>;
  /** Lets a held first getState answer (holdState). */
  releaseState(): void;
  close(): Promise<void>;
}

/** The page side of the transport, bundled from the real preload-api.ts at test time. */
const INIT_SOURCE = `
import { createAuthbarApi } from './main/preload-api.ts';
const listeners = new Map();
Object.defineProperty(window, '__authbarPush', {
  value: (channel, payload) => { for (const listener of listeners.get(channel) ?? []) listener(payload); },
});
window.authbar = createAuthbarApi({
  invoke: (channel, payload) => window.__authbarInvoke(channel, payload),
  subscribe(channel, listener) {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel).add(listener);
    return () => listeners.get(channel).delete(listener);
  },
});
`;

let initScript: Promise<string> | null = null;
function bundleInitScript(): Promise<string> {
  initScript ??= build({
    stdin: { contents: INIT_SOURCE, resolveDir: ROOT, loader: 'js', sourcefile: 'panel-host-init.js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
    write: false,
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]!.text);
  return initScript;
}

/** The panel's own page, as the app loads it: a file:// URL of dist/renderer/panel.html. */
function rendererUrl(): string {
  const html = join(RENDERER, 'panel.html');
  if (!existsSync(html)) throw new Error(`${html} is missing: run node build/bundle.mjs`);
  return pathToFileURL(html).toString();
}

export async function openPanel(options: PanelOptions): Promise<PanelHost> {
  const copied: string[] = [];
  const opened: string[] = [];
  const traffic: string[] = [];
  const home = resolveAuthbarHome(options.env);
  if (!options.firstLaunch && !existsSync(settingsPath(home))) await saveSettings(home, DEFAULT_SETTINGS);
  const controller = new Controller({ env: options.env, debounceMs: 50, fetch: loopbackFetch });
  await controller.start();
  const shown = (state: PanelState): PanelState => (options.asUsersSeeIt ? withoutTestEndpointNotes(state) : state);
  const handlers = createHandlers(controller, createCommands(controller, {
    copy: (text) => void copied.push(text),
    openFolder: async (path) => void opened.push(path),
    openPanel: () => {},
    quit: () => {},
    ...(options.launcherExecutable ? {
      installCli: async () => {
        const done = installLauncher({ platform: 'linux', env: options.env, home: options.env.HOME!, executable: options.launcherExecutable! });
        if ('kind' in done) throw new CommandError(`${done.message}; ${done.fix}`);
        return done.note;
      },
    } : {}),
  }));
  const url = rendererUrl();
  let browser: Browser | null = null;
  let unsubscribe = () => {};
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({
      colorScheme: options.colorScheme ?? 'light',
      viewport: options.viewport ?? { width: 440, height: 720 },
      deviceScaleFactor: options.scale ?? 1,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();

    let releaseState = () => {};
    const held = options.holdState ? new Promise<void>((resolve) => (releaseState = resolve)) : Promise.resolve();
    await page.exposeBinding('__authbarInvoke', async (_source, channel: string, payload: unknown) => {
      traffic.push(JSON.stringify({ invoke: channel, payload }));
      if (channel === CHANNELS.getState) await held;
      const handler = (handlers as Record<string, ((raw: unknown) => Promise<unknown>) | undefined>)[channel];
      if (!handler) throw new Error(`${channel}: no such channel`);
      let answer = await handler(payload);
      if (channel === CHANNELS.getState) answer = shown(answer as PanelState);
      traffic.push(JSON.stringify({ answer: channel, value: answer ?? null }));
      return answer;
    });
    await page.addInitScript({ content: await bundleInitScript() });

    // Pushes go out in order; one that meets a closing page is dropped.
    let pushing: Promise<unknown> = Promise.resolve();
    const push = (channel: string, payload: unknown): Promise<void> => {
      traffic.push(JSON.stringify({ push: channel, payload }));
      pushing = pushing
        .then(() => page.evaluate(([c, p]) => (window as unknown as { __authbarPush?: (c: string, p: unknown) => void }).__authbarPush?.(c, p), [channel, payload] as const))
        .catch(() => {});
      return pushing as Promise<void>;
    };
    unsubscribe = controller.on((event) => {
      if (event.type === 'state') void push(CHANNELS.state, shown(event.state));
    });

    await page.goto(url);
    if (!options.holdState) await page.locator('.topbar').waitFor();
    const host: PanelHost = {
      page,
      controller,
      copied,
      opened,
      traffic,
      focus: (ref) => push(CHANNELS.focus, ref),
      // Newer than the controller's last state, older than its next: the panel never goes back.
      push: (state) => push(CHANNELS.state, shown({ ...state, seq: state.seq + 0.5 })),
      releaseState: () => releaseState(),
      async close() {
        unsubscribe();
        await browser?.close();
        await controller.stop();
      },
    };
    return host;
  } catch (error) {
    unsubscribe();
    await browser?.close();
    await controller.stop();
    throw error;
  }
}
