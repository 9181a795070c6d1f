// The Settings view: notifications, automatic refresh and sync, start at login, and remote
// hosts with an "Add host" form. Every control is drawn from PanelState.settings; a change is
// a request, and the control moves when the state that request produced comes back.
import type { HostReport } from '../main/core/api.ts';
import type { AuthbarApi, PanelState } from '../main/core/panel-api.ts';
import { type Child, h } from './dom.ts';
import type { HostDraft, HostErrors, HostField } from './host-form.ts';
import { addHostForm, hostList, sshNote } from './settings-hosts.ts';

export type Settings = PanelState['settings'];
export type SettingsPatch = Parameters<AuthbarApi['setSettings']>[0];

/** What only the panel knows: the form as typed and which step of a removal it is at. */
export interface SettingsUi {
  draft: HostDraft;
  errors: HostErrors;
  /** Why the app refused the last "Add host" (a name in use...). */
  addError: string | null;
  adding: boolean;
  /** The host whose Remove asks "Remove vps?". */
  confirming: string | null;
  removing: string | null;
  /** "Install command-line tool": under way, and what the app said it did. */
  installingCli: boolean;
  cliNote: string | null;
}

export interface SettingsActions {
  /** Sends the patch built from the settings current when the user acts. */
  changeSettings(what: string, build: (current: Settings) => SettingsPatch): void;
  editDraft(field: HostField, value: string): void;
  submitHost(): void;
  /** Asks to confirm a removal (a name), or drops the question (null). */
  confirmRemove(name: string | null): void;
  removeHost(name: string): void;
  installCli(): void;
}

export interface SettingsModel {
  settings: Settings;
  hosts: readonly HostReport[];
  /** Remote agents per host name, for a host's status line. */
  agentCounts: ReadonlyMap<string, number>;
  ui: SettingsUi;
  actions: SettingsActions;
}

export const SETTINGS_ID = 'settings';

/** The lead-time choices; a list from the file that matches none is shown as it is. */
export const LEAD_TIMES: ReadonlyArray<{ label: string; minutes: readonly number[] }> = [
  { label: '24 h, 1 h and at expiry', minutes: [1440, 60, 0] },
  { label: '1 h and at expiry', minutes: [60, 0] },
  { label: 'At expiry only', minutes: [0] },
];

const descending = (times: readonly number[]) => [...times].sort((a, b) => b - a);
const sameTimes = (a: readonly number[], b: readonly number[]) => descending(a).join() === descending(b).join();

export function renderSettings(vm: SettingsModel): HTMLElement {
  return h(
    'main',
    { id: SETTINGS_ID, class: 'settings-view', attrs: { 'aria-labelledby': 'settings-title' } },
    h('h2', { id: 'settings-title', class: 'visually-hidden' }, 'Settings'),
    group('notifications', 'Notifications', h('div', { class: 'card settings-card' }, ...notifications(vm))),
    group(
      'general',
      'Refresh and start-up',
      h(
        'div',
        { class: 'card settings-card' },
        checkbox(vm, 'keep-fresh', `Keep tokens fresh (refresh ${minutesText(vm.settings.keepFresh.minutesBefore)} before expiry)`,
          'While AuthBar runs, it refreshes a sign-in itself instead of waiting for you.',
          (s) => s.keepFresh.enabled, (enabled, s) => ({ keepFresh: { enabled, minutesBefore: s.keepFresh.minutesBefore } })),
        checkbox(vm, 'keep-copies', 'Keep copies in sync',
          'When one agent\'s sign-in rotates, copies it left behind in other agents get the new one.',
          (s) => s.keepCopiesInSync, (keepCopiesInSync) => ({ keepCopiesInSync })),
        checkbox(vm, 'start-at-login', 'Start at login', null, (s) => s.startAtLogin, (startAtLogin) => ({ startAtLogin })),
        installCli(vm),
      ),
    ),
    group('hosts', 'Remote hosts', hostList(vm), addHostForm(vm), sshNote()),
  );
}

function group(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { class: 'settings-group', attrs: { 'aria-labelledby': `settings-${id}` } },
    h('h3', { class: 'section-title', id: `settings-${id}`, attrs: { tabindex: '-1', 'data-focus': `group:${id}` } }, title),
    ...children,
  );
}

/** As editors offer it: a button, and below it what the app said it did (or what it does). */
function installCli(vm: SettingsModel): HTMLElement {
  const busy = vm.ui.installingCli;
  return h(
    'div',
    { class: 'setting setting-action' },
    h('div', { class: 'setting-text' },
      h('button', {
        class: 'btn',
        id: 'install-cli',
        attrs: { type: 'button', 'data-focus': 'install-cli', 'aria-describedby': 'install-cli-hint', 'aria-disabled': busy ? 'true' : undefined },
        onClick: () => {
          if (!busy) vm.actions.installCli();
        },
      }, busy ? 'Installing…' : 'Install command-line tool'),
      h('p', { class: 'setting-hint', id: 'install-cli-hint', attrs: { role: vm.ui.cliNote ? 'status' : undefined } },
        vm.ui.cliNote ?? 'Puts authbar on your PATH: a small launcher in your home folder that runs this app.')),
  );
}

function minutesText(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/**
 * A checkbox showing one setting. The click is not kept: the box is put back at once and
 * moves when the new state arrives, so what it shows is always what is saved.
 */
function checkbox(vm: SettingsModel, id: string, label: string, hint: string | null, read: (s: Settings) => boolean, patch: (enabled: boolean, current: Settings) => SettingsPatch): HTMLElement {
  const inputId = `setting-${id}`;
  const on = read(vm.settings);
  const input = h('input', {
    id: inputId,
    class: 'check',
    attrs: { type: 'checkbox', checked: on ? '' : undefined, 'data-focus': inputId, 'aria-describedby': hint ? `${inputId}-hint` : undefined },
    on: {
      change: () => {
        const wanted = input.checked;
        input.checked = !wanted;
        vm.actions.changeSettings(`${wanted ? 'turn on' : 'turn off'} “${label}”`, (current) => patch(wanted, current));
      },
    },
  });
  return h(
    'div',
    { class: 'setting' },
    input,
    h('div', { class: 'setting-text' }, h('label', { attrs: { for: inputId } }, label), hint ? h('p', { class: 'setting-hint', id: `${inputId}-hint` }, hint) : null),
  );
}

function notifications(vm: SettingsModel): HTMLElement[] {
  const { enabled, leadTimesMinutes } = vm.settings.notifications;
  const choices = LEAD_TIMES.map((c) => ({ ...c, custom: false }));
  if (!choices.some((c) => sameTimes(c.minutes, leadTimesMinutes))) {
    choices.push({ label: `${leadTimesText(leadTimesMinutes)} (from settings.json)`, minutes: leadTimesMinutes, custom: true });
  }
  const radios = choices.map((choice) => {
    const value = choice.minutes.join(',');
    const inputId = `setting-lead-${value.replace(/,/g, '-') || 'none'}`;
    const input = h('input', {
      id: inputId,
      class: 'radio',
      attrs: { type: 'radio', name: 'lead-times', value, checked: sameTimes(choice.minutes, leadTimesMinutes) ? '' : undefined, 'data-focus': inputId },
      on: {
        change: () => {
          // Put the dot back where the settings say; the new state moves it.
          for (const other of radios) other.input.checked = other.input.defaultChecked;
          vm.actions.changeSettings(`notify ${choice.label.toLowerCase()}`, (current) => ({
            notifications: { enabled: current.notifications.enabled, leadTimesMinutes: [...choice.minutes] },
          }));
        },
      },
    });
    return { input, row: h('div', { class: 'choice' }, input, h('label', { attrs: { for: inputId } }, choice.label)) };
  });
  return [
    checkbox(vm, 'notify', 'Notify before sign-ins expire', 'A system notification for each sign-in that is about to expire, and when it has.',
      (s) => s.notifications.enabled, (on, s) => ({ notifications: { enabled: on, leadTimesMinutes: [...s.notifications.leadTimesMinutes] } })),
    h(
      'fieldset',
      { class: 'choices', attrs: { disabled: enabled ? undefined : '' } },
      h('legend', { class: 'choices-legend' }, 'When to notify'),
      ...radios.map((r) => r.row),
    ),
  ];
}

function leadTimesText(minutes: readonly number[]): string {
  const parts = descending(minutes).map((m) => (m === 0 ? 'at expiry' : minutesText(m)));
  return parts.length === 0 ? 'Never' : parts.join(', ');
}

/** A host name as part of an id (names may hold dots). */
export function domId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}
