// The panel's entry: follows the PanelState the app sends, draws it, keeps countdowns
// ticking, and turns clicks into calls on window.authbar (the only way out of this page).
// It never sees a token: PanelState is built from redacted reports only. Settings are read
// from each state as it comes; the panel keeps only what the app cannot know (which view is
// open, the "Add host" form as typed, a removal waiting for its Yes).
import type { AgentRef, AuthbarApi, PanelState } from '../main/core/panel-api.ts';
import { resetPhrase } from '../main/core/usage/format.ts';
import { Clock, liveAgentStatus, nextTickDelay } from './clock.ts';
import { checkDraft, emptyDraft, fieldError, HOST_FIELDS } from './host-form.ts';
import { rowKey } from './rows.ts';
import type { SettingsUi } from './settings-view.ts';
import { type PanelActions, renderPanel } from './view.ts';
import type { WelcomeUi } from './welcome.ts';
import { formatCountdown, lastSeenText, outcomeText } from './wording.ts';

declare global {
  interface Window {
    authbar: AuthbarApi;
  }
}

const COPIED_FOR_MS = 2000;
const HIGHLIGHT_FOR_MS = 2400;

const api = window.authbar;
const root = document.getElementById('app')!;
const announcer = document.getElementById('announcer')!;
const clock = new Clock();

let state: PanelState | null = null;
let error: string | null = null;
const copied = new Map<string, ReturnType<typeof setTimeout>>();
let tickTimer: ReturnType<typeof setTimeout> | undefined;
/** The row a notification asked for, highlighted for a moment (it survives redraws). */
let highlighted: { key: string; timer: ReturnType<typeof setTimeout> } | null = null;
/** The time-driven pills as last drawn; a tick that changes one redraws the rows. */
let drawnStatuses = '';
/** The markup last drawn: a state that draws the same is left on screen as it is. */
let drawnMarkup = '';
let settingsOpen = false;
const settingsUi: SettingsUi = { draft: emptyDraft(), errors: {}, addError: null, adding: false, confirming: null, removing: null, installingCli: false, cliNote: null };
/** Where the keyboard goes after the next draw (a control that replaced the focused one). */
let focusNext: string | null = null;
const welcomeUi: WelcomeUi = { startAtLogin: false, saving: false };
/** An agent asked for before its row was drawn (the panel was still loading): shown once it is. */
let pendingFocus: AgentRef | null = null;
let scrollToTop = false;

function announce(message: string): void {
  // A fresh node per message, so the same words twice are still read out.
  const line = document.createElement('p');
  line.textContent = message;
  announcer.append(line);
  while (announcer.childElementCount > 6) announcer.firstElementChild!.remove();
}

/** The words of a refused request. */
function reason(cause: unknown): string {
  // Electron prefixes IPC rejections with "Error invoking remote method '<channel>': ".
  return String((cause as Error)?.message ?? cause).replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
}

async function attempt(what: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    if (error !== null) {
      error = null;
      render();
    }
    return true;
  } catch (cause) {
    error = `Could not ${what}: ${reason(cause)}`;
    announce(error);
    render();
    return false;
  }
}

async function submitHost(): Promise<void> {
  const checked = checkDraft(settingsUi.draft);
  settingsUi.addError = null;
  if (checked.errors) {
    settingsUi.errors = checked.errors;
    focusNext = `host-${HOST_FIELDS.find((f) => checked.errors[f])}`;
    render();
    return;
  }
  const { host } = checked;
  Object.assign(settingsUi, { errors: {}, adding: true });
  render();
  try {
    await api.addHost(host);
    settingsUi.draft = emptyDraft();
    announce(`Added ${host.name}`);
  } catch (cause) {
    settingsUi.addError = `Could not add ${host.name}: ${reason(cause)}`;
    announce(settingsUi.addError);
  } finally {
    settingsUi.adding = false;
    render();
  }
}

async function removeHost(name: string): Promise<void> {
  settingsUi.removing = name;
  render();
  const removed = await attempt(`remove ${name}`, () => api.removeHost(name));
  Object.assign(settingsUi, { removing: null, confirming: null });
  focusNext = removed ? 'group:hosts' : `remove:${name}`;
  if (removed) announce(`Removed ${name}`);
  render();
}

function toggleSettings(): void {
  settingsOpen = !settingsOpen;
  settingsUi.confirming = null;
  focusNext = 'settings-toggle';
  scrollToTop = true;
  render();
}

const actions: PanelActions = {
  refresh: (ref) => void attempt(`refresh ${ref.agentId}`, () => api.refresh(ref)),
  refreshAll: () => void attempt('refresh all agents', () => api.refreshAll()),
  sync: (ref) => void attempt(`sync ${ref.agentId}`, () => api.sync(ref.host, ref.agentId)),
  openFolder: (ref) => void attempt(`open ${ref.agentId}'s folder`, () => api.openFolder(ref)),
  copyFix: (ref, profileId, focusId) =>
    void attempt(`copy the fix command for ${ref.agentId}`, async () => {
      await api.copyFix(ref.host, ref.agentId, profileId);
      clearTimeout(copied.get(focusId));
      copied.set(focusId, setTimeout(() => {
        copied.delete(focusId);
        render();
      }, COPIED_FOR_MS));
      announce(`Copied the fix command for ${ref.agentId}`);
      render();
    }),
  toggleSettings,
  changeSettings: (what, build) => {
    if (state) void attempt(what, () => api.setSettings(build(state!.settings)));
  },
  editDraft: (field, value) => {
    settingsUi.draft[field] = value;
    // A field's error goes (or changes) as it is corrected; a refusal goes with any edit.
    const stale = settingsUi.errors[field] !== undefined && fieldError(field, value) !== settingsUi.errors[field];
    if (stale) settingsUi.errors[field] = fieldError(field, value);
    if (stale || settingsUi.addError) {
      settingsUi.addError = null;
      render();
    }
  },
  submitHost: () => void submitHost(),
  confirmRemove: (name) => {
    const asked = settingsUi.confirming;
    settingsUi.confirming = name;
    focusNext = name !== null ? `remove-no:${name}` : asked !== null ? `remove:${asked}` : null;
    render();
  },
  removeHost: (name) => void removeHost(name),
  installCli: () => {
    settingsUi.installingCli = true;
    render();
    void attempt('install the command-line tool', async () => {
      const note = await api.installCli();
      settingsUi.cliNote = note;
      announce(note);
    }).finally(() => {
      settingsUi.installingCli = false;
      render();
    });
  },
  setWelcomeStartAtLogin: (on) => {
    welcomeUi.startAtLogin = on;
  },
  finishWelcome: (startAtLogin) => {
    welcomeUi.saving = true;
    render();
    void attempt('save your choice', () => api.setSettings({ startAtLogin })).finally(() => {
      welcomeUi.saving = false;
      focusNext = 'refresh-all';
      render();
    });
  },
};

function timeStatuses(now: number): string {
  return state ? state.report.agents.map((a) => liveAgentStatus(a, now, state!.report.warnAfterMs)).join() : '';
}

function render(): void {
  if (!state) return;
  const now = clock.now();
  const next = renderPanel({ state, now, copied: new Set(copied.keys()), error, settingsOpen, settingsUi, welcomeUi, actions });
  const markup = next.map((e) => e.outerHTML).join('');
  // Nothing to show differs: keep the page as it is, so a screen reader is not told again.
  if (markup !== drawnMarkup) {
    drawnMarkup = markup;
    // Redrawing replaces the controls; keep the keyboard (and the caret) where it was.
    const active = document.activeElement as HTMLElement | null;
    const focused = active?.closest<HTMLElement>('[data-focus]')?.dataset.focus;
    const focusedRow = active?.matches('[data-agent]') ? active.dataset.agent : undefined;
    const caret = active instanceof HTMLInputElement && active.type === 'text' ? [active.selectionStart, active.selectionEnd, active.selectionDirection] as const : null;
    const scroll = scrollToTop ? 0 : (document.scrollingElement?.scrollTop ?? 0);
    root.replaceChildren(...next);
    if (focused) {
      const again = focusable(focused);
      again?.focus({ preventScroll: true });
      if (caret && again instanceof HTMLInputElement) again.setSelectionRange(caret[0], caret[1], caret[2] ?? undefined);
    } else if (focusedRow) rowElement(focusedRow)?.focus({ preventScroll: true });
    if (highlighted) rowElement(highlighted.key)?.classList.add('is-highlighted');
    if (document.scrollingElement) document.scrollingElement.scrollTop = scroll;
  }
  scrollToTop = false;
  if (focusNext !== null) {
    focusable(focusNext)?.focus();
    focusNext = null;
  }
  drawnStatuses = timeStatuses(now);
  schedule(now);
  if (pendingFocus && rowElement(rowKey({ host: pendingFocus.host, id: pendingFocus.agentId }))) {
    const ref = pendingFocus;
    pendingFocus = null;
    focusAgent(ref);
  }
}

function focusable(id: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(id)}"]`);
}

function tick(): void {
  const now = clock.now();
  if (timeStatuses(now) !== drawnStatuses) return render();
  for (const el of root.querySelectorAll<HTMLElement>('[data-expires-at]')) {
    const text = formatCountdown(Number(el.dataset.expiresAt) - now);
    if (el.textContent !== text) el.textContent = text;
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-last-seen]')) el.textContent = lastSeenText(Number(el.dataset.lastSeen), now);
  for (const el of root.querySelectorAll<HTMLElement>('[data-resets-at]')) {
    const text = resetPhrase(Number(el.dataset.resetsAt), now);
    if (el.textContent !== text) el.textContent = text;
  }
  schedule(now);
}

function schedule(now: number): void {
  clearTimeout(tickTimer);
  const expiries = [...root.querySelectorAll<HTMLElement>('[data-expires-at]')].map((el) => Number(el.dataset.expiresAt));
  tickTimer = setTimeout(tick, nextTickDelay(expiries, now));
}

/** Reads out outcomes that arrived since the last state (not the ones already on screen). */
function announceNewResults(previous: PanelState | null, next: PanelState): void {
  if (!previous) return;
  for (const [key, results] of Object.entries(next.results)) {
    const before = previous.results[key] ?? [];
    for (const result of results) {
      if (before.some((b) => JSON.stringify(b) === JSON.stringify(result))) continue;
      announce(`${result.agentId}: ${outcomeText(result, next.now)}`);
    }
  }
}

function apply(next: PanelState): void {
  // Pushes and the first getState can cross: never go back to an older state.
  if (state && next.seq <= state.seq) return; // an older state that crossed a newer one
  announceNewResults(state, next);
  // A host removed elsewhere (the CLI, another window) takes its pending question with it.
  if (settingsUi.confirming !== null && settingsUi.removing === null && !next.settings.hosts.some((x) => x.name === settingsUi.confirming)) settingsUi.confirming = null;
  state = next;
  clock.sync(next.now);
  render();
}

function rowElement(key: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-agent="${CSS.escape(key)}"]`);
}

function focusAgent(ref: AgentRef): void {
  // A notification asks for an agent: show the agents, even if Settings was open.
  if (settingsOpen) toggleSettings();
  const key = rowKey({ host: ref.host, id: ref.agentId });
  const row = rowElement(key);
  // Not drawn yet (the first state is still on its way): kept until the rows are.
  if (!row) {
    pendingFocus = ref;
    return;
  }
  const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  row.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' });
  row.focus({ preventScroll: true });
  if (highlighted) clearTimeout(highlighted.timer);
  const timer = setTimeout(() => {
    highlighted = null;
    rowElement(key)?.classList.remove('is-highlighted');
  }, HIGHLIGHT_FOR_MS);
  highlighted = { key, timer };
  row.classList.add('is-highlighted');
}

// Escape leaves Settings (a pending "Remove …?" takes it first) and returns to the gear.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && settingsOpen && !event.defaultPrevented) {
    event.preventDefault();
    toggleSettings();
  }
});

api.onState(apply);
api.onFocus(focusAgent);
api.getState().then(apply, (cause: unknown) => {
  root.replaceChildren();
  const p = document.createElement('p');
  p.className = 'notice notice-bad';
  p.textContent = `AuthBar could not load its state: ${(cause as Error)?.message ?? String(cause)}`;
  root.append(p);
});
