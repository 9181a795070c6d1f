// The tray's glance: one icon for the worst status across agents, and a one-line tooltip
// ("2 of 5 agents need attention; next expiry: artist, Tue 14:05"). Readiness counts: a reached
// plan limit or OpenClaw's refresh cooldown is an error, an auth cooldown or a window above the
// warning threshold a warning, and the worst of those is named. Pure.
import type { AgentReport, StatusReport } from '../api.ts';
import { clockTime } from './clock-time.ts';
import { readinessRank, readinessWords, usageReadiness } from './readiness-words.ts';

export type TrayIcon = 'ok' | 'expiring' | 'error' | 'unreadable';

/** Agents that count: configured ones, on hosts whose answer is current. */
export function watchedAgents(report: Pick<StatusReport, 'agents'>, lastSeen: Readonly<Record<string, number>> = {}): AgentReport[] {
  return report.agents.filter((a) => a.configured && lastSeen[a.host] === undefined);
}

export function agentIcon(agent: AgentReport): TrayIcon {
  if (agent.status === 'unreadable') return 'unreadable';
  if (['expired', 'missing', 'needs-login'].includes(agent.status)) return 'error';
  const usage = usageReadiness(agent)?.state;
  if (usage === 'plan-limit' || usage === 'refresh-cooldown') return 'error';
  if (agent.status === 'expiring' || agent.status === 'refreshing' || agent.profiles.some((p) => p.stranded !== null) || usage) return 'expiring';
  return 'ok';
}

const RANK: Record<TrayIcon, number> = { ok: 0, expiring: 1, error: 2, unreadable: 3 };

export function needsAttention(agent: AgentReport): boolean {
  return agentIcon(agent) !== 'ok';
}

export interface TrayState {
  icon: TrayIcon;
  tooltip: string;
}

export function trayState(report: StatusReport, now: number, lastSeen: Readonly<Record<string, number>> = {}): TrayState {
  const agents = watchedAgents(report, lastSeen);
  const icon = agents.map(agentIcon).reduce<TrayIcon>((worst, i) => (RANK[i] > RANK[worst] ? i : worst), 'ok');
  const unreachable = Object.keys(lastSeen).length;
  const away = unreachable > 0 ? `; ${unreachable} host${unreachable > 1 ? 's' : ''} unreachable` : '';
  if (agents.length === 0) return { icon: unreachable > 0 ? 'unreadable' : 'ok', tooltip: `AuthBar: no OpenClaw agents found${away}` };
  const attention = agents.filter(needsAttention).length;
  let next: { name: string; at: number } | null = null;
  for (const agent of agents) {
    for (const profile of agent.profiles) {
      if (profile.expiresAt !== null && profile.expiresAt > now && (!next || profile.expiresAt < next.at)) {
        next = { name: agent.host === 'local' ? agent.id : `${agent.id} on ${agent.host}`, at: profile.expiresAt };
      }
    }
  }
  const head = attention === 0 ? `All ${agents.length} agent${agents.length > 1 ? 's' : ''} fine` : `${attention} of ${agents.length} agent${agents.length > 1 ? 's' : ''} need${attention === 1 ? 's' : ''} attention`;
  const tail = next ? `; next expiry: ${next.name}, ${clockTime(next.at, now)}` : '';
  return { icon, tooltip: `${head}${worstUsage(agents, now)}${tail}${away}` };
}

/** ": artist at the plan limit until Tue 15:12", for the worst usage readiness; '' when none. */
function worstUsage(agents: AgentReport[], now: number): string {
  // The worst first; between equals, an agent whose image generation rides on it (what users meet).
  const worst = agents
    .filter(usageReadiness)
    .sort((a, b) => readinessRank(a.readiness) - readinessRank(b.readiness) || Number(b.imageGeneration.dependsOnCodex) - Number(a.imageGeneration.dependsOnCodex))[0];
  const r = worst ? usageReadiness(worst) : null;
  if (!worst || !r) return '';
  const name = worst.host === 'local' ? worst.id : `${worst.id} on ${worst.host}`;
  const words = readinessWords(r, (at) => clockTime(at, now));
  return `: ${name} ${r.state === 'plan-limit' ? `at the ${words}` : words}`;
}
