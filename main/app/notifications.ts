// Notifications before image generation would fail. The plan is pure (main/core/ui/notify-plan.ts);
// this file shows it and keeps one timer, set to the next wake-up. On resume from sleep,
// unlock, or a state change the plan is made again at once. The timer is capped at ten
// minutes so that a wall-clock change (which Node's monotonic timers do not see) is caught soon.
import { Notification, powerMonitor } from 'electron';
import type { Controller } from '../core/controller.ts';
import type { AgentRef } from '../core/panel-api.ts';
import { planNotifications } from '../core/ui/notify-plan.ts';

const MAX_SLEEP_MS = 10 * 60_000;

export interface NotificationOptions {
  controller: Controller;
  openPanel(focus?: AgentRef): void;
  now?: () => number;
  platform?: NodeJS.Platform;
}

export function setupNotifications({ controller, openPanel, now = Date.now, platform = process.platform }: NotificationOptions): { replan(): void; stop(): void } {
  const sent = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const replan = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const state = controller.state();
    const plan = planNotifications({ report: state.report, settings: state.settings, now: now(), sent, lastSeen: state.lastSeen });
    for (const key of plan.markSent) sent.add(key);
    if (plan.notification && Notification.isSupported()) {
      const { title, body, focus, refreshable } = plan.notification;
      // Actions exist on macOS only; elsewhere the click opens the panel at the agent.
      const actions = platform === 'darwin' && refreshable.length > 0 ? [{ type: 'button' as const, text: 'Refresh' }] : [];
      const notification = new Notification({ title, body, actions, silent: false });
      notification.on('click', () => openPanel(focus));
      notification.on('action', () => {
        for (const ref of refreshable) void controller.refresh(ref);
      });
      notification.show();
    }
    for (const ref of plan.refreshDue) void controller.refresh(ref);
    if (plan.nextWakeAt !== null) timer = setTimeout(replan, Math.min(Math.max(plan.nextWakeAt - now(), 1000), MAX_SLEEP_MS));
  };

  const unsubscribe = controller.on((event) => {
    if (event.type === 'state') replan();
    if (event.type === 'auto-synced' && Notification.isSupported()) {
      const agents = event.agents.join(', ');
      new Notification({ title: `Brought ${event.agents.length === 1 ? event.agents[0] : `${event.agents.length} agents`} along`, body: `${agents} now hold${event.agents.length === 1 ? 's' : ''} the newest sign-in from ${event.source}.` }).show();
    }
  });
  for (const name of ['resume', 'unlock-screen', 'user-did-become-active'] as const) powerMonitor.on(name as 'resume', replan);
  replan();
  return {
    replan,
    stop() {
      unsubscribe();
      if (timer) clearTimeout(timer);
      for (const name of ['resume', 'unlock-screen', 'user-did-become-active'] as const) powerMonitor.off(name as 'resume', replan);
    },
  };
}
