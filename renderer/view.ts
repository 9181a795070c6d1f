// The whole panel from one PanelState: header with Refresh all and the Settings toggle,
// warnings, then either the Settings view or the agents grouped by host (when there is more
// than one, or remote hosts are set up) with directory-only agents apart, or the empty state.
import type { AgentReport, HostReport } from '../main/core/api.ts';
import type { PanelState } from '../main/core/panel-api.ts';
import { h, heading, icon } from './dom.ts';
import { type Actions, renderAgent, rowKey } from './rows.ts';
import { domId, renderSettings, SETTINGS_ID, type SettingsActions, type SettingsUi } from './settings-view.ts';
import { baseName, hostLabel, lastSeenText, localTime } from './wording.ts';
import { renderWelcome, type WelcomeActions, type WelcomeUi } from './welcome.ts';

export interface PanelActions extends Actions, SettingsActions, WelcomeActions {
  refreshAll(): void;
  toggleSettings(): void;
}

export interface ViewModel {
  state: PanelState;
  now: number;
  copied: ReadonlySet<string>;
  /** The last action that failed (the app refused or could not do it). */
  error: string | null;
  /** Whether the Settings view is showing instead of the agents. */
  settingsOpen: boolean;
  settingsUi: SettingsUi;
  welcomeUi: WelcomeUi;
  actions: PanelActions;
}

export function renderPanel(vm: ViewModel): HTMLElement[] {
  const welcome = vm.state.firstLaunch && !vm.settingsOpen ? renderWelcome(vm.state, vm.welcomeUi, vm.actions) : null;
  const body = vm.settingsOpen ? [settings(vm)] : [welcome, content(vm), footer(vm)];
  return [header(vm), notices(vm), ...body].filter((e): e is HTMLElement => e !== null);
}

function settings(vm: ViewModel): HTMLElement {
  const agentCounts = new Map<string, number>();
  for (const agent of vm.state.report.agents) if (agent.host !== 'local') agentCounts.set(agent.host, (agentCounts.get(agent.host) ?? 0) + 1);
  return renderSettings({ settings: vm.state.settings, hosts: vm.state.report.hosts ?? [], agentCounts, ui: vm.settingsUi, actions: vm.actions });
}

function settingsToggle(vm: ViewModel): HTMLElement {
  return h(
    'button',
    {
      class: vm.settingsOpen ? 'btn btn-icon is-active' : 'btn btn-icon',
      attrs: { type: 'button', 'aria-expanded': String(vm.settingsOpen), 'aria-controls': SETTINGS_ID, 'aria-label': 'Settings', title: 'Settings', 'data-focus': 'settings-toggle' },
      onClick: () => vm.actions.toggleSettings(),
    },
    icon('gear'),
  );
}

function header(vm: ViewModel): HTMLElement {
  const { report, busy } = vm.state;
  if (vm.settingsOpen) {
    return h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'title' }, h('h1', {}, 'AuthBar'), h('p', { class: 'subtitle' }, 'Settings · changes are saved as you make them')),
      settingsToggle(vm),
    );
  }
  const configured = report.agents.filter((a) => a.configured && a.host === 'local');
  const running = Object.keys(busy).length;
  const subtitle = running > 0
    ? `${Object.values(busy).includes('syncing') ? 'Syncing' : 'Refreshing'} ${running} ${running === 1 ? 'agent' : 'agents'}…`
    : report.stateDir === ''
      ? 'Reading OpenClaw\'s state…'
      : `${report.agents.length} ${report.agents.length === 1 ? 'agent' : 'agents'} · checked ${localTime(Date.parse(report.generatedAt), vm.now)}`;
  const refreshAll = configured.length === 0
    ? null
    : h(
        'button',
        {
          class: 'btn btn-primary',
          attrs: { type: 'button', 'data-focus': 'refresh-all', 'aria-disabled': running > 0 ? 'true' : undefined, 'aria-label': 'Refresh all agents' },
          onClick: () => {
            if (running === 0) vm.actions.refreshAll();
          },
        },
        running > 0 ? h('span', { class: 'spinner spinner-on-accent', attrs: { 'aria-hidden': 'true' } }) : icon('refresh'),
        h('span', { class: 'btn-label' }, running > 0 ? 'Refreshing…' : 'Refresh all'),
      );
  return h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'title' }, h('h1', {}, 'AuthBar'), h('p', { class: 'subtitle' }, subtitle)),
    refreshAll,
    settingsToggle(vm),
  );
}

function notices(vm: ViewModel): HTMLElement | null {
  const { report } = vm.state;
  const items: HTMLElement[] = [];
  // AuthBar could not start, or the system cannot show a due notification: said first.
  if (vm.state.banner) items.push(h('li', { class: 'notice notice-bad banner', attrs: { role: 'alert' } }, icon('error'), h('span', {}, vm.state.banner)));
  if (vm.error) items.push(h('li', { class: 'notice notice-bad' }, icon('error'), h('span', {}, vm.error)));
  if (report.configError) {
    items.push(h('li', { class: 'notice' }, icon('warning'), h('span', {}, h('span', { class: 'mono' }, vm.state.configPathShown ?? report.configPath), `: ${report.configError}; showing agents found on disk only.`)));
  }
  // A host's error is shown with that host (its group, its Settings entry), not again up here.
  const hostErrors = new Set((report.hosts ?? []).flatMap((x) => (x.error ? [x.error] : [])));
  for (const warning of report.warnings.filter((w) => !hostErrors.has(w))) items.push(h('li', { class: 'notice' }, icon('warning'), h('span', {}, warning)));
  for (const notice of vm.state.notices) items.push(h('li', { class: 'notice notice-bad' }, icon('error'), h('span', {}, notice)));
  if (items.length === 0) return null;
  return h('ul', { class: 'notices', attrs: { 'aria-label': 'Warnings' } }, ...items);
}

function content(vm: ViewModel): HTMLElement {
  const { report } = vm.state;
  const remotes = report.hosts ?? [];
  if (report.agents.length === 0 && remotes.length === 0) return emptyState(vm);
  const names = new Set([...report.agents.map((a) => a.host), ...remotes.map((x) => x.name)]);
  if (remotes.length > 0) names.add('local');
  const hosts = [...names].sort((a, b) => (a === 'local' ? -1 : b === 'local' ? 1 : a.localeCompare(b)));
  const grouped = hosts.length > 1;
  const main = h('main', { class: 'agents-view' });
  for (const host of hosts) {
    const agents = report.agents.filter((a) => a.host === host);
    const level = grouped ? 3 : 2;
    const info = remotes.find((x) => x.name === host);
    const seen = vm.state.lastSeen[host];
    const offline = host !== 'local' && (seen !== undefined || info?.reachable === false);
    const statusId = `host-status-${domId(host)}`;
    // The status line that says why is drawn with the group's header (so only when grouped).
    const unavailable = offline ? { reason: `${hostLabel(host)} is not answering: Refresh and Sync wait until it does`, describedBy: grouped ? statusId : undefined } : null;
    const sections = [
      section(vm, agents.filter((a) => a.configured), 'Agents', null, level, unavailable),
      report.configError
        ? section(vm, agents.filter((a) => !a.configured), 'Found on disk',
          `${baseName(report.configPath) || 'openclaw.json'} could not be read, so which of these OpenClaw runs is unknown; their copies of a sign-in still go stale.`, level, unavailable)
        : section(vm, agents.filter((a) => !a.configured), `Not in ${baseName(report.configPath) || 'openclaw.json'}`,
          'OpenClaw does not run these, but their copies of a sign-in still go stale.', level, unavailable),
    ].filter((s): s is HTMLElement => s !== null);
    if (!grouped) {
      main.append(...sections);
      continue;
    }
    main.append(
      h(
        'section',
        { class: offline ? 'host is-stale' : 'host', attrs: { 'data-host': host, 'aria-labelledby': `host-${host}` } },
        h(
          'div',
          { class: 'host-head' },
          heading(2, { class: 'host-name', id: `host-${host}` }, hostLabel(host)),
          offline ? h('span', { class: 'pill pill-small pill-bad' }, 'unreachable') : null,
          seen === undefined || seen === 0 ? null : h('span', { class: 'last-seen', attrs: { 'data-last-seen': String(seen) } }, lastSeenText(seen, vm.now)),
        ),
        offline ? hostStatus(host, info, agents.length > 0, statusId) : null,
        ...sections,
        sections.length === 0 && !offline ? h('p', { class: 'section-hint' }, noAgentsText(host, vm)) : null,
      ),
    );
  }
  return main;
}

/** Why a host's rows are grey and its buttons off: its error, and what happens meanwhile. */
function hostStatus(host: string, info: HostReport | undefined, hasRows: boolean, id: string): HTMLElement {
  return h(
    'div',
    { class: 'host-status', id },
    info?.error ? h('p', { class: 'note note-bad' }, icon('error'), h('span', { class: 'host-error' }, info.error)) : null,
    h('p', { class: 'hint' }, hasRows
      ? `Showing its last report. Refresh and Sync for ${host} are off until it answers again.`
      : 'AuthBar keeps trying to reach it.'),
  );
}

function noAgentsText(host: string, vm: ViewModel): string {
  if (host === 'local') return vm.state.report.stateDir === '' ? 'Reading OpenClaw\'s state…' : 'No OpenClaw agents on this computer.';
  return 'No agents reported yet.';
}

function section(vm: ViewModel, agents: AgentReport[], title: string, hint: string | null, level: number, unavailable: { reason: string; describedBy?: string } | null): HTMLElement | null {
  if (agents.length === 0) return null;
  const id = `section-${agents[0]!.host}-${hint ? 'directory' : 'configured'}`;
  return h(
    'section',
    { class: hint ? 'agents-section is-directory-only' : 'agents-section', attrs: { 'aria-labelledby': id } },
    heading(level, { class: 'section-title', id, attrs: hint ? { title: vm.state.configPathShown ?? vm.state.report.configPath } : {} }, title),
    hint ? h('p', { class: 'section-hint' }, hint) : null,
    h(
      'ul',
      { class: 'agents' },
      ...agents.map((agent) => {
        const key = rowKey(agent);
        return renderAgent(agent, {
          now: vm.now,
          warnAfterMs: vm.state.report.warnAfterMs,
          busy: vm.state.busy[key],
          results: vm.state.results[key] ?? [],
          copied: vm.copied,
          headingLevel: level + 1,
          unavailable,
          actions: vm.actions,
        });
      }),
    ),
  );
}

function emptyState(vm: ViewModel): HTMLElement {
  const { report } = vm.state;
  if (report.stateDir === '') return h('main', { class: 'empty' }, h('p', {}, 'Reading OpenClaw\'s state…'));
  return h(
    'main',
    { class: 'empty' },
    h('h2', {}, 'No OpenClaw agents found'),
    h('p', {}, 'AuthBar looked in ', h('code', { class: 'path' }, vm.state.stateDirShown ?? report.stateDir), '.'),
    h(
      'p',
      {},
      'If OpenClaw keeps its state somewhere else, start AuthBar with ',
      h('code', {}, 'OPENCLAW_STATE_DIR=/path/to/.openclaw'),
      ' set (or ',
      h('code', {}, 'OPENCLAW_CONFIG_PATH'),
      ' for the config file), as you would for OpenClaw itself.',
    ),
  );
}

function footer(vm: ViewModel): HTMLElement | null {
  const { report } = vm.state;
  if (report.stateDir === '' || report.agents.length === 0) return null;
  return h('footer', { class: 'footer' }, h('span', {}, 'OpenClaw state: '), h('span', { class: 'mono path' }, vm.state.stateDirShown ?? report.stateDir));
}
