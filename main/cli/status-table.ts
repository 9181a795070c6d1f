// The readable `authbar status`: a table of every agent's Codex sign-ins, then one line
// per problem naming the agent, the profile and the command that fixes it.
import { styleText } from 'node:util';
import Table from 'cli-table3';
import type { AgentReport, ProfileReport, StatusReport } from '../core/api.ts';
import { formatRemaining, STATUS_LABELS } from '../core/format.ts';
import { usageCell } from '../core/usage/format.ts';

type Style = Parameters<typeof styleText>[0];

const STATUS_STYLE: Record<string, Style> = {
  ok: 'green',
  expiring: 'yellow',
  refreshing: 'cyan',
  missing: 'red',
  expired: 'red',
  'needs-login': 'red',
  unreadable: 'red',
  'no-codex-profile': 'gray',
};

function paint(style: Style, text: string, color: boolean): string {
  return color ? styleText(style, text, { validateStream: false }) : text;
}

function sharedNote(profile: ProfileReport): string {
  const shared = profile.sharedWith.join(', ');
  if (profile.newerCopyIn === null) return shared || '-';
  // Certain: AuthBar's history saw the token rotated away. Likely: an expired copy beside a live one.
  return `${shared} (${profile.stranded === 'likely' ? 'probably stranded' : 'stranded'}: newer sign-in in ${profile.newerCopyIn})`;
}

function rows(agent: AgentReport, color: boolean): string[][] {
  const label = (status: string) => paint(STATUS_STYLE[status] ?? 'reset', STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status, color);
  const host = agent.host === 'local' ? '' : `${agent.host}:`;
  const imageRisk = (profile: ProfileReport | undefined) =>
    agent.imageGeneration.dependsOnCodex ? (profile && profile.status !== 'ok' ? paint('red', 'at risk', color) : 'uses token') : '-';
  if (agent.profiles.length === 0) {
    const why = agent.status === 'unreadable' ? 'store unreadable' : '-';
    return [[`${host}${agent.id}`, why, label(agent.status), '-', imageRisk(undefined), '-', '-']];
  }
  return agent.profiles.map((profile, index) => [
    index === 0 ? `${host}${agent.id}` : '',
    `${profile.profileId}${profile.source === 'main' ? ' (main\'s)' : ''}`,
    label(agent.status === 'unreadable' && index === 0 ? 'unreadable' : profile.status),
    formatRemaining(profile.remainingMs),
    imageRisk(profile),
    usageCell(profile.usage),
    sharedNote(profile),
  ]);
}

function table(agents: AgentReport[], color: boolean): string {
  const t = new Table({
    head: ['AGENT', 'PROFILE', 'STATUS', 'EXPIRES', 'IMAGE GEN', 'USAGE', 'SHARED WITH'],
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: color ? ['bold'] : [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const agent of agents) t.push(...rows(agent, color));
  return t.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}

export function problemLines(report: StatusReport): string[] {
  const lines: string[] = [];
  for (const agent of report.agents) {
    const where = agent.host === 'local' ? `agent ${agent.id}` : `agent ${agent.id} on ${agent.host}`;
    if (agent.status === 'unreadable') {
      lines.push(`${where}: ${agent.storePath}: ${agent.error ?? 'unreadable'}. Fix: ${agent.fix}`);
      continue;
    }
    if (agent.status === 'no-codex-profile' && agent.configured && agent.fix) {
      lines.push(`${where}: no Codex sign-in. Sign in with: ${agent.fix}`);
      continue;
    }
    for (const profile of agent.profiles) {
      if (profile.fix === null) continue;
      const what = profile.stranded === 'likely'
        ? `probably holds a stranded copy (it expired beside a live copy of this account in ${profile.newerCopyIn})`
        : profile.stranded
        ? `holds a stranded copy (a newer sign-in of this account is in ${profile.newerCopyIn})`
        : profile.cause ?? `${STATUS_LABELS[profile.status]} (${formatRemaining(profile.remainingMs)})`;
      lines.push(`${where}, profile ${profile.profileId}: ${what}. Fix: ${profile.fix}`);
    }
  }
  return lines;
}

export function renderStatusTable(report: StatusReport, color: boolean): string {
  const out: string[] = [];
  const configured = report.agents.filter((a) => a.configured);
  const unconfigured = report.agents.filter((a) => !a.configured);
  if (report.configError) out.push(`${report.configPath}: ${report.configError}; showing agents found on disk only.`);
  if (report.agents.length === 0 && !report.hosts?.length) {
    out.push(`No OpenClaw agents found in ${report.stateDir}.`);
    out.push('Point AuthBar at another state dir with OPENCLAW_STATE_DIR=/path/to/.openclaw (or OPENCLAW_CONFIG_PATH).');
    return `${out.join('\n')}\n`;
  }
  if (configured.length > 0) out.push(table(configured, color));
  if (unconfigured.length > 0) {
    out.push('', `Not in ${report.configPath} (directory only; OpenClaw does not run these, but their copies count):`);
    out.push(table(unconfigured, color));
  }
  for (const host of report.hosts ?? []) if (!host.reachable) out.push('', paint('red', host.error ?? `host ${host.name} is unreachable`, color));
  for (const held of report.held ?? []) out.push('', paint('red', held.message, color));
  const problems = problemLines(report);
  if (problems.length > 0) out.push('', ...problems.map((line) => paint('yellow', line, color)));
  const hostErrors = new Set([...(report.hosts ?? []).map((h) => h.error), ...(report.held ?? []).map((h) => h.message)]);
  for (const warning of report.warnings) if (!hostErrors.has(warning)) out.push(paint('gray', `note: ${warning}`, color));
  return `${out.join('\n')}\n`;
}
