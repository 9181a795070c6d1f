// The real panel in a real Chromium, driven by a real Controller over temp OpenClaw state
// dirs and a loopback token server: what a user sees, clicks and hears.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { CHROMIUM, openPanel, type PanelHost, type PanelOptions } from '../helpers/panel-host.ts';
import { makeStateDir, type StateDir, type StateDirOptions, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential, secretsIn } from '../helpers/tokens.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PROFILE = 'openai-codex:default';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'build', 'screenshots');

const missing = !existsSync(CHROMIUM);
const why = `${CHROMIUM} is missing: the panel tests run the real panel in Debian's chromium package (apt-get install chromium)`;
if (missing && process.env.CI) throw new Error(why);

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

/** The panel of the screenshots: one of each thing the panel has to say. */
async function realisticTeam(): Promise<StateDir> {
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

  it('ticks a countdown every second within the hour', async () => {
    const d = state({ agents: [{ id: 'main', store: storeDocument({ [PROFILE]: signIn('acct-1', 30 * MINUTE) }) }] });
    const { page } = await open(d);
    const countdown = row(page, 'main').locator('.expiry .countdown');
    const first = await text(countdown);
    expect(first).toMatch(/^in 29m \d{1,2}s$/);
    await page.waitForTimeout(1200);
    const second = await text(countdown);
    expect(second).toMatch(/^in 29m \d{1,2}s$/);
    expect(second).not.toBe(first);
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
    server.queue({ delayMs: 800 }, { delayMs: 800 }, { delayMs: 800 });
    await page.getByRole('button', { name: 'Refresh all agents' }).click();

    for (const id of ids) await eventually(() => text(row(page, id).locator('.activity'))).toBe('Refreshing…');
    expect(await text(page.locator('.subtitle'))).toBe('Refreshing 3 agents…');
    expect(await page.getByRole('button', { name: 'Refresh all agents' }).getAttribute('aria-disabled')).toBe('true');
    expect(await row(page, 'alpha').getByRole('button', { name: 'Refresh alpha' }).getAttribute('aria-disabled')).toBe('true');

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
    await eventually(() => pillText(page, 'writer')).toBe('sign in again');
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
    await expect.poll(() => panel.opened).toEqual([d.agentDir('broken')]);
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

  it('is usable from the keyboard: Tab walks Refresh all then each row\'s Refresh, Enter activates, focus is visible', async () => {
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
    const everything = [...seen, ...panel.traffic, ...panel.copied].join('\n');
    expect(panel.traffic.some((t) => t.includes('"push":"authbar:state"'))).toBe(true);
    for (const secret of secrets) {
      for (const fragment of [secret, secret.slice(0, 16), secret.slice(-16), secret.slice(secret.length / 2 - 8, secret.length / 2 + 8)]) {
        expect(everything.includes(fragment), `a fragment of a token reached the page: ${fragment.slice(0, 4)}…`).toBe(false);
      }
    }
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
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
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
      await new Promise((resolve) => setTimeout(resolve, 100));
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

  it('saves screenshots of a realistic panel in light and dark', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const d = await realisticTeam();
    for (const colorScheme of ['light', 'dark'] as const) {
      const panel = await open(d, { colorScheme, viewport: { width: 440, height: 760 }, scale: 2 });
      const { page } = panel;
      // One refresh, so the picture shows what an outcome looks like (main and coder share it).
      await page.getByRole('button', { name: 'Refresh main' }).click();
      await eventually(() => text(row(page, 'main').locator('.result'))).toBe('Refreshed, expires in 9d 23h; also updated coder');
      await eventually(() => text(row(page, 'coder').locator('.expiry .countdown'))).toBe('in 9d 23h');
      await page.mouse.move(0, 0);
      expect(await pillText(page, 'research')).toBe('sign in again');
      expect(await pillText(page, 'artist')).toBe('expiring');
      expect(await pillText(page, 'ops')).toBe('expired');
      expect(await text(row(page, 'stale').locator('.stranded .note'))).toBe('Probably stranded: newer sign-in in main');
      expect(await text(row(page, 'main').locator('.badge'))).toBe('image gen');
      await page.screenshot({ path: join(SCREENSHOTS, `panel-${colorScheme}.png`), fullPage: true, animations: 'disabled' });
      await panel.close();
      panels = panels.filter((p) => p !== panel);
    }
  });
});

function stateWith(agents: StateDirOptions['agents']): StateDir {
  return state({ agents });
}
