// A smoke test of the whole app through Playwright's Electron driver. It runs wherever
// Electron's binary is installed (and a display exists on Linux); elsewhere it reports itself
// skipped with the reason. It never triggers electron's own download.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';
import { makeStateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function electronBinary(): { path: string | null; reason: string } {
  const pathFile = join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: "Electron's binary is not installed (node_modules/electron/path.txt is missing; installs here use ELECTRON_SKIP_BINARY_DOWNLOAD=1 because GitHub is unreachable)" };
  const binary = join(ROOT, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { path: null, reason: `Electron's binary is missing at ${binary}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { path: null, reason: 'no display (run under xvfb-run)' };
  return { path: binary, reason: '' };
}

const { path: binary, reason } = electronBinary();
const d = makeStateDir({
  agents: [
    { id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * 3_600_000 }) }) },
    { id: 'artist', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'b', expiresInMs: -3_600_000 }) }) },
  ],
});
afterAll(() => d.cleanup());

describe.skipIf(binary === null)(`the whole app in Electron${binary === null ? ` (skipped: ${reason})` : ''}`, () => {
  it('starts as a tray app with no window, and opens a panel that lists the agents', async () => {
    const app = await _electron.launch({ executablePath: binary!, args: [ROOT], env: { ...(process.env as Record<string, string>), ...d.env } });
    try {
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().filter((w) => w.isVisible()).length)).toBe(0);
      await app.evaluate(({ app: electronApp }) => electronApp.emit('second-instance'));
      const panel = await app.firstWindow();
      await expect.poll(() => panel.locator('text=artist').count()).toBeGreaterThan(0);
      expect(await panel.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await app.close();
    }
  }, 60_000);
});
