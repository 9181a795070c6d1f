// Hosts the real panel (dist/renderer) in Debian's Chromium through Playwright, wired to a
// real Controller over a temp state dir. `window.authbar` is built in the page by the same
// createAuthbarApi the Electron preload uses, on a transport made of one exposed binding
// (panel → main: the validated handlers from createHandlers) and a subscriber registry that
// controller events are pushed into (main → panel). Everything that crosses is recorded in
// `traffic`, so a test can prove no token ever reaches the page.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright';
import { CHANNELS } from '../../main/core/channels.ts';
import { Controller } from '../../main/core/controller.ts';
import type { Env } from '../../main/core/openclaw/paths.ts';
import type { AgentRef, PanelState } from '../../main/core/panel-api.ts';
import { createCommands } from '../../main/core/commands.ts';
import { createHandlers } from '../../main/core/panel-handlers.ts';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
const RENDERER = join(ROOT, 'dist', 'renderer');

export interface PanelOptions {
  env: Env;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Device pixels per CSS pixel (2 for crisp screenshots). */
  scale?: number;
}

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

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** dist/renderer over http on 127.0.0.1, so the page has an origin and CSP's 'self' means it. */
async function serveRenderer(): Promise<{ server: Server; url: string }> {
  if (!existsSync(join(RENDERER, 'panel.html'))) throw new Error(`${RENDERER}/panel.html is missing: run node build/bundle.mjs`);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(RENDERER, path === '/' ? 'panel.html' : path));
    if (!file.startsWith(RENDERER + sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export async function openPanel(options: PanelOptions): Promise<PanelHost> {
  const copied: string[] = [];
  const opened: string[] = [];
  const traffic: string[] = [];
  const controller = new Controller({ env: options.env, debounceMs: 50 });
  await controller.start();
  const handlers = createHandlers(controller, createCommands(controller, {
    copy: (text) => void copied.push(text),
    openFolder: async (path) => void opened.push(path),
    openPanel: () => {},
    quit: () => {},
  }));
  const { server, url } = await serveRenderer();
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

    await page.exposeBinding('__authbarInvoke', async (_source, channel: string, payload: unknown) => {
      traffic.push(JSON.stringify({ invoke: channel, payload }));
      const handler = (handlers as Record<string, ((raw: unknown) => Promise<unknown>) | undefined>)[channel];
      if (!handler) throw new Error(`${channel}: no such channel`);
      const answer = await handler(payload);
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
      if (event.type === 'state') void push(CHANNELS.state, event.state);
    });

    await page.goto(url);
    await page.locator('.topbar').waitFor();
    const host: PanelHost = {
      page,
      controller,
      copied,
      opened,
      traffic,
      focus: (ref) => push(CHANNELS.focus, ref),
      push: (state) => push(CHANNELS.state, state),
      async close() {
        unsubscribe();
        await browser?.close();
        await controller.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
    return host;
  } catch (error) {
    unsubscribe();
    await browser?.close();
    await controller.stop();
    server.close();
    throw error;
  }
}
