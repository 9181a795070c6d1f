// The whole panel from one PanelState: header with Refresh all, warnings, agents grouped
// by host (when there is more than one) with directory-only agents apart, or the empty state.
import type { AgentReport } from '../main/core/api.ts';
import type { PanelState } from '../main/core/panel-api.ts';
import { h, heading, icon } from './dom.ts';
import { type Actions, renderAgent, rowKey } from './rows.ts';
import { baseName, hostLabel, lastSeenText, localTime } from './wording.ts';

export interface PanelActions extends Actions {
  refreshAll(): void;
}

export interface ViewModel {
  state: PanelState;
  now: number;
  copied: ReadonlySet<string>;
  /** The last action that failed (the app refused or could not do it). */
  error: string | null;
  actions: PanelActions;
}

export function renderPanel(vm: ViewModel): HTMLElement[] {
  return [header(vm), notices(vm), content(vm), footer(vm)].filter((e): e is HTMLElement => e !== null);
}

function header(vm: ViewModel): HTMLElement {
  const { report, busy } = vm.state;
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
  );
}

function notices(vm: ViewModel): HTMLElement | null {
  const { report } = vm.state;
  const items: HTMLElement[] = [];
  if (vm.error) items.push(h('li', { class: 'notice notice-bad' }, icon('error'), h('span', {}, vm.error)));
  if (report.configError) {
    items.push(h('li', { class: 'notice' }, icon('warning'), h('span', {}, h('span', { class: 'mono' }, report.configPath), `: ${report.configError}; showing agents found on disk only.`)));
  }
  for (const warning of report.warnings) items.push(h('li', { class: 'notice' }, icon('warning'), h('span', {}, warning)));
  for (const notice of vm.state.notices) items.push(h('li', { class: 'notice notice-bad' }, icon('error'), h('span', {}, notice)));
  if (items.length === 0) return null;
  return h('ul', { class: 'notices', attrs: { 'aria-label': 'Warnings' } }, ...items);
}

function content(vm: ViewModel): HTMLElement {
  const { report } = vm.state;
  if (report.agents.length === 0) return emptyState(vm);
  const hosts = [...new Set(report.agents.map((a) => a.host))].sort((a, b) => (a === 'local' ? -1 : b === 'local' ? 1 : a.localeCompare(b)));
  const grouped = hosts.length > 1;
  const main = h('main', { class: 'agents-view' });
  for (const host of hosts) {
    const agents = report.agents.filter((a) => a.host === host);
    const level = grouped ? 3 : 2;
    const sections = [
      section(vm, agents.filter((a) => a.configured), 'Agents', null, level),
      section(vm, agents.filter((a) => !a.configured), `Not in ${baseName(report.configPath) || 'openclaw.json'}`,
        'OpenClaw does not run these, but their copies of a sign-in still go stale.', level),
    ].filter((s): s is HTMLElement => s !== null);
    if (!grouped) {
      main.append(...sections);
      continue;
    }
    const seen = vm.state.lastSeen[host];
    const hostInfo = report.hosts?.find((x) => x.name === host);
    main.append(
      h(
        'section',
        { class: seen === undefined ? 'host' : 'host is-stale', attrs: { 'data-host': host, 'aria-labelledby': `host-${host}` } },
        h(
          'div',
          { class: 'host-head' },
          heading(2, { class: 'host-name', id: `host-${host}` }, hostLabel(host)),
          seen === undefined ? null : h('span', { class: 'last-seen', attrs: { 'data-last-seen': String(seen) } }, lastSeenText(seen, vm.now)),
        ),
        hostInfo?.error ? h('p', { class: 'note note-muted' }, icon('warning'), h('span', {}, hostInfo.error)) : null,
        ...sections,
      ),
    );
  }
  return main;
}

function section(vm: ViewModel, agents: AgentReport[], title: string, hint: string | null, level: number): HTMLElement | null {
  if (agents.length === 0) return null;
  const id = `section-${agents[0]!.host}-${hint ? 'directory' : 'configured'}`;
  return h(
    'section',
    { class: hint ? 'agents-section is-directory-only' : 'agents-section', attrs: { 'aria-labelledby': id } },
    heading(level, { class: 'section-title', id, attrs: hint ? { title: vm.state.report.configPath } : {} }, title),
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
    h('p', {}, 'AuthBar looked in ', h('code', { class: 'path' }, report.stateDir), '.'),
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
  return h('footer', { class: 'footer' }, h('span', {}, 'OpenClaw state: '), h('span', { class: 'mono path' }, report.stateDir));
}
