// The notification planner: (statuses, settings, now, what was already sent, what the
// platform offers) → the one notification due now and when to wake next. Pure and
// clock-free, so lead times, dedupe, re-arming, batching and long sleeps are tested with
// explicit times. ("Keep tokens fresh" is planned apart, in keep-fresh-plan.ts.)
import type { AgentReport, ProfileReport, StatusReport } from '../api.ts';
import { formatDuration } from '../format.ts';
import type { AgentRef } from '../panel-api.ts';
import type { Settings } from '../settings.ts';
import { watchedAgents } from './tray-state.ts';

export interface PlanInput {
  report: StatusReport;
  settings: Settings;
  now: number;
  /** Keys of notices already shown. */
  sent: ReadonlySet<string>;
  /** Hosts whose last answer is stale: their expiries are not notified about. */
  lastSeen?: Readonly<Record<string, number>>;
  /** Whether the notification can carry a Refresh button (macOS and Windows, Electron 45). */
  refreshButton?: boolean;
}

export interface PlannedNotification {
  title: string;
  body: string;
  /** The agent the panel opens at when the notification is clicked. */
  focus: AgentRef;
  /** What the notification's Refresh action refreshes. */
  refreshable: AgentRef[];
}

export interface Plan {
  notification: PlannedNotification | null;
  /** Keys to remember as sent once the notification was shown (and only then). */
  markSent: string[];
  /** When to plan again; null when nothing is ahead. */
  nextWakeAt: number | null;
}

interface Notice {
  agent: AgentReport;
  profile: ProfileReport;
  remainingMs: number;
  kind: 'expiry' | 'needs-login';
}

const MINUTE = 60_000;

/** One credential, as of its current expiry: a refresh changes the key and so re-arms everything. */
const credentialKey = (agent: AgentReport, profile: ProfileReport) => `${agent.host}/${agent.id}/${profile.profileId}/${profile.expiresAt ?? 'none'}`;

const nameOf = (agent: AgentReport) => (agent.host === 'local' ? agent.id : `${agent.id} on ${agent.host}`);

function sentence(n: Notice): string {
  const name = nameOf(n.agent);
  const image = n.agent.imageGeneration.dependsOnCodex;
  if (n.kind === 'needs-login') return image ? `Image generation for ${name} will fail: sign in again` : `${name} needs a new Codex sign-in`;
  if (n.remainingMs > 0) {
    const when = `in ${formatDuration(n.remainingMs)}`;
    return image ? `Image generation for ${name} will fail ${when}` : `Codex sign-in for ${name} expires ${when}`;
  }
  return image ? `Image generation for ${name} fails now: its Codex token expired` : `Codex sign-in for ${name} has expired`;
}

function compose(notices: Notice[], refreshButton: boolean): PlannedNotification {
  // Image generation first (that is what users meet), then the most urgent.
  const ordered = [...notices].sort(
    (a, b) => Number(b.agent.imageGeneration.dependsOnCodex) - Number(a.agent.imageGeneration.dependsOnCodex) || a.remainingMs - b.remainingMs,
  );
  const first = ordered[0]!;
  const others = ordered.slice(1).map(sentence);
  // Only what this platform offers: a button where one exists, else the panel (the packaged
  // app puts no CLI on PATH, so no command line is suggested here).
  const action =
    first.kind === 'needs-login'
      ? "Click to open AuthBar's panel: it has the sign-in command to copy."
      : refreshButton
        ? "Click Refresh, or click to open AuthBar's panel."
        : "Click to open AuthBar's panel and refresh it there.";
  const refreshable = ordered.filter((n) => n.kind === 'expiry').map((n) => ({ host: n.agent.host, agentId: n.agent.id }));
  return {
    title: sentence(first),
    body: others.length > 0 ? `Also: ${others.join('; ')}. ${action}` : action,
    focus: { host: first.agent.host, agentId: first.agent.id },
    refreshable: [...new Map(refreshable.map((r) => [`${r.host}/${r.agentId}`, r])).values()],
  };
}

export function planNotifications({ report, settings, now, sent, lastSeen = {}, refreshButton = false }: PlanInput): Plan {
  const notices: Notice[] = [];
  const markSent: string[] = [];
  let nextWakeAt: number | null = null;
  const wakeAt = (at: number) => {
    if (at > now && (nextWakeAt === null || at < nextWakeAt)) nextWakeAt = at;
  };
  const leads = [...settings.notifications.leadTimesMinutes].sort((a, b) => b - a);

  for (const agent of watchedAgents(report, lastSeen)) {
    for (const profile of agent.profiles) {
      const key = credentialKey(agent, profile);
      if (profile.status === 'needs-login') {
        if (settings.notifications.enabled && !sent.has(`${key}/needs-login`)) {
          notices.push({ agent, profile, remainingMs: (profile.expiresAt ?? now) - now, kind: 'needs-login' });
          markSent.push(`${key}/needs-login`);
        }
        continue;
      }
      if (profile.expiresAt === null) continue; // no expiry to count down to: OpenClaw refreshes at next use
      const expiresAt = profile.expiresAt;
      if (settings.notifications.enabled) {
        const passed = leads.filter((lead) => now >= expiresAt - lead * MINUTE);
        const unsent = passed.filter((lead) => !sent.has(`${key}/${lead}`));
        // After a long sleep several lead times have passed: say only the most urgent, once.
        if (unsent.length > 0) {
          notices.push({ agent, profile, remainingMs: expiresAt - now, kind: 'expiry' });
          markSent.push(...unsent.map((lead) => `${key}/${lead}`));
        }
        for (const lead of leads) wakeAt(expiresAt - lead * MINUTE);
      }
    }
  }
  return { notification: notices.length > 0 ? compose(notices, refreshButton) : null, markSent, nextWakeAt };
}
