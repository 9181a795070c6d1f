// The real panel in a real Chromium, driven by a real Controller over temp OpenClaw state
// dirs and a loopback token server: what a user sees, clicks and hears.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PanelState } from '../../main/core/panel-api.ts';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import type { Settings } from '../../main/core/settings.ts';
import { CLI } from '../helpers/cli.ts';
import { CHROMIUM, openPanel, type PanelHost, type PanelOptions, stateUnderHome } from '../helpers/panel-host.ts';
import { requireChromium, requireSshd } from '../helpers/requirements.ts';
import { remoteAuthbar, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, type StateDirOptions, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';
import { screenshotPath } from '../helpers/screenshots.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PROFILE = 'openai-codex:default';

const { missing, why } = requireChromium(CHROMIUM);

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

/** A credential the token server knows, as a fresh `openclaw models auth login` leaves it. */
function signIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com` });
}

/** A credential whose refresh token the server already rotated away. */
function deadSignIn(accountId: string, expiresInMs: number) {
  const cred = signIn(accountId, expiresInMs);
  server.live.delete(cred.refresh);
  server.used.add(cred.refresh);
  return cred;
}

function state(options: StateDirOptions): StateDir {
  const d = makeStateDir(options);
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '3000' });
  dirs.push(d);
  return d;
}

async function open(d: StateDir, options: Omit<PanelOptions, 'env'> = {}): Promise<PanelHost> {
  const panel = await openPanel({ env: d.env, ...options });
  panels.push(panel);
  return panel;
}

const row = (page: Page, agentId: string, host = 'local'): Locator => page.locator(`[data-agent="${host}/${agentId}"]`);
const pillOf = (page: Page, agentId: string) => row(page, agentId).locator('.agent-head .pill');
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const pillText = async (page: Page, agentId: string) => (await text(pillOf(page, agentId))).replace(/^Status: /, '');
const eventually = (read: () => Promise<string>, timeout = 10_000) => expect.poll(read, { timeout, interval: 50 });
const focusedId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? null);
const settingsButton = (page: Page) => page.getByRole('button', { name: 'Settings', exact: true });

/** The panel of the screenshots: one of each thing the panel has to say. */
async function realisticTeam(options: { underHome?: boolean } = {}): Promise<StateDir> {
  const team = signIn('acct-team', 6 * DAY + 5 * HOUR);
  const research = deadSignIn('acct-research', 2 * DAY);
  const d = state({
    config: {
      agents: {
        list: [
          { id: 'main', default: true, imageGenerationModel: 'openai/gpt-image-2' },
          { id: 'artist', imageGenerationModel: { primary: 'openai/gpt-image-2' } },
          { id: 'coder' },
          { id: 'ops' },
          { id: 'research' },
          { id: 'stale' },
        ],
      },
    },
    agents: [
      { id: 'main', store: storeDocument({ [PROFILE]: team }) },
      { id: 'artist', store: storeDocument({ [PROFILE]: signIn('acct-artist', 42 * MINUTE + 30_000) }) },
      { id: 'coder', store: storeDocument({ [PROFILE]: { ...team } }) },
      { id: 'ops', store: storeDocument({ [PROFILE]: signIn('acct-ops', -3 * HOUR) }) },
      { id: 'research', store: storeDocument({ [PROFILE]: research }) },
      // An old hand-copied sign-in of the team's account, left behind by later rotations.
      { id: 'stale', store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-team', expiresInMs: -2 * HOUR, email: 'acct-team@example.com' }) }) },
      { id: 'old-bot', configured: false, store: storeDocument({ [PROFILE]: signIn('acct-old', 4 * DAY) }) },
    ],
  });
  // Where a user keeps it (for the screenshots): the footer then reads ~/.openclaw, not a test temp path.
  if (options.underHome) stateUnderHome(d);
  // A refresh met refresh_token_reused: AuthBar now knows research must sign in again.
  const failed = await refreshAgents({ env: d.env, agents: ['research'] });
  expect(failed.results[0]).toMatchObject({ outcome: 'failed', failureKind: 'needs-login' });
  return d;
}

if (missing) {
  it.skip(`panel tests skipped: ${why}`, () => {});
}

describe.skipIf(missing)('the panel', () => {
  it('draws a row per agent with its pill, countdown, local expiry, image-gen badge and shared note; directory-only agents apart', async () => {
    const shared = signIn('acct-1', 5 * DAY);
    const d = state({
      imageGenerationModel: 'openai/gpt-image-2',
      agents: [
        { id: 'fresh', store: storeDocument({ [PROFILE]: shared }) },
        { id: 'twin', store: storeDocument({ [PROFILE]: { ...shared } }) },
        { id: 'soon', store: storeDocument({ [PROFILE]: signIn('acct-2', 2 * HOUR) }) },
        { id: 'gone', store: storeDocument({ [PROFILE]: signIn('acct-3', -HOUR) }) },
        { id: 'ghost', configured: false, store: storeDocument({ [PROFILE]: signIn('acct-4', 3 * DAY) }) },
      ],
    });
    const { page } = await open(d);

    expect(await pillText(page, 'fresh')).toBe('ok');
    expect(await pillText(page, 'soon')).toBe('expiring');
    expect(await pillText(page, 'gone')).toBe('expired');
    expect(await pillText(page, 'ghost')).toBe('ok');
    expect(await text(row(page, 'fresh').locator('.expiry .countdown'))).toMatch(/^in 4d 23h$/);
    expect(await text(row(page, 'gone').locator('.expiry .countdown'))).toMatch(/^(1h|59m \d{1,2}s) ago$/);
    const datetime = await row(page, 'soon').locator('time').getAttribute('datetime');
    expect(Math.abs(Date.parse(datetime!) - (Date.now() + 2 * HOUR))).toBeLessThan(60_000);
    expect(await text(row(page, 'soon').locator('time'))).toMatch(/^(today|tomorrow) \d{1,2}:\d{2}/);
    expect(await text(row(page, 'fresh').locator('.badge'))).toBe('image gen');
    expect(await text(row(page, 'gone').locator('.badge'))).toBe('image gen at risk');
    expect(await text(row(page, 'fresh').locator('.note-shared'))).toBe('Shared with twin');
    expect(await text(row(page, 'fresh').locator('.email'))).toBe('acct-1@example.com');

    // Rows are a list with a heading each, in two labelled sections.
    const configured = page.locator('.agents-section:not(.is-directory-only)');
    expect(await text(configured.locator('.section-title'))).toBe('Agents');
    expect(await configured.locator('li h3').allTextContents()).toEqual(['fresh', 'twin', 'soon', 'gone']);
    const apart = page.locator('.agents-section.is-directory-only');
    expect(await text(apart.locator('.section-title'))).toBe('Not in openclaw.json');
    expect(await apart.locator('li h3').allTextContents()).toEqual(['ghost']);
    expect(await text(page.locator('.subtitle'))).toMatch(/^5 agents · checked today /);
    // One group, so no host headings.
    expect(await page.locator('.host').count()).toBe(0);
  });

  // Found by an attack review: a store's text drawn as stored could reorder itself (U+202E) into
  // another name, or hide characters.
  it('draws a store\'s text without bidi overrides, controls or invisible marks', async () => {
    const id = 'openai-codex:\u202ekrow\u200b\x1b[2J';
    const d = state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 3 * DAY), [id]: signIn('acct-2', 3 * DAY) }) }] });
    const { page } = await open(d);
    const shown = await page.locator('.profile-id .mono').allTextContents();
    expect(shown).toEqual(expect.arrayContaining(['openai-codex:krow[2J']));
    expect(shown.join('')).not.toMatch(/[\u202e\u200b\x1b]/);
  });

  it('ticks a countdown every second within the hour', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 30 * MINUTE) }) }] });
    const { page } = await open(d);
    const countdown = row(page, 'main').locator('.expiry .countdown');
    const first = await text(countdown);
    expect(first).toMatch(/^in 29m \d{1,2}s$/);
    // Waits for the tick itself, however long a loaded machine takes to draw it.
    await expect.poll(() => text(countdown), { timeout: 10_000, interval: 50 }).not.toBe(first);
    expect(await text(countdown)).toMatch(/^in 29m \d{1,2}s$/);
  });

  it('Refresh rotates the sign-in; the row shows the new expiry and what happened, and the live region says it', async () => {
    const d = state({ agents: [{ id: 'soon', store: storeDocument({ [PROFILE]: signIn('acct-1', 2 * HOUR) }) }] });
    const { page } = await open(d);
    expect(await pillText(page, 'soon')).toBe('expiring');
    await page.getByRole('button', { name: 'Refresh soon' }).click();

    await eventually(() => text(row(page, 'soon').locator('.result'))).toBe('Refreshed, expires in 9d 23h');
    await eventually(() => pillText(page, 'soon')).toBe('ok');
    expect(await text(row(page, 'soon').locator('.expiry .countdown'))).toBe('in 9d 23h');
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(d.readStore('soon').profiles[PROFILE].expires).toBeGreaterThan(Date.now() + 9 * DAY);
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
    expect(await text(page.locator('#announcer'))).toContain('soon: Refreshed, expires in 9d 23h');
  });

  it('Refresh all shows every agent refreshing, then each row\'s own outcome', async () => {
    const ids = ['alpha', 'beta', 'gamma'];
    const d = state({ agents: ids.map((id, i) => ({ id, store: storeDocument({ [PROFILE]: signIn(`acct-${id}`, (i + 1) * HOUR) }) })) });
    const { page } = await open(d);
    // The endpoint holds its answers until the panel has been seen refreshing all three.
    let seen: () => void = () => undefined;
    const panelSawIt = new Promise<void>((resolve) => (seen = resolve));
    server.queue({ until: panelSawIt }, { until: panelSawIt }, { until: panelSawIt });
    await page.getByRole('button', { name: 'Refresh all agents' }).click();

    for (const id of ids) await eventually(() => text(row(page, id).locator('.activity'))).toBe('Refreshing…');
    expect(await text(page.locator('.subtitle'))).toBe('Refreshing 3 agents…');
    expect(await page.getByRole('button', { name: 'Refresh all agents' }).getAttribute('aria-disabled')).toBe('true');
    expect(await row(page, 'alpha').getByRole('button', { name: 'Refresh alpha' }).getAttribute('aria-disabled')).toBe('true');
    seen();

    for (const id of ids) {
      await eventually(() => text(row(page, id).locator('.activity'))).toBe('Refreshed, expires in 9d 23h');
      await eventually(() => pillText(page, id)).toBe('ok');
    }
    expect(await page.locator('.activity.is-busy').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Refresh all agents' }).getAttribute('aria-disabled')).toBeNull();
    expect(server.requests.filter((r) => r.outcome === 'rotated')).toHaveLength(3);
  });

  it('a rejected sign-in shows its cause and the login command, and Copy puts exactly that command on the clipboard', async () => {
    const d = state({ agents: [{ id: 'writer', store: storeDocument({ [PROFILE]: deadSignIn('acct-1', 2 * HOUR) }) }] });
    const panel = await open(d);
    const { page } = panel;
    await page.getByRole('button', { name: 'Refresh writer' }).click();

    const command = 'openclaw models auth --agent writer login --provider openai-codex';
    await eventually(() => pillText(page, 'writer')).toBe('needs-login');
    await eventually(() => text(row(page, 'writer').locator('.fix-command code'))).toBe(command);
    expect(await text(row(page, 'writer').locator('.note-bad'))).toMatch(/refresh_token_reused/);
    expect(await text(row(page, 'writer').locator('.result-bad'))).toMatch(/^Failed: .*refresh_token_reused/);

    const copy = page.getByRole('button', { name: 'Copy the fix command for writer' });
    await copy.click();
    await eventually(() => text(copy)).toBe('Copied');
    expect(panel.copied).toEqual([command]);
    expect(await text(page.locator('#announcer'))).toContain('Copied the fix command for writer');
  });

  it('a stranded copy shows where the newer sign-in is, and Sync fixes it without a token request', async () => {
    const live = signIn('acct-1', 6 * DAY);
    const d = state({
      agents: [
        { id: 'main', store: storeDocument({ [PROFILE]: live }) },
        { id: 'stale', store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-1', expiresInMs: -2 * HOUR }) }) },
      ],
    });
    const { page } = await open(d);
    expect(await text(row(page, 'stale').locator('.stranded .note'))).toBe('Probably stranded: newer sign-in in main');
    expect(await row(page, 'main').locator('.stranded').count()).toBe(0);

    await row(page, 'stale').getByRole('button', { name: 'Sync stale from main' }).click();
    await eventually(() => text(row(page, 'stale').locator('.result'))).toBe('Synced from main, expires in 5d 23h');
    await eventually(() => pillText(page, 'stale')).toBe('ok');
    expect(await row(page, 'stale').locator('.stranded').count()).toBe(0);
    expect(d.readStore('stale').profiles[PROFILE].refresh).toBe(live.refresh);
    expect(server.requests).toHaveLength(0);
  });

  it('an unreadable store shows its error and the fix, offers its folder, and offers no Refresh', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 3 * DAY) }) }, { id: 'broken', store: '{ "version": 1, "profiles": ' }] });
    const panel = await open(d);
    const { page } = panel;
    expect(await pillText(page, 'broken')).toBe('unreadable');
    const error = await text(row(page, 'broken').locator('.note-bad'));
    expect(error).toContain(d.storePath('broken'));
    const report = panel.controller.getReport()!.agents.find((a) => a.id === 'broken')!;
    expect(error).toContain(report.error!);
    expect(await text(row(page, 'broken').locator('.fix-command code'))).toBe(report.fix!);
    expect(await row(page, 'broken').getByRole('button', { name: 'Refresh broken' }).count()).toBe(0);
    await row(page, 'broken').getByRole('button', { name: 'Open broken\'s folder' }).click();
    await expect.poll(() => panel.opened).toEqual([d.storePath('broken')]);
  });

  it('with no agents, names the directory it read and how to point AuthBar elsewhere', async () => {
    // With a state dir OpenClaw always has an implicit agent main: empty means no state dir.
    const d = state({ agents: [] });
    const nowhere = join(d.root, 'no-openclaw-here');
    const panel = await openPanel({ env: { ...d.env, OPENCLAW_STATE_DIR: nowhere } });
    panels.push(panel);
    const { page } = panel;
    const empty = page.locator('.empty');
    expect(await text(empty.locator('h2'))).toBe('No OpenClaw agents found');
    expect(await text(empty.locator('code.path'))).toBe(nowhere);
    expect(await text(empty)).toContain('OPENCLAW_STATE_DIR=/path/to/.openclaw');
    expect(await page.getByRole('button', { name: 'Refresh all agents' }).count()).toBe(0);
  });

  it('shows a config error and warnings at the top', async () => {
    const d = state({ configText: '{ agents: { list: [ { id: "main" ', agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 3 * DAY) }) }] });
    const panel = await open(d);
    const notices = panel.page.locator('.notices');
    const first = await text(notices.locator('li').first());
    expect(first).toContain(join(d.stateDir, 'openclaw.json'));
    expect(first).toContain('showing agents found on disk only');
    const report = panel.controller.state().report;
    expect(await notices.locator('li').count()).toBe(1 + report.warnings.length);
    // The notices come before the agents.
    const order = await panel.page.evaluate(() => [...document.querySelectorAll('.notices, .agents-view')].map((e) => e.className));
    expect(order).toEqual(['notices', 'agents-view']);
  });

  it('is usable from the keyboard: Tab walks Refresh all, Settings, then each row\'s Refresh, Enter activates, focus is visible', async () => {
    const d = state({
      agents: [
        { id: 'alpha', store: storeDocument({ [PROFILE]: signIn('acct-a', 2 * HOUR) }) },
        { id: 'beta', store: storeDocument({ [PROFILE]: signIn('acct-b', 3 * HOUR) }) },
      ],
    });
    const { page } = await open(d);
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.focus ?? document.activeElement?.tagName ?? null);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('refresh-all');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('settings-toggle');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('refresh:local/alpha');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('refresh:local/beta');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('refresh:local/alpha');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');

    await page.keyboard.press('Enter');
    await eventually(() => text(row(page, 'alpha').locator('.result'))).toBe('Refreshed, expires in 9d 23h');
    // Redraws keep the keyboard where it was.
    expect(await focused()).toBe('refresh:local/alpha');
    expect(await row(page, 'beta').locator('.result').count()).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('a notification\'s focus request scrolls to the agent\'s row, focuses and highlights it', async () => {
    const agents = Array.from({ length: 12 }, (_, i) => ({ id: `agent-${i}`, store: storeDocument({ [PROFILE]: signIn(`acct-${i}`, (i + 2) * DAY) }) }));
    const panel = await open(stateWith(agents), { viewport: { width: 440, height: 400 } });
    const { page } = panel;
    await panel.focus({ host: 'local', agentId: 'agent-11' });
    const target = row(page, 'agent-11');
    await eventually(async () => String(await target.evaluate((el) => el.classList.contains('is-highlighted') && document.activeElement === el))).toBe('true');
    expect(await target.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBeGreaterThan(0);
    const box = await target.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(400);
  });

  it('groups rows by host when there is more than one, greying a host last seen a while ago', async () => {
    const dir = state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 3 * DAY) }) }] });
    const panel = await open(dir);
    // The controller knows only this computer (remote hosts are not in this build): give the
    // panel the state a host "studio" would add, seen 5 minutes ago.
    const base = panel.controller.state();
    const remote = base.report.agents.map((a) => ({ ...a, host: 'studio', profiles: a.profiles.map((p) => ({ ...p })) }));
    await panel.push({ ...base, report: { ...base.report, agents: [...base.report.agents, ...remote] }, lastSeen: { studio: Date.now() - 5 * MINUTE }, now: Date.now() });
    const { page } = panel;
    await eventually(() => page.locator('.host-name').allTextContents().then((t) => t.join('|'))).toBe('This computer|studio');
    const studio = page.locator('.host[data-host="studio"]');
    expect(await studio.getAttribute('class')).toContain('is-stale');
    expect(await text(studio.locator('.last-seen'))).toBe('last seen 5 min ago');
    expect(await page.locator('.host[data-host="local"]').getAttribute('class')).not.toContain('is-stale');
    expect(await row(page, 'main', 'studio').locator('h4').textContent()).toBe('main');
  });

  it('never lets a token reach the page: not in the DOM, not in a request, an answer or a pushed state', async () => {
    const d = await realisticTeam();
    const panel = await open(d);
    const { page } = panel;
    const seen: string[] = [];
    const secrets = new Set<string>();
    const collect = async () => {
      seen.push(await page.content());
      for (const id of ['main', 'artist', 'coder', 'ops', 'research', 'stale', 'old-bot']) for (const s of secretsIn(d.readStore(id))) secrets.add(s);
      for (const s of [...server.used, ...server.live.keys()]) secrets.add(s);
    };
    await collect();
    await page.getByRole('button', { name: 'Refresh all agents' }).click();
    await eventually(async () => String(await page.locator('.activity.is-busy').count() === 0 && await row(page, 'ops').locator('.result').count() > 0)).toBe('true');
    await collect();
    await page.getByRole('button', { name: 'Copy the fix command for research' }).click();
    await eventually(() => text(row(page, 'research').locator('.btn-copy'))).toBe('Copied');
    await collect();

    expect(secrets.size).toBeGreaterThan(10);
    expect(panel.traffic.some((t) => t.includes('"push":"authbar:state"'))).toBe(true);
    expectNoToken([...seen, ...panel.traffic, ...panel.copied].join('\n'), secrets);
  });

  it('enforces its Content-Security-Policy: inline scripts and styles and network requests are refused', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 3 * DAY) }) }] });
    const { page } = await open(d);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'",
    );
    // (Playwright's own evaluate may eval by design, so eval is not what is probed here.)
    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      // Each refusal is reported by an event: wait for the three, never for a set time.
      let allReported: () => void = () => undefined;
      const reported = new Promise<void>((resolve) => (allReported = resolve));
      document.addEventListener('securitypolicyviolation', (e) => {
        violations.push(e.effectiveDirective);
        if (['script-src-elem', 'style-src-elem', 'connect-src'].every((d) => violations.includes(d))) allReported();
      });
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { display: none }';
      document.head.append(style);
      let fetchError = '';
      try {
        await fetch('http://127.0.0.1:9/');
      } catch (error) {
        fetchError = (error as Error).name;
      }
      await reported;
      return {
        ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
        hidden: getComputedStyle(document.body).display === 'none',
        violations,
        fetchError,
      };
    });
    expect(outcome.ran).toBe(false);
    expect(outcome.hidden).toBe(false);
    expect(outcome.violations).toEqual(expect.arrayContaining(['script-src-elem', 'style-src-elem', 'connect-src']));
    expect(outcome.fetchError).toBe('TypeError');
    // And the panel itself needs none of it: no inline style attributes anywhere.
    expect(await page.locator('[style]').count()).toBe(0);
  });

  it('saves screenshots of a realistic panel and its Settings in light and dark', async () => {
    const d = await realisticTeam({ underHome: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      // As users see it: without the notes about the test's own endpoints (AUTHBAR_TOKEN_URL, AUTHBAR_USAGE_URL).
      const panel = await open(d, { colorScheme, viewport: { width: 440, height: 760 }, scale: 2, asUsersSeeIt: true });
      const { page } = panel;
      // One refresh, so the picture shows what an outcome looks like (main and coder share it).
      await page.getByRole('button', { name: 'Refresh main' }).click();
      await eventually(() => text(row(page, 'main').locator('.result'))).toBe('Refreshed, expires in 9d 23h; also updated coder');
      await eventually(() => text(row(page, 'coder').locator('.expiry .countdown'))).toBe('in 9d 23h');
      await page.mouse.move(0, 0);
      expect(await pillText(page, 'research')).toBe('needs-login');
      expect(await pillText(page, 'artist')).toBe('expiring');
      expect(await pillText(page, 'ops')).toBe('expired');
      expect(await text(row(page, 'stale').locator('.stranded .note'))).toBe('Probably stranded: newer sign-in in main');
      expect(await text(row(page, 'main').locator('.badge'))).toBe('image gen');
      await eventually(async () => String(await page.locator('.notices').count())).toBe('0');
      // The state dir under the user's home, as a shell writes it: no test temp path in the picture.
      expect(await text(page.locator('footer.footer'))).toBe('OpenClaw state: ~/.openclaw');
      expect(await page.content()).not.toContain(d.root);
      await page.screenshot({ path: screenshotPath(`panel-${colorScheme}.png`), fullPage: true, animations: 'disabled' });

      await settingsButton(page).click();
      await page.locator('#settings').waitFor();
      const withRemote = withHosts(panel.controller.state());
      await panel.push(withRemote);
      await eventually(async () => String(await page.locator('[data-host-item]').count())).toBe('2');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: screenshotPath(`panel-settings-${colorScheme}.png`), fullPage: true, animations: 'disabled' });
      await panel.close();
      panels = panels.filter((p) => p !== panel);
    }
  });
});

async function openSettings(page: Page): Promise<Locator> {
  await settingsButton(page).click();
  const view = page.locator('#settings');
  await view.waitFor();
  return view;
}

const settingsOnDisk = (d: StateDir): Settings => JSON.parse(readFileSync(join(d.authbarHome, 'settings.json'), 'utf8'));
/** The requests the page sent on one channel. */
const requests = (panel: PanelHost, channel: string) => panel.traffic.map((t) => JSON.parse(t)).filter((t) => t.invoke === channel);
/** A host ssh gives up on at once: its config file does not exist. */
const deadHost = (d: StateDir, name = 'vps') => ({ name, destination: 'nobody@127.0.0.1', sshConfig: join(d.root, 'no-such-ssh-config') });
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe.skipIf(missing)('the Settings view', () => {
  const oneAgent = () => state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 3 * DAY) }) }] });

  it('opens from the gear in the header with the keyboard; Escape brings the agents back', async () => {
    const panel = await open(oneAgent());
    const { page, controller } = panel;
    const gear = settingsButton(page);
    expect(await gear.getAttribute('aria-expanded')).toBe('false');
    expect(await gear.getAttribute('aria-controls')).toBe('settings');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('settings-toggle');
    await page.keyboard.press('Enter');
    const view = page.locator('#settings');
    await view.waitFor();
    expect(await gear.getAttribute('aria-expanded')).toBe('true');
    expect(await focusedId(page)).toBe('settings-toggle');
    expect(await page.locator('.agents-view').count()).toBe(0);
    expect(await view.getAttribute('aria-labelledby')).toBe('settings-title');
    expect(await view.locator('h3').allTextContents()).toEqual(['Notifications', 'Refresh and start-up', 'Remote hosts']);
    // Strict CSP holds here too: no inline style anywhere.
    expect(await page.locator('[style]').count()).toBe(0);

    // Into the view: the checkbox, then the lead times (one tab stop, arrows choose).
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('setting-notify');
    await page.keyboard.press('Space');
    await expect.poll(() => controller.getSettings().notifications.enabled).toBe(false);
    await eventually(async () => String(await page.getByRole('checkbox', { name: 'Notify before sign-ins expire' }).isChecked())).toBe('false');
    expect(await focusedId(page)).toBe('setting-notify');
    await page.keyboard.press('Space');
    await expect.poll(() => controller.getSettings().notifications.enabled).toBe(true);
    await eventually(async () => String(await page.getByRole('radio', { name: 'At expiry only' }).isDisabled())).toBe('false');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('setting-lead-1440-60-0');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => controller.getSettings().notifications.leadTimesMinutes).toEqual([60, 0]);
    await eventually(async () => String(await page.getByRole('radio', { name: '1 h and at expiry', exact: true }).isChecked())).toBe('true');
    expect(await focusedId(page)).toBe('setting-lead-60-0');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');

    await page.keyboard.press('Escape');
    await page.locator('.agents-view').waitFor();
    expect(await gear.getAttribute('aria-expanded')).toBe('false');
    expect(await focusedId(page)).toBe('settings-toggle');
    expect(await page.locator('#settings').count()).toBe(0);

    // A clicked notification asks for an agent: it is shown even from Settings.
    await gear.click();
    await view.waitFor();
    await panel.focus({ host: 'local', agentId: 'main' });
    await eventually(async () => String(await row(page, 'main').evaluate((el) => document.activeElement === el))).toBe('true');
    expect(await gear.getAttribute('aria-expanded')).toBe('false');
  });

  it('"Install command-line tool" writes the launcher through the app and shows what it did; a foreign file is refused and kept', async () => {
    const d = oneAgent();
    const launcher = join(d.env.HOME!, '.local', 'bin', 'authbar');
    const panel = await open(d, { launcherExecutable: '/opt/AuthBar/authbar-app' });
    const { page } = panel;
    await settingsButton(page).click();
    const button = page.getByRole('button', { name: 'Install command-line tool' });
    await button.click();
    const hint = page.locator('#install-cli-hint');
    await eventually(() => text(hint)).toMatch(/^Installed authbar in .*\/\.local\/bin; add it to your PATH/);
    expect(readFileSync(launcher, 'utf8')).toContain(`exec '/opt/AuthBar/authbar-app' '--ozone-platform=headless' '--disable-gpu' '--cli' "$@"`);
    expect(await text(page.locator('#announcer'))).toContain('Installed authbar in');
    expect(panel.traffic.some((t) => t.includes('"invoke":"authbar:install-cli"'))).toBe(true);

    writeFileSync(launcher, '#!/bin/sh\necho mine\n');
    await button.click();
    await eventually(() => text(page.locator('#announcer'))).toMatch(/Could not install the command-line tool: .* exists and is not AuthBar's launcher; move it away/);
    expect(readFileSync(launcher, 'utf8')).toBe('#!/bin/sh\necho mine\n');
  });

  it('each checkbox and lead time changes the settings, in the controller and in settings.json, and shows what was saved', async () => {
    const d = oneAgent();
    const panel = await open(d);
    const { page, controller } = panel;
    await openSettings(page);
    const box = (name: string) => page.getByRole('checkbox', { name, exact: true });
    const radio = (name: string) => page.getByRole('radio', { name, exact: true });
    const isChecked = (control: Locator) => async () => String(await control.isChecked());

    // The defaults, drawn from the state.
    expect(await box('Notify before sign-ins expire').isChecked()).toBe(true);
    expect(await radio('24 h, 1 h and at expiry').isChecked()).toBe(true);
    expect(await box('Keep tokens fresh (refresh 30 min before expiry)').isChecked()).toBe(false);
    expect(await box('Keep copies in sync').isChecked()).toBe(true);
    expect(await box('Start at login').isChecked()).toBe(false); // asked on the first launch, never assumed

    const steps: Array<{ control: Locator; read: (s: Settings) => unknown; want: unknown; checked: boolean }> = [
      { control: radio('1 h and at expiry'), read: (s) => s.notifications, want: { enabled: true, leadTimesMinutes: [60, 0] }, checked: true },
      { control: radio('At expiry only'), read: (s) => s.notifications, want: { enabled: true, leadTimesMinutes: [0] }, checked: true },
      { control: radio('24 h, 1 h and at expiry'), read: (s) => s.notifications, want: { enabled: true, leadTimesMinutes: [1440, 60, 0] }, checked: true },
      { control: box('Notify before sign-ins expire'), read: (s) => s.notifications, want: { enabled: false, leadTimesMinutes: [1440, 60, 0] }, checked: false },
      { control: box('Keep tokens fresh (refresh 30 min before expiry)'), read: (s) => s.keepFresh, want: { enabled: true, minutesBefore: 30 }, checked: true },
      { control: box('Keep copies in sync'), read: (s) => s.keepCopiesInSync, want: false, checked: false },
      { control: box('Start at login'), read: (s) => s.startAtLogin, want: true, checked: true },
    ];
    for (const step of steps) {
      await step.control.click();
      await expect.poll(() => step.read(controller.getSettings())).toEqual(step.want);
      expect(step.read(settingsOnDisk(d))).toEqual(step.want);
      await eventually(isChecked(step.control)).toBe(String(step.checked));
    }
    expect(requests(panel, 'authbar:set-settings').map((r) => r.payload)).toEqual([
      { notifications: { enabled: true, leadTimesMinutes: [60, 0] } },
      { notifications: { enabled: true, leadTimesMinutes: [0] } },
      { notifications: { enabled: true, leadTimesMinutes: [1440, 60, 0] } },
      { notifications: { enabled: false, leadTimesMinutes: [1440, 60, 0] } },
      { keepFresh: { enabled: true, minutesBefore: 30 } },
      { keepCopiesInSync: false },
      { startAtLogin: true },
    ]);
    // With notifications off, when to notify is moot.
    expect(await radio('At expiry only').isDisabled()).toBe(true);

    // The state is the truth: a change made elsewhere (the tray, the CLI) shows at once.
    await controller.updateSettings({ startAtLogin: false, keepFresh: { enabled: true, minutesBefore: 45 }, notifications: { enabled: true, leadTimesMinutes: [120, 0] } });
    await eventually(isChecked(box('Start at login'))).toBe('false');
    expect(await box('Keep tokens fresh (refresh 45 min before expiry)').isChecked()).toBe(true);
    expect(await radio('2 h, at expiry (from settings.json)').isChecked()).toBe(true);
    expect(await page.getByRole('radio').evaluateAll((radios) => radios.filter((r) => (r as HTMLInputElement).checked).length)).toBe(1);
  });

  it('adds a host through the form: it lands in the settings and the list, and its group says why it cannot be reached', async () => {
    const d = oneAgent();
    const panel = await open(d);
    const { page, controller } = panel;
    const view = await openSettings(page);
    expect(await text(view.locator('.settings-empty'))).toContain('No remote hosts yet');
    expect(await text(view.locator('.settings-note'))).toContain('Nothing to install there: AuthBar copies itself into ~/.cache/authbar');
    expect(await field(page, 'Remote command (optional)').getAttribute('placeholder')).toBe('authbar');

    const host = deadHost(d);
    await field(page, 'Name').fill(host.name);
    await field(page, 'Destination').fill(host.destination);
    await field(page, 'SSH config file (optional)').fill(host.sshConfig);
    await field(page, 'SSH config file (optional)').press('Enter');

    await expect.poll(() => controller.getSettings().hosts).toEqual([host]);
    expect(settingsOnDisk(d).hosts).toEqual([host]);
    expect(requests(panel, 'authbar:add-host').map((r) => r.payload)).toEqual([host]);
    const item = view.locator('[data-host-item="vps"]');
    await item.waitFor();
    expect(await text(item.locator('h4'))).toBe('vps');
    expect(await item.locator('dt, dd').allTextContents()).toEqual(['Destination', 'nobody@127.0.0.1', 'SSH config', host.sshConfig]);
    // Ready for the next one.
    await eventually(() => field(page, 'Name').inputValue()).toBe('');
    expect(await text(page.locator('#announcer'))).toContain('Added vps');

    // ssh cannot start without its config file: the host is unreachable, in ssh's own words.
    await eventually(() => text(item.locator('.note-bad'))).toMatch(/^host vps \(nobody@127\.0\.0\.1\) is unreachable: .*no-such-ssh-config/);
    expect(await text(item.locator('.pill'))).toBe('unreachable');
    await settingsButton(page).click();
    const group = page.locator('.host[data-host="vps"]');
    await group.waitFor();
    expect(await page.locator('.host-name').allTextContents()).toEqual(['This computer', 'vps']);
    expect(await text(group.locator('.host-error'))).toMatch(/^host vps \(nobody@127\.0\.0\.1\) is unreachable: .*no-such-ssh-config/);
    expect(await group.getAttribute('class')).toContain('is-stale');
    // Said with its host, not again among the warnings at the top.
    // (The test's loopback token endpoint is the one notice there.)
    expect((await page.locator('.notices').allTextContents()).join(' ')).not.toContain('vps');
  });

  it('an invalid host shows each field\'s error, tied to the field, and sends nothing', async () => {
    const panel = await open(oneAgent());
    const { page } = panel;
    await openSettings(page);
    const name = field(page, 'Name');
    const destination = field(page, 'Destination');
    await name.fill('my vps!');
    await destination.fill('-oProxyCommand=evil');
    await page.getByRole('button', { name: 'Add host' }).click();

    await eventually(async () => String(await name.getAttribute('aria-invalid'))).toBe('true');
    expect(await destination.getAttribute('aria-invalid')).toBe('true');
    expect(await name.getAttribute('aria-describedby')).toBe('host-name-hint host-name-error');
    expect(await destination.getAttribute('aria-describedby')).toBe('host-destination-hint host-destination-error');
    expect(await text(page.locator('#host-name-error'))).toBe('Use letters, digits and . _ - only, starting with a letter or digit.');
    expect(await text(page.locator('#host-destination-error'))).toBe('It cannot start with “-” (ssh would read it as an option).');
    // The keyboard is taken to the first field to fix.
    expect(await focusedId(page)).toBe('host-name');
    expect(requests(panel, 'authbar:add-host')).toHaveLength(0);
    expect(panel.controller.getSettings().hosts).toEqual([]);

    // Put right as it is typed: that error goes, the other field keeps its text and its error.
    await name.fill('vps');
    await eventually(async () => String(await page.locator('#host-name-error').count())).toBe('0');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await name.getAttribute('aria-describedby')).toBe('host-name-hint');
    expect(await focusedId(page)).toBe('host-name');
    expect(await destination.inputValue()).toBe('-oProxyCommand=evil');
    expect(await page.locator('#host-destination-error').count()).toBe(1);
    expect(requests(panel, 'authbar:add-host')).toHaveLength(0);
  });

  it('a name in use shows the app\'s refusal and keeps what was typed', async () => {
    const d = oneAgent();
    const panel = await open(d);
    await panel.controller.addHost(deadHost(d));
    const { page } = panel;
    const view = await openSettings(page);
    await field(page, 'Name').fill('vps');
    await field(page, 'Destination').fill('me@other.example');
    await page.getByRole('button', { name: 'Add host' }).click();

    const refusal = view.locator('#add-host-error');
    await eventually(() => text(refusal)).toBe('Could not add vps: a host named vps exists already; remove it first');
    expect(await view.locator('form').getAttribute('aria-describedby')).toBe('add-host-error');
    expect(await text(page.locator('#announcer'))).toContain('Could not add vps: a host named vps exists already');
    expect(requests(panel, 'authbar:add-host')).toHaveLength(1);
    expect(panel.controller.getSettings().hosts.map((h) => h.destination)).toEqual(['nobody@127.0.0.1']);
    expect(await field(page, 'Destination').inputValue()).toBe('me@other.example');
    expect(await page.getByRole('button', { name: 'Add host' }).getAttribute('aria-disabled')).toBeNull();
    // Editing answers it.
    await field(page, 'Name').fill('vps-2');
    await eventually(async () => String(await refusal.count())).toBe('0');
  });

  it('removes a host after an inline "Remove vps?", never a dialog', async () => {
    const d = oneAgent();
    const panel = await open(d);
    const { page, controller } = panel;
    await controller.addHost(deadHost(d));
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    const view = await openSettings(page);
    const item = view.locator('[data-host-item="vps"]');
    const question = item.getByRole('group', { name: 'Remove vps?' });

    await item.getByRole('button', { name: 'Remove vps' }).click();
    await question.waitFor();
    expect(await question.getByRole('button').allTextContents()).toEqual(['Yes', 'No']);
    // The safe answer has the keyboard; Escape answers No (and leaves Settings open).
    expect(await focusedId(page)).toBe('remove-no:vps');
    await page.keyboard.press('Escape');
    await eventually(async () => String(await question.count())).toBe('0');
    expect(await focusedId(page)).toBe('remove:vps');
    expect(await page.locator('#settings').count()).toBe(1);
    await page.keyboard.press('Enter');
    await question.getByRole('button', { name: 'No' }).click();
    await eventually(async () => String(await question.count())).toBe('0');
    expect(controller.getSettings().hosts).toHaveLength(1);
    expect(requests(panel, 'authbar:remove-host')).toHaveLength(0);

    await item.getByRole('button', { name: 'Remove vps' }).click();
    await question.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => controller.getSettings().hosts).toEqual([]);
    expect(settingsOnDisk(d).hosts).toEqual([]);
    await eventually(async () => String(await view.locator('[data-host-item]').count())).toBe('0');
    expect(await text(view.locator('.settings-empty'))).toContain('No remote hosts yet');
    expect(await text(page.locator('#announcer'))).toContain('Removed vps');
    expect(await focusedId(page)).toBe('group:hosts');
    expect(requests(panel, 'authbar:remove-host').map((r) => r.payload)).toEqual([{ name: 'vps' }]);
    expect(dialogs).toEqual([]);
  });

  it.skipIf(requireSshd().missing)('a host that stops answering keeps its rows, greyed under its error, with Refresh and Sync off until it is back', async () => {
    const sshd = await startSshd();
    try {
      const shared = signIn('acct-vps', 2 * DAY);
      const vps = state({
        agents: [
          { id: 'main', store: storeDocument({ [PROFILE]: shared }) },
          { id: 'stale', store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-vps', expiresInMs: -2 * HOUR }) }) },
        ],
      });
      // The "server" is this machine through sshd, running AuthBar's own bundled CLI.
      const remoteCommand = remoteAuthbar(vps.root, CLI, { AUTHBAR_HOME: vps.authbarHome, AUTHBAR_TOKEN_URL: server.url });
      const panel = await open(oneAgent());
      const { page, controller } = panel;
      await controller.addHost({ name: 'studio', destination: sshd.destination, sshConfig: sshd.sshConfig, stateDir: vps.stateDir, remoteCommand });

      const refresh = row(page, 'main', 'studio').getByRole('button', { name: 'Refresh main' });
      const sync = row(page, 'stale', 'studio').getByRole('button', { name: 'Sync stale from main' });
      await eventually(async () => String(await refresh.count() + await sync.count()), 20_000).toBe('2');
      expect(await refresh.getAttribute('aria-disabled')).toBeNull();
      const group = page.locator('.host[data-host="studio"]');
      expect(await group.getAttribute('class')).not.toContain('is-stale');

      await sshd.stop();
      await eventually(async () => String(await group.getAttribute('class')), 20_000).toContain('is-stale');
      expect(await text(group.locator('.host-error'))).toMatch(/^host studio \(authbar-test\) is unreachable/);
      expect(await text(group.locator('.host-head .pill'))).toBe('unreachable');
      expect(await text(group.locator('.last-seen'))).toMatch(/^last seen (just now|1 min ago)$/);
      for (const button of [refresh, sync]) {
        expect(await button.getAttribute('aria-disabled')).toBe('true');
        expect(await button.getAttribute('title')).toBe('studio is not answering: Refresh and Sync wait until it does');
        // A screen reader hears why: the button is described by the host's status.
        const status = page.locator(`#${await button.getAttribute('aria-describedby')}`);
        expect(await text(status)).toMatch(/is unreachable.*Refresh and Sync for studio are off until it answers again/);
        // (Playwright waits for aria-disabled buttons to be enabled; a user's click just lands.)
        await button.click({ force: true });
      }
      expect(requests(panel, 'authbar:refresh')).toHaveLength(0);
      expect(requests(panel, 'authbar:sync')).toHaveLength(0);

      // Back again: current rows, buttons on. The stream's next try may be a whole backoff away
      // (doubling from 1 s, with jitter): after a long outage on a slow machine, 32 s and more.
      await sshd.start();
      await eventually(async () => String(await refresh.getAttribute('aria-disabled')), 80_000).toBe('null');
      expect(await group.getAttribute('class')).not.toContain('is-stale');
      expect(await sync.getAttribute('aria-disabled')).toBeNull();
    } finally {
      await sshd.cleanup();
    }
  }, 180_000);

  it('never lets a token reach the page with Settings in use', async () => {
    const d = await realisticTeam();
    const panel = await open(d);
    const { page, controller } = panel;
    const view = await openSettings(page);
    const host = deadHost(d);
    await field(page, 'Name').fill(host.name);
    await field(page, 'Destination').fill(host.destination);
    await field(page, 'SSH config file (optional)').fill(host.sshConfig);
    await page.getByRole('button', { name: 'Add host' }).click();
    await eventually(() => text(view.locator('[data-host-item="vps"] .note-bad'))).toContain('is unreachable');
    await page.getByRole('checkbox', { name: 'Keep tokens fresh (refresh 30 min before expiry)' }).click();
    await expect.poll(() => controller.getSettings().keepFresh.enabled).toBe(true);
    const seen = [await page.content()];
    await settingsButton(page).click();
    await page.locator('.agents-view').waitFor();
    seen.push(await page.content());

    const secrets = new Set<string>();
    for (const id of ['main', 'artist', 'coder', 'ops', 'research', 'stale', 'old-bot']) for (const s of secretsIn(d.readStore(id))) secrets.add(s);
    for (const s of [...server.used, ...server.live.keys()]) secrets.add(s);
    expect(secrets.size).toBeGreaterThan(10);
    expect(panel.traffic.some((t) => t.includes('"push":"authbar:state"') && t.includes('"keepFresh":{"enabled":true'))).toBe(true);
    expectNoToken([...seen, ...panel.traffic].join('\n'), secrets);
  });
});

/**
 * What the app sends once two hosts are set up, one answering and one not. The controller
 * here cannot reach two machines, so the screenshot's state is built from its own and pushed.
 */
function withHosts(base: PanelState): PanelState {
  const now = Date.now();
  const studio = base.report.agents.filter((a) => a.configured).slice(0, 3).map((a) => ({ ...a, host: 'studio', profiles: a.profiles.map((p) => ({ ...p })) }));
  const error = 'host vps (deploy@vps.example.com) is unreachable: ssh: connect to host vps.example.com port 22: Operation timed out';
  return {
    ...base,
    seq: base.seq + 1000,
    now,
    settings: {
      ...base.settings,
      hosts: [
        { name: 'studio', destination: 'studio' },
        { name: 'vps', destination: 'deploy@vps.example.com', stateDir: '/srv/openclaw', remoteCommand: '~/.npm-global/bin/authbar' },
      ],
    },
    report: {
      ...base.report,
      agents: [...base.report.agents, ...studio],
      hosts: [
        { name: 'studio', reachable: true, checkedAt: new Date(now).toISOString(), error: null },
        { name: 'vps', reachable: false, checkedAt: new Date(now).toISOString(), error },
      ],
    },
    lastSeen: { vps: now - 12 * MINUTE },
  };
}

/** Neither a token nor a telling piece of one (its start, end or middle) is in `everything`. */
function expectNoToken(everything: string, secrets: ReadonlySet<string>): void {
  for (const secret of secrets) {
    for (const fragment of [secret, secret.slice(0, 16), secret.slice(-16), secret.slice(secret.length / 2 - 8, secret.length / 2 + 8)]) {
      expect(everything.includes(fragment), `a fragment of a token reached the page: ${fragment.slice(0, 4)}…`).toBe(false);
    }
  }
}

function stateWith(agents: StateDirOptions['agents']): StateDir {
  return state({ agents });
}
