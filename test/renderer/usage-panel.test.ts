// The plan's usage in the real panel, in a real Chromium, over a real Controller and the
// loopback stand-in usage endpoint: a meter per sign-in (two small bars, window label, "resets
// in …", the plan's name), the same on every row of the agents sharing the account; each bar a
// role="meter" with its value for screen readers; the row's first line says a reached plan
// limit or a window above the threshold. Saves the README's screenshots, light and dark, and
// proves no access token reaches the page.
import type { Locator, Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, openPanel, type PanelHost, stateUnderHome } from '../helpers/panel-host.ts';
import { requireChromium } from '../helpers/requirements.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';
import { startUsageServer, type UsageServer } from '../helpers/usage-server.ts';
import { screenshotPath } from '../helpers/screenshots.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PROFILE = 'openai-codex:default';

const { missing, why } = requireChromium(CHROMIUM);
// The stand-in's resets are 3h 12m and 4d after its answer; a loaded machine may draw a minute later.
const RESETS_5H = /^\d+% used, resets in 3h 1[12]m$/;
const RESETS_WEEK = /^\d+% used, resets in (4d|3d 23h)$/;

let server: UsageServer;
let dirs: StateDir[] = [];
let panels: PanelHost[] = [];
beforeAll(async () => {
  server = await startUsageServer();
});
afterAll(() => server.close());
afterEach(async () => {
  for (const panel of panels) await panel.close();
  panels = [];
  for (const d of dirs) d.cleanup();
  dirs = [];
  server.requests.length = 0;
  server.byAccount.clear();
});

/** main has its own account; coder and artist share the team's (above the threshold); ops's plan is spent. */
function team(): { d: StateDir; secrets: string[] } {
  const shared = codexCredential({ accountId: 'acct-team', email: 'team@example.com', expiresInMs: 6 * DAY });
  const stores = {
    main: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-main', email: 'me@example.com', expiresInMs: 9 * DAY }) }),
    artist: storeDocument({ [PROFILE]: shared }),
    coder: storeDocument({ [PROFILE]: { ...shared } }),
    ops: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-ops', email: 'ops@example.com', expiresInMs: 8 * DAY }) }),
  };
  const d = stateUnderHome(makeStateDir({
    config: { agents: { list: [{ id: 'main', default: true, imageGenerationModel: 'openai/gpt-image-2' }, { id: 'artist', imageGenerationModel: 'openai/gpt-image-2' }, { id: 'coder' }, { id: 'ops' }] } },
    agents: Object.entries(stores).map(([id, store]) => ({ id, store })),
  }));
  Object.assign(d.env, { AUTHBAR_USAGE_URL: server.url });
  dirs.push(d);
  server.byAccount.set('acct-main', 'both').set('acct-team', 'high').set('acct-ops', 'exhausted');
  return { d, secrets: secretsIn(stores) };
}

async function open(d: StateDir, colorScheme: 'light' | 'dark' = 'light', scale = 1): Promise<PanelHost> {
  // The screenshots show the panel as users see it: no notes about the test's endpoints.
  const panel = await openPanel({ env: d.env, colorScheme, viewport: { width: 440, height: 760 }, scale, asUsersSeeIt: true });
  panels.push(panel);
  // The panel opening asks on demand (main/core/commands.ts); the host opens it without the command.
  await panel.controller.askUsage('demand');
  await expect.poll(() => panel.page.getByRole('meter').count(), { timeout: 15_000, interval: 50 }).toBe(8);
  return panel;
}

const row = (page: Page, agentId: string): Locator => page.locator(`[data-agent="local/${agentId}"]`);
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const meters = (scope: Locator) => scope.getByRole('meter').evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label'), e.getAttribute('aria-valuenow'), e.getAttribute('aria-valuetext')]));

if (missing) {
  it.skip(`usage panel tests skipped: ${why}`, () => {});
}

describe.skipIf(missing)('usage in the panel', () => {
  it('a meter per sign-in, the same on each row of the agents that share the account, with the plan and when each window resets', async () => {
    const { d } = team();
    const { page } = await open(d);
    expect(server.requests.map((r) => r.accountId).sort()).toEqual(['acct-main', 'acct-ops', 'acct-team']);
    expect(await text(row(page, 'main').locator('.usage-head'))).toBe('Plus plan');
    expect(await meters(row(page, 'main'))).toEqual([
      ['5-hour window used', '22', expect.stringMatching(RESETS_5H)],
      ['weekly window used', '61', expect.stringMatching(RESETS_WEEK)],
    ]);
    expect(await row(page, 'main').locator('.meter').first().innerText()).toMatch(/^5h\s+22%\s+resets in 3h 1[12]m$/);
    // One account, two rows: the same meter, each saying who else it counts for.
    expect(await meters(row(page, 'artist'))).toEqual(await meters(row(page, 'coder')));
    expect(await meters(row(page, 'artist'))).toEqual([
      ['5-hour window used', '30', expect.stringMatching(RESETS_5H)],
      ['weekly window used', '96', expect.stringMatching(RESETS_WEEK)],
    ]);
    expect(await text(row(page, 'artist').locator('.usage-head'))).toBe('Plus plan · shared with coder');
    expect(await row(page, 'artist').locator('.meter[data-window="Week"]').getAttribute('class')).toContain('meter-bad');
    // The row's first line follows readiness: above the threshold, and a reached plan limit.
    expect(await text(row(page, 'artist').locator('.readiness'))).toBe('Week window 96% used');
    expect(await text(row(page, 'ops').locator('.readiness'))).toMatch(/^Plan limit reached until today|tomorrow/);
    expect(await row(page, 'ops').locator('.readiness').getAttribute('data-readiness')).toBe('plan-limit');
    expect(await row(page, 'main').locator('.readiness').count()).toBe(0);
    // The bars are SVG geometry: still no inline style anywhere (the CSP refuses them).
    expect(await page.locator('[style]').count()).toBe(0);
  });

  it('says when the bars are an earlier answer\'s because the last ask failed', async () => {
    const { d } = team();
    const panel = await open(d);
    const state = panel.controller.state();
    const agents = state.report.agents.map((agent) => agent.id !== 'main' ? agent : {
      ...agent,
      profiles: agent.profiles.map((p) => ({ ...p, usage: { ...p.usage!, checkedAt: state.now - 2 * HOUR, error: { kind: 'transient' as const, cause: 'the usage endpoint could not be reached', fix: null, retryAfter: state.now + 5 * 60_000 } } })),
    });
    await panel.push({ ...state, report: { ...state.report, agents } });
    await expect.poll(() => text(row(panel.page, 'main').locator('.usage-head')), { timeout: 10_000 }).toBe('Plus plan · as of 2h ago');
    expect(await row(panel.page, 'main').locator('.usage-stale').getAttribute('title')).toBe('the usage endpoint could not be reached');
    expect(await text(row(panel.page, 'artist').locator('.usage-head'))).toBe('Plus plan · shared with coder');
  });

  it('is read by screen readers as meters in a named group, and leaves the keyboard path as it was', async () => {
    const { d } = team();
    const { page } = await open(d);
    const tree = await row(page, 'artist').ariaSnapshot();
    expect(tree).toContain('group "Plus plan · shared with coder"');
    expect(tree).toContain('meter "5-hour window used"');
    expect(tree).toContain('meter "weekly window used"');
    // Tab walks the buttons as before: the meters add no stops.
    const stops: string[] = [];
    await page.locator('body').focus();
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? document.activeElement?.tagName ?? ''));
    }
    expect(stops).toEqual(['refresh-all', 'settings-toggle', 'refresh:local/main', 'refresh:local/artist', 'refresh:local/coder', 'refresh:local/ops', 'BODY']);
  });

  it('never lets an access token reach the page, and saves the README\'s screenshots in light and dark', async () => {
    const { d, secrets } = team();
    for (const colorScheme of ['light', 'dark'] as const) {
      const panel = await open(d, colorScheme, 2);
      const { page } = panel;
      const seen = [await page.content(), ...panel.traffic].join('\n');
      expect(seen).toContain('"usedPercent":96');
      for (const secret of secrets) for (const part of [secret, secret.slice(0, 20), secret.slice(-20)]) expect(seen).not.toContain(part);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: screenshotPath(`panel-usage-${colorScheme}.png`), fullPage: true, animations: 'disabled' });
      await panel.close();
      panels = panels.filter((p) => p !== panel);
    }
    // Each account asked once per panel opening at most: the 5-minute floor holds across both.
    expect(server.requests).toHaveLength(3);
  });
});
