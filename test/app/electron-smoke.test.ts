// The whole app in the real Electron binary, through Playwright's Electron driver: launched
// against a fixture state dir and a loopback token endpoint, it has a tray, opens its panel,
// shows the rows, refreshes one agent through the endpoint, and quits within a bound. It runs
// on the CI matrix (.github/workflows/app.yml: Linux under xvfb-run, macOS, Windows), where
// `npx install-electron` fetched the binary; elsewhere it reports itself skipped with the
// reason (AUTHBAR_SMOKE_REQUIRED=1 turns the skip into a failure, as CI sets it). It never
// triggers Electron's download itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/core/settings.ts';
import { makeStateDir, storeDocument, writeJson } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const QUIT_WITHIN_MS = 15_000;

function electronBinary(): { path: string | null; reason: string } {
  const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: "Electron's binary is not installed (node_modules/electron/path.txt is missing: run npx install-electron, which downloads from GitHub)" };
  const binary = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { path: null, reason: `Electron's binary is missing at ${binary}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { path: null, reason: 'no display (run under xvfb-run)' };
  return { path: binary, reason: '' };
}

const { path: binary, reason } = electronBinary();
if (binary === null && process.env.AUTHBAR_SMOKE_REQUIRED === '1') throw new Error(`the Electron smoke test must run here, but: ${reason}`);

describe.skipIf(binary === null)(`the whole app in Electron${binary === null ? ` (skipped: ${reason})` : ''}`, () => {
  let server: TokenServer;
  let d: ReturnType<typeof makeStateDir>;
  let app: ElectronApplication | null = null;
  beforeAll(async () => {
    server = await startTokenServer();
    const issued = server.issue('acct-main');
    d = makeStateDir({
      agents: [
        { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-main', access: issued.access, refresh: issued.refresh, expiresInMs: 50 * 3_600_000 }) }) },
        { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'b', expiresInMs: -3_600_000 }) }) },
      ],
    });
    writeJson(join(d.authbarHome, 'settings.json'), DEFAULT_SETTINGS);
  });
  afterAll(async () => {
    await app?.close().catch(() => {});
    await server?.close();
    d?.cleanup();
  });

  it('has a tray, opens a panel with the rows, refreshes one agent, and quits cleanly in time', async () => {
    const env = { ...(process.env as Record<string, string>), ...d.env, AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '10000', AUTHBAR_SMOKE_TEST: '1' };
    // GitHub's Linux runners forbid the unprivileged user namespaces Chromium's sandbox needs.
    const args = [...(process.platform === 'linux' && process.env.CI ? ['--no-sandbox'] : []), ROOT];
    app = await _electron.launch({ executablePath: binary!, args, env, timeout: 60_000 });
    await expect.poll(() => app!.evaluate(() => (globalThis as { authbarSmoke?: { trayShown(): boolean } }).authbarSmoke?.trayShown() ?? false), { timeout: 30_000 }).toBe(true);
    // A tray app: no window until asked for (on Linux with no tray host, as under a bare
    // xvfb, the panel opens at launch instead, so the app is never running unseen).
    if (process.platform !== 'linux') expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().filter((w) => w.isVisible()).length)).toBe(0);
    await app.evaluate(({ app: electronApp }) => electronApp.emit('second-instance'));
    const panel = await app.firstWindow();
    await panel.locator('[data-agent="local/artist"]').waitFor({ timeout: 30_000 });
    await panel.locator('[data-agent="local/main"]').waitFor();
    expect(await panel.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    await panel.getByRole('button', { name: 'Refresh main' }).click();
    await expect.poll(() => server.requests.map((r) => r.outcome), { timeout: 30_000 }).toEqual(['rotated']);
    await expect.poll(() => panel.locator('[data-agent="local/main"] .result').textContent(), { timeout: 30_000 }).toMatch(/Refreshed/);

    // It quits: the close event ends this, and a hang is caught by the bound, not by a timing.
    const closed = app.waitForEvent('close');
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`still running ${QUIT_WITHIN_MS} ms after quit`)), QUIT_WITHIN_MS))]);
    app = null;
  }, 180_000);
});
