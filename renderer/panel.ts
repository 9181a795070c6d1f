// The panel's entry: follows the PanelState the app sends, draws it, keeps countdowns
// ticking, and turns clicks into calls on window.authbar (the only way out of this page).
// It never sees a token: PanelState is built from redacted reports only.
import type { AgentRef, AuthbarApi, PanelState } from '../main/core/panel-api.ts';
import { Clock, liveAgentStatus, nextTickDelay } from './clock.ts';
import { rowKey } from './rows.ts';
import { type PanelActions, renderPanel } from './view.ts';
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

function announce(message: string): void {
  // A fresh node per message, so the same words twice are still read out.
  const line = document.createElement('p');
  line.textContent = message;
  announcer.append(line);
  while (announcer.childElementCount > 6) announcer.firstElementChild!.remove();
}

async function attempt(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    if (error !== null) {
      error = null;
      render();
    }
  } catch (cause) {
    // Electron prefixes IPC rejections with "Error invoking remote method '<channel>': ".
    const message = String((cause as Error)?.message ?? cause).replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
    error = `Could not ${what}: ${message}`;
    announce(error);
    render();
  }
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
};

function timeStatuses(now: number): string {
  return state ? state.report.agents.map((a) => liveAgentStatus(a, now, state!.report.warnAfterMs)).join() : '';
}

function render(): void {
  if (!state) return;
  const now = clock.now();
  // Redrawing replaces the buttons; keep the keyboard where it was.
  const active = document.activeElement as HTMLElement | null;
  const focused = active?.closest<HTMLElement>('[data-focus]')?.dataset.focus;
  const focusedRow = active?.matches('[data-agent]') ? active.dataset.agent : undefined;
  const scroll = document.scrollingElement?.scrollTop ?? 0;
  root.replaceChildren(...renderPanel({ state, now, copied: new Set(copied.keys()), error, actions }));
  if (focused) root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  else if (focusedRow) rowElement(focusedRow)?.focus({ preventScroll: true });
  if (highlighted) rowElement(highlighted.key)?.classList.add('is-highlighted');
  if (document.scrollingElement) document.scrollingElement.scrollTop = scroll;
  drawnStatuses = timeStatuses(now);
  schedule(now);
}

function tick(): void {
  const now = clock.now();
  if (timeStatuses(now) !== drawnStatuses) return render();
  for (const el of root.querySelectorAll<HTMLElement>('[data-expires-at]')) {
    const text = formatCountdown(Number(el.dataset.expiresAt) - now);
    if (el.textContent !== text) el.textContent = text;
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-last-seen]')) el.textContent = lastSeenText(Number(el.dataset.lastSeen), now);
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
  state = next;
  clock.sync(next.now);
  render();
}

function rowElement(key: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-agent="${CSS.escape(key)}"]`);
}

function focusAgent(ref: AgentRef): void {
  const key = rowKey({ host: ref.host, id: ref.agentId });
  const row = rowElement(key);
  if (!row) return;
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

api.onState(apply);
api.onFocus(focusAgent);
api.getState().then(apply, (cause: unknown) => {
  root.replaceChildren();
  const p = document.createElement('p');
  p.className = 'notice notice-bad';
  p.textContent = `AuthBar could not load its state: ${(cause as Error)?.message ?? String(cause)}`;
  root.append(p);
});
