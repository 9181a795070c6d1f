// The tray's context menu as data (it works on Linux, where tray clicks are unreliable): a
// row per agent with its status and expiry time, each with Refresh now / Copy fix command /
// Open auth folder; then Refresh all, Open panel, Start at login, Notifications, Install command-line tool, Quit.
// Electron's Menu is built from this in main/app/tray.ts; its actions are commands
// (main/core/commands.ts). Pure.
import type { AgentReport } from '../api.ts';
import { STATUS_LABELS, strandedWords } from '../format.ts';
import type { Command } from '../commands.ts';
import type { PanelState } from '../panel-api.ts';
import { clockTime } from './clock-time.ts';
import { readinessWords, usageReadiness } from './readiness-words.ts';

/** What a menu item does: a command of the one command layer the panel uses too. */
export type MenuAction = Command;

export type MenuItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: MenuAction; submenu?: MenuItem[] }
  | { type: 'checkbox'; label: string; checked: boolean; action: MenuAction }
  | { type: 'radio'; label: string; checked: boolean; action: MenuAction };

/** Lead-time choices offered in the menu (minutes before expiry; 0 = at expiry). */
export const LEAD_TIME_PRESETS: Array<{ label: string; minutes: number[] }> = [
  { label: '24 h, 1 h and at expiry', minutes: [1440, 60, 0] },
  { label: '1 h and at expiry', minutes: [60, 0] },
  { label: 'At expiry only', minutes: [0] },
];

const agentLabel = (agent: AgentReport, now: number): string => {
  const name = agent.host === 'local' ? agent.id : `${agent.id} (${agent.host})`;
  // Readiness first where the token's status does not tell it (a plan limit, a cooldown).
  const usage = usageReadiness(agent);
  if (usage && agent.status === 'ok') return `${name}: ${readinessWords(usage, (at) => clockTime(at, now))}`;
  const profile = agent.profiles[0];
  // A clock time, not a countdown: the label stays true without a timer rebuilding the menu.
  const when = profile && profile.expiresAt !== null && agent.status !== 'unreadable'
    ? `, ${profile.expiresAt > now ? 'until' : 'since'} ${clockTime(profile.expiresAt, now)}`
    : '';
  const stranded = agent.profiles.map(strandedWords).find((words) => words !== null);
  return `${name}: ${STATUS_LABELS[agent.status]}${when}${stranded ? ` (${stranded})` : ''}`;
};

export function buildMenu(state: PanelState, now: number): MenuItem[] {
  const startAtLogin = state.settings.startAtLogin;
  const items: MenuItem[] = [];
  const agents = state.report.agents.filter((a) => a.configured);
  if (agents.length === 0) items.push({ type: 'normal', label: `No OpenClaw agents in ${state.report.stateDir || '~/.openclaw'}`, enabled: false });
  for (const agent of agents) {
    const ref = { host: agent.host, agentId: agent.id };
    const busy = state.busy[`${agent.host}/${agent.id}`];
    const stale = state.lastSeen[agent.host] !== undefined;
    const stranded = agent.profiles.some((p) => p.stranded !== null);
    const submenu: MenuItem[] = [
      { type: 'normal', label: busy === 'refreshing' ? 'Refreshing…' : 'Refresh now', enabled: !busy && !stale && agent.status !== 'unreadable' && agent.profiles.length > 0, action: { kind: 'refresh', ref } },
      ...(stranded ? [{ type: 'normal' as const, label: `Sync from ${agent.profiles.find((p) => p.newerCopyIn)?.newerCopyIn ?? 'newest copy'}`, enabled: !busy && !stale, action: { kind: 'sync' as const, host: ref.host, agentId: ref.agentId } }] : []),
      { type: 'normal', label: 'Copy fix command', enabled: agent.fix !== null || agent.profiles.some((p) => p.fix !== null), action: { kind: 'copy-fix', ref } },
      { type: 'normal', label: 'Open auth folder', enabled: agent.host === 'local', action: { kind: 'open-folder', ref } },
      { type: 'normal', label: 'Show in panel', enabled: true, action: { kind: 'open-panel', ref } },
    ];
    items.push({ type: 'normal', label: agentLabel(agent, now) + (stale ? ' (last seen earlier)' : ''), enabled: true, submenu });
  }
  const settings = state.settings;
  const leads = settings.notifications.leadTimesMinutes.join(',');
  items.push(
    { type: 'separator' },
    { type: 'normal', label: 'Refresh all', enabled: agents.length > 0 && Object.keys(state.busy).length === 0, action: { kind: 'refresh-all' } },
    { type: 'normal', label: 'Open panel…', enabled: true, action: { kind: 'open-panel' } },
    { type: 'separator' },
    { type: 'checkbox', label: 'Start at login', checked: startAtLogin, action: { kind: 'set-settings', patch: { startAtLogin: !startAtLogin } } },
    {
      type: 'normal',
      label: 'Notifications',
      enabled: true,
      submenu: [
        { type: 'checkbox', label: 'Notify before sign-ins expire', checked: settings.notifications.enabled, action: { kind: 'set-settings', patch: { notifications: { ...settings.notifications, enabled: !settings.notifications.enabled } } } },
        { type: 'separator' },
        ...LEAD_TIME_PRESETS.map((preset): MenuItem => ({
          type: 'radio',
          label: preset.label,
          checked: preset.minutes.join(',') === leads,
          action: { kind: 'set-settings', patch: { notifications: { enabled: true, leadTimesMinutes: preset.minutes } } },
        })),
      ],
    },
    { type: 'checkbox', label: 'Keep tokens fresh', checked: settings.keepFresh.enabled, action: { kind: 'set-settings', patch: { keepFresh: { ...settings.keepFresh, enabled: !settings.keepFresh.enabled } } } },
    { type: 'checkbox', label: 'Keep copies in sync', checked: settings.keepCopiesInSync, action: { kind: 'set-settings', patch: { keepCopiesInSync: !settings.keepCopiesInSync } } },
    { type: 'separator' },
    // As editors offer it: puts `authbar` on the PATH (the installed app only; a development run says why not).
    { type: 'normal', label: 'Install command-line tool', enabled: true, action: { kind: 'install-cli' } },
    { type: 'normal', label: 'Quit AuthBar', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}
