// Desktop notifications before image generation would fail: this file only shows what the pure
// plans say (expiry: main/core/ui/notify-plan.ts; the plan's usage windows:
// main/core/usage/notify-plan.ts), with one timer set to the soonest of their wakes (sleep and
// unlock re-plan at once: main/app/main.ts).
// - Every shown Notification is kept referenced until it is closed or clicked: Electron does
//   not, and once V8 collects one its click and action events are gone (electron#16922).
// - On Windows, as Electron 45 delivers them (shell/browser/notifications/win): a click on a
//   toast's body reaches only the object's 'click' event (so it is kept referenced); a button
//   reaches Notification.handleActivation with `type=action&action=0&tag=<id>`, and the object's
//   'action' event too, so buttons are taken from handleActivation alone (once). Each notice has
//   its own `id`, the toast's Tag, so a Refresh on an older toast refreshes that toast's agents.
//   After a restart (the Action Center, no object), a body click carries no arguments and opens
//   the panel; a tag this run never showed refreshes nothing.
// - A notice counts as sent only when it was shown; where the OS cannot or will not show it
//   ('failed') the panel's banner says it (and the tray icon shows the status, as always).
import { randomBytes } from 'node:crypto';
import { Notification } from 'electron';
import { type Controller, MAX_TIMER_MS } from '../core/controller.ts';
import type { AgentRef } from '../core/panel-api.ts';
import { planNotifications } from '../core/ui/notify-plan.ts';
import { combineUsageNotifications, planUsageNotifications } from '../core/usage/notify-plan.ts';

const MAX_LIVE = 20;
/** What a click on each recent toast does, by its id: more than a day's worth of notices. */
const MAX_REMEMBERED = 100;

/** The toast's tag in Windows' launch arguments; null when there is none (or it is not ours). */
function activatedTag(launchArguments: string): string | null {
  if (launchArguments.length > 1024) return null;
  const tag = new URLSearchParams(launchArguments).get('tag');
  return tag && /^ab[0-9a-f]{12}$/.test(tag) ? tag : null;
}

export interface NotifierOptions {
  controller: Pick<Controller, 'on' | 'state' | 'refresh' | 'setBanner' | 'usageAccounts' | 'warn'>;
  openPanel(focus?: AgentRef): void;
  platform: NodeJS.Platform;
  now?: () => number;
}

export interface Notifier {
  replan(): void;
  /** Says what a command did (the command-line tool was installed): a notification, or a notice in the panel where none can show. */
  tell(text: string): void;
  stop(): void;
}

export function setupNotifier({ controller, openPanel, platform, now = Date.now }: NotifierOptions): Notifier {
  const sent = new Set<string>();
  const live = new Set<Notification>();
  // Electron 45 offers button actions on macOS and Windows.
  const refreshButton = platform === 'darwin' || platform === 'win32';
  let timer: NodeJS.Timeout | undefined;
  /** What each shown notice opens and refreshes, by its id: Windows hands a button's id to handleActivation. */
  const targets = new Map<string, { focus?: AgentRef; refreshable: AgentRef[] }>();

  const refresh = (refs: AgentRef[]) => {
    for (const ref of refs) void controller.refresh(ref);
  };

  const show = (
    options: { title: string; body: string; actions?: Array<{ type: 'button'; text: string }> },
    target: { focus?: AgentRef; refreshable: AgentRef[] },
    onFailed?: () => void,
  ) => {
    // Short and hex: Windows caps a toast's Tag (16 characters before the Creators Update).
    const id = `ab${randomBytes(6).toString('hex')}`;
    targets.set(id, target);
    if (targets.size > MAX_REMEMBERED) targets.delete(targets.keys().next().value!);
    const onClick = () => openPanel(target.focus);
    const onAction = target.refreshable.length > 0 ? () => refresh(target.refreshable) : undefined;
    const notification = new Notification({ ...options, id, silent: false });
    const release = () => live.delete(notification);
    live.add(notification);
    // A toast left in Windows' Action Center may never close: keep the newest few, not all.
    if (live.size > MAX_LIVE) live.delete(live.values().next().value!);
    // On Windows a toast that times out moves to the Action Center, where a click still reaches
    // this object alone: it stays referenced until clicked (or pushed out by newer ones).
    notification.on('close', (details: { reason?: string }) => {
      if (!(platform === 'win32' && details?.reason === 'timedOut')) release();
    });
    notification.on('failed', () => {
      release();
      onFailed?.();
    });
    notification.on('click', () => {
      release();
      onClick();
    });
    if (onAction && platform !== 'win32') notification.on('action', () => {
      release();
      onAction();
    });
    notification.show();
  };

  if (platform === 'win32') {
    Notification.handleActivation((details) => {
      const tag = activatedTag(details.arguments ?? '');
      const target = tag ? targets.get(tag) : undefined;
      if (!target) return openPanel();
      if (details.type === 'action') refresh(target.refreshable);
      else openPanel(target.focus);
    });
  }

  // Notices the OS refused to show (Windows: 'failed'): not sent, and not tried again until
  // their credential changes; the banner carries them meanwhile.
  const refused = new Set<string>();
  let banner: string | null = null;
  const setBanner = (text: string | null) => {
    banner = text;
    controller.setBanner(text);
  };

  /**
   * Shows a planned notice once: its keys count as sent when shown, and go back to unsent (and
   * refused until they change) when the OS says it failed. Returns the banner text when it
   * could not be shown, else null.
   */
  const deliver = (due: { title: string; body: string; focus: AgentRef; refreshable: AgentRef[] }, markSent: string[], supported: boolean): string | null => {
    if (!supported || markSent.every((key) => refused.has(key))) return `${due.title} (${supported ? 'the system did not show the notification' : 'this system shows no notifications'})`;
    const actions = refreshButton && due.refreshable.length > 0 ? [{ type: 'button' as const, text: 'Refresh' }] : [];
    for (const key of markSent) sent.add(key);
    show({ title: due.title, body: due.body, actions }, { focus: due.focus, refreshable: due.refreshable }, () => {
      for (const key of markSent) {
        sent.delete(key);
        refused.add(key);
      }
      setBanner(`${due.title} (the system did not show the notification)`);
    });
    return null;
  };

  const replan = () => {
    clearTimeout(timer);
    timer = undefined;
    const state = controller.state();
    const at = now();
    const supported = Notification.isSupported();
    const plan = planNotifications({ report: state.report, settings: state.settings, now: at, sent, lastSeen: state.lastSeen, refreshButton });
    // The plan's usage windows, under the same switch as the expiry notices.
    const usage = state.settings.notifications.enabled ? planUsageNotifications({ accounts: controller.usageAccounts(), now: at, sent }) : null;
    const usageDue = usage ? combineUsageNotifications(usage.notifications) : null;
    let unshown: string | null = null;
    if (plan.notification) unshown = deliver(plan.notification, plan.markSent, supported);
    if (usageDue && usage) {
      const focus = { host: usageDue.host, agentId: usageDue.agents[0]! };
      unshown = deliver({ title: usageDue.title, body: usageDue.body, focus, refreshable: [] }, usage.markSent, supported) ?? unshown;
    }
    if (unshown !== null) setBanner(unshown);
    else if (!plan.notification && !usageDue && banner !== null) setBanner(null);
    const wakes = [plan.nextWakeAt, usage?.nextWakeAt ?? null].filter((w): w is number => w !== null);
    if (wakes.length > 0) timer = setTimeout(replan, Math.min(Math.max(Math.min(...wakes) - at, 1000), MAX_TIMER_MS));
  };

  const unsubscribe = controller.on((event) => {
    if (event.type === 'state') replan();
    if (event.type === 'auto-synced' && Notification.isSupported()) {
      const agents = event.agents.join(', ');
      const title = `Brought ${event.agents.length === 1 ? event.agents[0] : `${event.agents.length} agents`} along`;
      show({ title, body: `${agents} now hold${event.agents.length === 1 ? 's' : ''} the newest sign-in from ${event.source}.` }, { refreshable: [] });
    }
  });
  replan();
  return {
    replan,
    tell(text) {
      if (Notification.isSupported()) show({ title: 'AuthBar', body: text }, { refreshable: [] });
      else controller.warn(text);
    },
    stop() {
      unsubscribe();
      clearTimeout(timer);
      live.clear();
    },
  };
}
