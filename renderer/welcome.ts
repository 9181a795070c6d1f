// The first launch: what AuthBar found and where it looked, and the one question that changes
// the operating system, asked rather than assumed: start at login (off until the user says).
// Shown above the agents until the user answers; "Done" saves the settings, which ends the
// first launch for good.
import type { PanelState } from '../main/core/panel-api.ts';
import { h } from './dom.ts';

export interface WelcomeUi {
  /** The box as the user left it; off by default. */
  startAtLogin: boolean;
  saving: boolean;
}

export interface WelcomeActions {
  setWelcomeStartAtLogin(on: boolean): void;
  finishWelcome(startAtLogin: boolean): void;
}

export function renderWelcome(state: PanelState, ui: WelcomeUi, actions: WelcomeActions): HTMLElement {
  const { report } = state;
  const local = report.agents.filter((a) => a.host === 'local' && a.configured).length;
  const found = report.stateDir === ''
    ? 'AuthBar is reading OpenClaw\'s state…'
    : local === 0
      ? 'AuthBar found no OpenClaw agents yet in '
      : `AuthBar found ${local} OpenClaw ${local === 1 ? 'agent' : 'agents'} in `;
  const box = h('input', {
    id: 'welcome-start-at-login',
    class: 'check',
    attrs: { type: 'checkbox', checked: ui.startAtLogin ? '' : undefined, 'data-focus': 'welcome-start-at-login', 'aria-describedby': 'welcome-start-at-login-hint' },
    on: { change: () => actions.setWelcomeStartAtLogin(box.checked) },
  });
  return h(
    'section',
    { class: 'welcome', attrs: { 'aria-labelledby': 'welcome-title' } },
    h('h2', { id: 'welcome-title', class: 'welcome-title' }, 'Welcome to AuthBar'),
    h('p', {}, found, report.stateDir ? h('code', { class: 'path' }, state.stateDirShown ?? report.stateDir) : null, report.stateDir ? '.' : null),
    report.configPath ? h('p', { class: 'welcome-where' }, 'Agents are read from ', h('code', { class: 'path' }, state.configPathShown ?? report.configPath), '; set OPENCLAW_STATE_DIR if OpenClaw lives elsewhere.') : null,
    h('p', {}, 'It shows when each agent\'s Codex sign-in expires, refreshes them safely beside OpenClaw, and tells you before image generation would fail.'),
    h(
      'div',
      { class: 'setting' },
      box,
      h(
        'div',
        { class: 'setting-text' },
        h('label', { attrs: { for: 'welcome-start-at-login' } }, 'Start AuthBar at login'),
        h('p', { class: 'setting-hint', id: 'welcome-start-at-login-hint' }, 'Off unless you turn it on. You can change it later in Settings.'),
      ),
    ),
    h(
      'div',
      { class: 'welcome-actions' },
      h(
        'button',
        {
          class: 'btn btn-primary',
          attrs: { type: 'button', 'data-focus': 'welcome-done', 'aria-disabled': ui.saving ? 'true' : undefined },
          onClick: () => {
            if (!ui.saving) actions.finishWelcome(ui.startAtLogin);
          },
        },
        ui.saving ? 'Saving…' : 'Done',
      ),
    ),
  );
}
