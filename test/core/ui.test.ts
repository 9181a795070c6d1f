// The app's decisions as pure functions, with explicit times: tray state and tooltip, the
// menu model, the notification planner, and the Linux autostart entry.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AgentReport, ProfileReport, StatusReport } from '../../main/core/api.ts';
import type { PanelState } from '../../main/core/panel-api.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../main/core/settings.ts';
import { autostartEntry, autostartPath, setAutostart } from '../../main/core/ui/autostart.ts';
import { planKeepFresh } from '../../main/core/ui/keep-fresh-plan.ts';
import { clockTime } from '../../main/core/ui/clock-time.ts';
import { buildMenu, type MenuItem } from '../../main/core/ui/menu-model.ts';
import { MenuSwap } from '../../main/core/ui/menu-swap.ts';
import { planNotifications } from '../../main/core/ui/notify-plan.ts';
import { trayState } from '../../main/core/ui/tray-state.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z'); // a Tuesday
// Clock times in the tray are local: read them in UTC here.
beforeAll(() => {
  vi.stubEnv('TZ', 'UTC');
});
afterAll(() => {
  vi.unstubAllEnvs();
});
const MIN = 60_000;
const HOUR = 60 * MIN;

function profile(expiresIn: number | null, extra: Partial<ProfileReport> = {}): ProfileReport {
  const expiresAt = expiresIn === null ? null : NOW + expiresIn;
  return {
    profileId: 'openai-codex:default', provider: 'openai-codex', source: 'own', status: 'ok',
    expiresAt, remainingMs: expiresAt === null ? null : expiresAt - NOW, jwtExpiresAt: null, email: null, accountId: 'acct',
    sharedWith: [], newerCopyIn: null, stranded: null, storePath: '/s/auth-profiles.json', cause: null, fix: null, ...extra,
  };
}

function agent(id: string, status: AgentReport['status'], profiles: ProfileReport[], extra: Partial<AgentReport> = {}): AgentReport {
  return {
    id, host: 'local', configured: true, isDefault: id === 'main', agentDir: `/s/${id}`, storePath: `/s/${id}/auth-profiles.json`,
    storeKind: 'json', status, writable: true, imageGeneration: { model: null, dependsOnCodex: false }, profiles, fix: profiles[0]?.fix ?? null, ...extra,
  };
}

const report = (agents: AgentReport[]): StatusReport => ({
  version: '0', stateDir: '/s', configPath: '/s/openclaw.json', generatedAt: new Date(NOW).toISOString(), warnAfterMs: 86_400_000, agents, warnings: [],
});

const imageGen = { imageGeneration: { model: 'openai/gpt-image-2', dependsOnCodex: true } };

describe('trayState', () => {
  it('takes the worst status for the icon and summarises attention and the next expiry', () => {
    const r = report([
      agent('main', 'ok', [profile(50 * HOUR)]),
      agent('artist', 'expiring', [profile(3 * HOUR, { status: 'expiring' })]),
      agent('coder', 'expired', [profile(-HOUR, { status: 'expired' })]),
      agent('ghost', 'expired', [profile(-HOUR)], { configured: false }),
      agent('writer', 'ok', [profile(30 * HOUR, { stranded: 'certain', newerCopyIn: 'main' })]),
    ]);
    expect(trayState(r, NOW)).toEqual({ icon: 'error', tooltip: '3 of 4 agents need attention; next expiry: artist, Tue 15:00' });
    expect(trayState(report([agent('main', 'ok', [profile(50 * HOUR)])]), NOW)).toEqual({ icon: 'ok', tooltip: 'All 1 agent fine; next expiry: main, Thu 14:00' });
    expect(trayState(report([agent('main', 'unreadable', [])]), NOW).icon).toBe('unreadable');
    expect(trayState(report([]), NOW)).toEqual({ icon: 'ok', tooltip: 'AuthBar: no OpenClaw agents found' });
  });

  it('leaves out a host that is not answering, and says so', () => {
    const r = report([agent('main', 'ok', [profile(50 * HOUR)]), agent('vps', 'expired', [profile(-HOUR, { status: 'expired' })], { host: 'box' })]);
    expect(trayState(r, NOW, { box: NOW - 12 * MIN })).toEqual({ icon: 'ok', tooltip: 'All 1 agent fine; next expiry: main, Thu 14:00; 1 host unreachable' });
  });
});

describe('clockTime', () => {
  it('reads as a weekday and time within a week either side, as a date beyond: never a countdown that goes stale', () => {
    expect(clockTime(NOW + 3 * HOUR + 5 * MIN, NOW)).toBe('Tue 15:05');
    expect(clockTime(NOW + 50 * HOUR, NOW)).toBe('Thu 14:00');
    expect(clockTime(NOW - 25 * HOUR, NOW)).toBe('Mon 11:00');
    expect(clockTime(NOW + 14 * 24 * HOUR, NOW)).toBe('Dec 8');
  });
});

describe('buildMenu', () => {
  const state = (agents: AgentReport[], extra: Partial<PanelState> = {}): PanelState => ({
    report: report(agents), busy: {}, results: {}, settings: DEFAULT_SETTINGS, lastSeen: {}, notices: [], banner: null, firstLaunch: false, seq: 1, now: NOW, ...extra,
  });
  const labels = (items: MenuItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));

  it('has a row per configured agent with status and countdown, each with its actions, then the app items', () => {
    const s = state([
      agent('main', 'ok', [profile(50 * HOUR)]),
      agent('artist', 'needs-login', [profile(-HOUR, { status: 'needs-login', fix: 'openclaw models auth --agent artist login --provider openai-codex' })]),
      agent('writer', 'ok', [profile(30 * HOUR, { stranded: 'certain', newerCopyIn: 'main' })]),
      agent('ghost', 'ok', [profile(HOUR)], { configured: false }),
      agent('painter', 'expired', [profile(-HOUR, { status: 'expired', stranded: 'likely', newerCopyIn: 'main' })]),
    ]);
    const menu = buildMenu({ ...s, settings: { ...s.settings, startAtLogin: true } }, NOW);
    // The status word is the table's and the panel's; the stranding is said as the table says it.
    expect(labels(menu)).toEqual([
      'main: ok, until Thu 14:00', 'artist: needs-login, since Tue 11:00', 'writer: ok, until Wed 18:00 (stranded: newer sign-in in main)',
      'painter: expired, since Tue 11:00 (probably stranded: newer sign-in in main)',
      '---', 'Refresh all', 'Open panel…', '---', 'Start at login', 'Notifications', 'Keep tokens fresh', 'Keep copies in sync', '---', 'Install command-line tool', 'Quit AuthBar',
    ]);
    const artist = menu[1] as Extract<MenuItem, { type: 'normal' }>;
    expect(labels(artist.submenu!)).toEqual(['Refresh now', 'Copy fix command', 'Open auth folder', 'Show in panel']);
    const writer = menu[2] as Extract<MenuItem, { type: 'normal' }>;
    expect(labels(writer.submenu!)).toEqual(['Refresh now', 'Sync from main', 'Copy fix command', 'Open auth folder', 'Show in panel']);
    expect(writer.submenu![1]).toMatchObject({ action: { kind: 'sync', host: 'local', agentId: 'writer' } });
    expect(menu[8]).toMatchObject({ type: 'checkbox', checked: true, action: { kind: 'set-settings', patch: { startAtLogin: false } } });
    const notifications = (menu[9] as Extract<MenuItem, { type: 'normal' }>).submenu!;
    expect(notifications.filter((i) => i.type === 'radio' && i.checked).map((i) => (i as { label: string }).label)).toEqual(['24 h, 1 h and at expiry']);
  });

  it('shows progress and disables what cannot run now', () => {
    const s = state([agent('main', 'ok', [profile(50 * HOUR)])], { busy: { 'local/main': 'refreshing' } });
    const menu = buildMenu(s, NOW);
    const row = menu[0] as Extract<MenuItem, { type: 'normal' }>;
    expect(row.submenu![0]).toMatchObject({ label: 'Refreshing…', enabled: false });
    expect(menu.find((i) => i.type === 'normal' && i.label === 'Refresh all')).toMatchObject({ enabled: false });
    expect(labels(buildMenu(state([]), NOW))[0]).toBe('No OpenClaw agents in /s');
  });

  it('is set again only when it changed (an action counts), and never while open: a change waits for the close', () => {
    const s = state([agent('main', 'ok', [profile(50 * HOUR)])]);
    const swap = new MenuSwap();
    /** Offered, and set when offered (the tray took it). */
    const take = (items: ReturnType<typeof buildMenu>): boolean => {
      const key = swap.offer(items);
      if (key !== null) swap.set(key);
      return key !== null;
    };
    // A model the tray did not take (setContextMenu threw) is offered again.
    expect(swap.offer(buildMenu(s, NOW))).not.toBeNull();
    expect(take(buildMenu(s, NOW))).toBe(true);
    // A rescan a minute later: the same clock times, nothing to set.
    expect(take(buildMenu({ ...s, seq: 2, now: NOW + MIN }, NOW + MIN))).toBe(false);
    // Same labels, but Keep tokens fresh would now carry another lead time.
    const lead = { ...s, settings: { ...s.settings, keepFresh: { ...s.settings.keepFresh, minutesBefore: 45 } } };
    expect(labels(buildMenu(lead, NOW))).toEqual(labels(buildMenu(s, NOW)));
    expect(take(buildMenu(lead, NOW))).toBe(true);
    swap.opened();
    expect(take(buildMenu(s, NOW))).toBe(false);
    expect(swap.closed()).toBe(true);
    expect(take(buildMenu(s, NOW))).toBe(true);
    // Changed and changed back while open: nothing waits.
    swap.opened();
    expect(take(buildMenu(lead, NOW))).toBe(false);
    expect(take(buildMenu(s, NOW))).toBe(false);
    expect(swap.closed()).toBe(false);
  });
});

describe('planNotifications', () => {
  const settings = (patch: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...patch });
  const plan = (agents: AgentReport[], now: number, sent = new Set<string>(), s = settings()) =>
    planNotifications({ report: report(agents), settings: s, now, sent });
  const artist = (expiresIn: number) => agent('artist', 'ok', [profile(expiresIn, { fix: 'authbar refresh --agent artist' })], imageGen);

  it('fires at each lead time once, and wakes for the next one', () => {
    const a = artist(25 * HOUR);
    let p = plan([a], NOW);
    expect(p.notification).toBeNull();
    expect(p.nextWakeAt).toBe(NOW + HOUR); // 24 h before expiry
    p = plan([a], NOW + HOUR);
    expect(p.notification).toMatchObject({ title: 'Image generation for artist will fail in 1d', focus: { host: 'local', agentId: 'artist' }, refreshable: [{ host: 'local', agentId: 'artist' }] });
    expect(p.notification!.body).toBe("Click to open AuthBar's panel and refresh it there.");
    expect(planNotifications({ report: report([a]), settings: settings(), now: NOW + HOUR, sent: new Set(), refreshButton: true }).notification!.body).toBe("Click Refresh, or click to open AuthBar's panel.");
    const sent = new Set(p.markSent);
    const again = plan([a], NOW + HOUR + MIN, sent);
    expect(again.notification).toBeNull();
    expect(again.nextWakeAt).toBe(NOW + 24 * HOUR); // 1 h before expiry
    expect(plan([a], NOW + 24 * HOUR, sent).notification!.title).toBe('Image generation for artist will fail in 1h');
  });

  it('is re-armed by a refresh: a new expiry is a new credential', () => {
    const sent = new Set(plan([artist(30 * MIN)], NOW).markSent);
    expect(plan([artist(30 * MIN)], NOW, sent).notification).toBeNull();
    const refreshed = artist(30 * MIN + 10 * 24 * HOUR);
    expect(plan([refreshed], NOW + 10 * 24 * HOUR, sent).notification).not.toBeNull();
  });

  it('batches several due at once into one notification, image generation first', () => {
    const agents = [
      agent('main', 'expiring', [profile(50 * MIN, { status: 'expiring', fix: 'authbar refresh --agent main' })]),
      artist(55 * MIN),
      agent('coder', 'needs-login', [profile(-HOUR, { status: 'needs-login', fix: 'openclaw models auth --agent coder login --provider openai-codex' })]),
    ];
    const p = plan(agents, NOW);
    expect(p.notification!.title).toBe('Image generation for artist will fail in 55m');
    expect(p.notification!.body).toBe('Also: coder needs a new Codex sign-in; Codex sign-in for main expires in 50m. Click to open AuthBar\'s panel and refresh it there.');
    expect(p.notification!.refreshable.map((r) => r.agentId)).toEqual(['artist', 'main']);
    expect(plan(agents, NOW, new Set(p.markSent)).notification).toBeNull();
  });

  it('after a 10-hour sleep says only the most urgent thing, once', () => {
    const a = artist(30 * HOUR);
    const sent = new Set(plan([a], NOW + 6 * HOUR).markSent); // the 24 h notice went out
    const woke = plan([a], NOW + 6 * HOUR + 10 * 3600_000 + 14 * HOUR, sent); // asleep past the 1 h mark and expiry
    expect(woke.notification!.title).toBe('Image generation for artist fails now: its Codex token expired');
    expect(plan([a], NOW + 31 * HOUR, new Set([...sent, ...woke.markSent])).notification).toBeNull();
  });

  it('says nothing when notifications are off or the host is stale; plans keep-fresh refreshes when on', () => {
    const off = settings({ notifications: { enabled: false, leadTimesMinutes: [60] } });
    expect(plan([artist(10 * MIN)], NOW, new Set(), off).notification).toBeNull();
    const remote = agent('vps', 'expiring', [profile(10 * MIN)], { host: 'box' });
    expect(planNotifications({ report: report([remote]), settings: settings(), now: NOW, sent: new Set(), lastSeen: { box: NOW - HOUR } }).notification).toBeNull();
  });
});

describe('planKeepFresh', () => {
  const settings = (patch: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...patch });
  const artist = (expiresIn: number) => agent('artist', 'ok', [profile(expiresIn)], imageGen);

  it('refreshes a local agent once when its credential comes within the lead, and wakes for the next', () => {
    const fresh = settings({ keepFresh: { enabled: true, minutesBefore: 30 } });
    const early = planKeepFresh(report([artist(2 * HOUR)]), fresh, NOW, new Map());
    expect(early.due).toEqual([]);
    expect(early.nextWakeAt).toBe(NOW + 90 * MIN);
    const due = planKeepFresh(report([artist(20 * MIN)]), fresh, NOW, new Map());
    expect(due.due).toEqual([{ host: 'local', agentId: 'artist' }]);
    const again = planKeepFresh(report([artist(20 * MIN)]), fresh, NOW, due.asked);
    expect(again.due).toEqual([]);
    expect(again.nextWakeAt).toBe(NOW + 5 * MIN);
    expect(planKeepFresh(report([artist(20 * MIN)]), settings(), NOW, new Map())).toEqual({ due: [], asked: new Map(), seen: new Set(), nextWakeAt: null });
    expect(planKeepFresh(report([agent('vps', 'ok', [profile(20 * MIN)], { host: 'box' })]), fresh, NOW, new Map()).due).toEqual([]);
  });

  it('tries a failed refresh again after 5, 10, 20 minutes, up to an hour; a new credential still inside the lead waits 5', () => {
    const fresh = settings({ keepFresh: { enabled: true, minutesBefore: 30 } });
    const r = report([artist(20 * MIN)]);
    const expiresAt = NOW + 20 * MIN;
    const waitAfter = (tries: number) => planKeepFresh(r, fresh, NOW, new Map([['artist/openai-codex:default', { at: NOW, expiresAt, tries }]])).nextWakeAt! - NOW;
    expect([1, 2, 3, 4, 5, 9].map(waitAfter)).toEqual([5, 10, 20, 40, 60, 60].map((m) => m * MIN));
    // The credential changed since (a refresh went through) but lives less than the lead.
    const changed = planKeepFresh(r, fresh, NOW, new Map([['artist/openai-codex:default', { at: NOW, expiresAt: expiresAt - MIN, tries: 4 }]]));
    expect(changed.nextWakeAt).toBe(NOW + 5 * MIN);
  });
});

describe('autostart on Linux', () => {
  it('writes and removes an XDG autostart entry, quoting the command', async () => {
    const home = mkdtempSync(join(tmpdir(), 'authbar-xdg-'));
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'cfg') };
    try {
      expect(autostartPath(env)).toBe(join(home, 'cfg', 'autostart', 'authbar.desktop'));
      await setAutostart(env, true, ['/opt/Auth Bar/authbar', '--hidden']);
      const text = readFileSync(autostartPath(env), 'utf8');
      expect(text).toBe(autostartEntry(['/opt/Auth Bar/authbar', '--hidden']));
      expect(text).toContain('Exec="/opt/Auth Bar/authbar" --hidden\n');
      expect(text.startsWith('[Desktop Entry]\nType=Application\nName=AuthBar\n')).toBe(true);
      expect(statSync(autostartPath(env)).mode & 0o777).toBe(0o644);
      await setAutostart(env, false, []);
      expect(existsSync(autostartPath(env))).toBe(false);
      expect(autostartPath({ HOME: home })).toBe(join(home, '.config', 'autostart', 'authbar.desktop'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
