// The panel as issue 12 left it, in a real Chromium loading dist/renderer/panel.html from
// file:// as the app does: the first-launch welcome that asks about start at login, a focus
// request that arrives while the panel is still loading, and the banner that carries what the
// system could not show. Saves the README's screenshots of the welcome and of a panel opened
// at an agent from a notification.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, openPanel, type PanelHost, type PanelOptions, stateUnderHome } from '../helpers/panel-host.ts';
import { requireChromium } from '../helpers/requirements.ts';
import { makeStateDir, type StateDir, type StateDirOptions, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';
import { screenshotPath } from '../helpers/screenshots.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PROFILE = 'openai-codex:default';
const { missing } = requireChromium(CHROMIUM); // under CI=true a missing Chromium fails the file

let server: TokenServer;
let dirs: StateDir[] = [];
let panels: PanelHost[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  for (const panel of panels) await panel.close();
  panels = [];
  await server.close();
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function signIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com` });
}

function state(options: StateDirOptions): StateDir {
  // No AUTHBAR_TOKEN_URL: nothing here refreshes, and the screenshots show the panel as users see it.
  const d = makeStateDir(options);
  dirs.push(d);
  return d;
}

async function open(d: StateDir, options: Omit<PanelOptions, 'env'> = {}): Promise<PanelHost> {
  // The screenshots show the panel as users see it: no notes about the test's endpoints.
  const panel = await openPanel({ env: d.env, asUsersSeeIt: true, ...options });
  panels.push(panel);
  return panel;
}

function team(): StateDir {
  return stateUnderHome(state({
    imageGenerationModel: 'openai/gpt-image-2',
    agents: Array.from({ length: 9 }, (_, i) => ({
      id: ['main', 'coder', 'ops', 'research', 'writer', 'review', 'support', 'triage', 'artist'][i]!,
      store: storeDocument({ [PROFILE]: signIn(`acct-${i}`, i === 8 ? 38 * MINUTE : (i + 2) * DAY + 3 * HOUR) }),
    })),
  }));
}

const row = (page: Page, agentId: string) => page.locator(`[data-agent="local/${agentId}"]`);
const eventually = (read: () => Promise<string>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });
const highlighted = (page: Page, agentId: string) => () => row(page, agentId).evaluate((el) => String(el.classList.contains('is-highlighted') && document.activeElement === el));

describe.skipIf(missing)('the panel, issue 12', () => {
  it('on a first launch welcomes with what it found and where, and asks about start at login, off until chosen', async () => {
    const d = team();
    const panel = await open(d, { firstLaunch: true, viewport: { width: 440, height: 760 }, scale: 2 });
    const { page, controller } = panel;
    const welcome = page.getByRole('region', { name: 'Welcome to AuthBar' });
    await welcome.waitFor();
    const said = (await welcome.textContent())!.replace(/\s+/g, ' ');
    // Under the user's home, the panel writes the path as a shell does.
    expect(said).toContain('AuthBar found 9 OpenClaw agents in ~/.openclaw.');
    expect(said).toContain('Agents are read from ~/.openclaw/openclaw.json;');
    expect(said).not.toContain(d.root);
    const box = page.getByRole('checkbox', { name: 'Start AuthBar at login' });
    expect(await box.isChecked()).toBe(false);
    expect(existsSync(join(d.authbarHome, 'settings.json'))).toBe(false);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshotPath('panel-welcome.png'), fullPage: false, animations: 'disabled' });

    await box.check();
    await page.getByRole('button', { name: 'Done' }).click();
    await welcome.waitFor({ state: 'detached' });
    expect(controller.getSettings().startAtLogin).toBe(true);
    expect(JSON.parse(readFileSync(join(d.authbarHome, 'settings.json'), 'utf8')).startAtLogin).toBe(true);
    expect(controller.state().firstLaunch).toBe(false);
  });

  it('"Done" with the box left alone saves start at login off, and the welcome does not come back', async () => {
    const d = team();
    const first = await open(d, { firstLaunch: true });
    await first.page.getByRole('button', { name: 'Done' }).click();
    await first.page.getByRole('region', { name: 'Welcome to AuthBar' }).waitFor({ state: 'detached' });
    expect(JSON.parse(readFileSync(join(d.authbarHome, 'settings.json'), 'utf8')).startAtLogin).toBe(false);
    const again = await open(d, { firstLaunch: true });
    await again.page.locator('.agents').first().waitFor();
    expect(await again.page.getByRole('region', { name: 'Welcome to AuthBar' }).count()).toBe(0);
  });

  it('a focus request that arrives while the panel is still loading is kept until the row is drawn', async () => {
    const d = team();
    const panel = await open(d, { holdState: true, viewport: { width: 440, height: 520 } });
    const { page } = panel;
    await panel.focus({ host: 'local', agentId: 'artist' });
    expect(await page.locator('[data-agent]').count()).toBe(0); // nothing drawn yet
    panel.releaseState();
    await eventually(highlighted(page, 'artist')).toBe('true');
    const box = await row(page, 'artist').boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(520);
  });

  it('opened at an agent from a notification: that row, scrolled to, focused and highlighted', async () => {
    const d = team();
    const panel = await open(d, { viewport: { width: 440, height: 760 }, scale: 2 });
    const { page } = panel;
    await panel.focus({ host: 'local', agentId: 'artist' });
    await eventually(highlighted(page, 'artist')).toBe('true');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshotPath('panel-from-notification.png'), fullPage: false, animations: 'disabled' });
  });

  it('shows the banner first, as an alert: a notice the system could not show', async () => {
    const d = team();
    const panel = await open(d);
    const { page } = panel;
    await panel.push({ ...panel.controller.state(), banner: 'Image generation for artist will fail in 37m (this system shows no notifications)' });
    const alert = page.getByRole('alert');
    await eventually(async () => (await alert.textContent()) ?? '').toContain('Image generation for artist will fail in 37m');
    expect(await page.locator('.notices li').first().getAttribute('class')).toContain('banner');
  });
});
