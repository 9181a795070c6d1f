// Settings → Remote hosts: the hosts in settings with how each is doing, Remove with its
// inline "Remove vps?", and the "Add host" form (checked in host-form.ts before it is sent).
import { type Child, h, icon } from './dom.ts';
import type { Host, HostField } from './host-form.ts';
import { domId, type SettingsModel } from './settings-view.ts';

export function hostList(vm: SettingsModel): HTMLElement {
  const { hosts } = vm.settings;
  if (hosts.length === 0) {
    return h('p', { class: 'card settings-empty' }, 'No remote hosts yet: AuthBar shows this computer only.');
  }
  return h('ul', { class: 'card host-list', attrs: { 'aria-label': 'Remote hosts' } }, ...hosts.map((host) => hostItem(vm, host)));
}

function hostItem(vm: SettingsModel, host: Host): HTMLElement {
  const report = vm.hosts.find((x) => x.name === host.name);
  const count = vm.agentCounts.get(host.name) ?? 0;
  const headingId = `host-item-${domId(host.name)}`;
  const unreachable = report?.reachable === false;
  const status = unreachable
    ? h('span', { class: 'pill pill-small pill-bad' }, 'unreachable')
    : count > 0
      ? h('span', { class: 'pill pill-small pill-good' }, `${count} ${count === 1 ? 'agent' : 'agents'}`)
      : null;
  const details: Array<[string, string | undefined]> = [
    ['Destination', host.destination],
    ['State dir', host.stateDir],
    ['SSH config', host.sshConfig],
    ['Remote command', host.remoteCommand],
  ];
  return h(
    'li',
    { class: 'host-item', attrs: { 'data-host-item': host.name, 'aria-labelledby': headingId } },
    h('div', { class: 'host-item-head' }, h('h4', { class: 'host-item-name', id: headingId }, host.name), status, h('span', { class: 'spacer' }), removeControls(vm, host.name)),
    h('dl', { class: 'host-details' }, ...details.flatMap(([term, value]) => (value ? [h('dt', {}, term), h('dd', { class: 'mono' }, value)] : []))),
    unreachable && report.error ? h('p', { class: 'note note-bad' }, icon('error'), h('span', {}, report.error)) : null,
  );
}

function removeControls(vm: SettingsModel, name: string): HTMLElement {
  const { confirming, removing } = vm.ui;
  if (confirming !== name) {
    return h(
      'button',
      { class: 'btn', attrs: { type: 'button', 'aria-label': `Remove ${name}`, 'data-focus': `remove:${name}` }, onClick: () => vm.actions.confirmRemove(name) },
      h('span', { class: 'btn-label' }, 'Remove'),
    );
  }
  const busy = removing === name;
  const questionId = `remove-question-${domId(name)}`;
  const escape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || busy) return;
    event.stopPropagation();
    vm.actions.confirmRemove(null);
  };
  return h(
    'div',
    { class: 'confirm', attrs: { role: 'group', 'aria-labelledby': questionId }, on: { keydown: escape } },
    h('span', { class: 'confirm-question', id: questionId }, busy ? `Removing ${name}…` : `Remove ${name}?`),
    h(
      'button',
      {
        class: 'btn btn-danger',
        attrs: { type: 'button', 'data-focus': `remove-yes:${name}`, 'aria-disabled': busy ? 'true' : undefined },
        onClick: () => {
          if (!busy) vm.actions.removeHost(name);
        },
      },
      busy ? h('span', { class: 'spinner spinner-on-accent', attrs: { 'aria-hidden': 'true' } }) : null,
      h('span', { class: 'btn-label' }, 'Yes'),
    ),
    h(
      'button',
      {
        class: 'btn',
        attrs: { type: 'button', 'data-focus': `remove-no:${name}`, 'aria-disabled': busy ? 'true' : undefined },
        onClick: () => {
          if (!busy) vm.actions.confirmRemove(null);
        },
      },
      h('span', { class: 'btn-label' }, 'No'),
    ),
  );
}

interface FieldSpec {
  field: HostField;
  label: string;
  hint?: string;
  placeholder: string;
  required?: boolean;
  wide?: boolean;
}

const FIELDS: FieldSpec[] = [
  { field: 'name', label: 'Name', hint: 'Labels its rows.', placeholder: 'vps', required: true },
  { field: 'destination', label: 'Destination', hint: '`USER@HOST` or an `~/.ssh/config` alias.', placeholder: 'me@vps.example.com', required: true },
  { field: 'stateDir', label: 'State dir', placeholder: '~/.openclaw' },
  { field: 'sshConfig', label: 'SSH config file', placeholder: '~/.ssh/config' },
  { field: 'remoteCommand', label: 'Remote command', hint: 'How to run AuthBar there, if not on its PATH.', placeholder: 'authbar', wide: true },
];

export function addHostForm(vm: SettingsModel): HTMLElement {
  const { ui } = vm;
  const form = h(
    'form',
    {
      class: 'card host-form',
      attrs: { 'aria-labelledby': 'add-host-title', novalidate: '', 'aria-describedby': ui.addError ? 'add-host-error' : undefined },
      on: {
        submit: (event) => {
          event.preventDefault();
          if (!ui.adding) vm.actions.submitHost();
        },
      },
    },
    h('h4', { class: 'form-title', id: 'add-host-title' }, 'Add host'),
    h('div', { class: 'fields' }, ...FIELDS.map((spec) => field(vm, spec))),
    ui.addError ? h('p', { class: 'notice notice-bad', id: 'add-host-error' }, icon('error'), h('span', {}, ui.addError)) : null,
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        { class: 'btn btn-primary', attrs: { type: 'submit', 'data-focus': 'add-host', 'aria-disabled': ui.adding ? 'true' : undefined } },
        ui.adding ? h('span', { class: 'spinner spinner-on-accent', attrs: { 'aria-hidden': 'true' } }) : icon('plus'),
        h('span', { class: 'btn-label' }, ui.adding ? 'Adding…' : 'Add host'),
      ),
    ),
  );
  return form;
}

function field(vm: SettingsModel, spec: FieldSpec): HTMLElement {
  const id = `host-${spec.field}`;
  const error = vm.ui.errors[spec.field];
  const describedBy = [spec.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const input = h('input', {
    id,
    class: error ? 'input is-invalid' : 'input',
    attrs: {
      type: 'text',
      name: spec.field,
      value: vm.ui.draft[spec.field],
      placeholder: spec.placeholder,
      autocomplete: 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
      'data-focus': id,
      'aria-required': spec.required ? 'true' : undefined,
      'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': describedBy || undefined,
    },
    on: { input: () => vm.actions.editDraft(spec.field, input.value) },
  });
  return h(
    'div',
    { class: spec.wide ? 'field field-wide' : 'field' },
    h('label', { class: 'field-label', attrs: { for: id } }, spec.label, spec.required ? null : h('span', { class: 'optional' }, ' (optional)')),
    input,
    spec.hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, ...codeSpans(spec.hint)) : null,
    error ? h('p', { class: 'field-error', id: `${id}-error` }, icon('error'), h('span', {}, error)) : null,
  );
}

/** `backticked` parts of a hint as code. */
function codeSpans(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', {}, part) : part));
}

export function sshNote(): HTMLElement {
  return h(
    'p',
    { class: 'settings-note' },
    icon('terminal'),
    h(
      'span',
      {},
      'AuthBar connects with this computer\'s own ',
      h('code', {}, 'ssh'),
      ', using your keys, agent and known_hosts (a host key it does not know is refused). Nothing to install there: AuthBar copies itself into ',
      h('code', {}, '~/.cache/authbar'),
      ' on the host (every file checked by sha256) and runs with the host\'s own Node.',
    ),
  );
}
