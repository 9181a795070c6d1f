// The readable `authbar status`: a table of every agent's Codex sign-ins, then one line
// per problem naming the agent, the profile and the command that fixes it.
import { styleText } from 'node:util';
import type { AgentReport, ProfileReport, StatusReport } from '../core/api.ts';
import { formatRemaining, STATUS_LABELS, strandedWords } from '../core/format.ts';
import { hostWords } from '../core/remote/untrusted.ts';
import { type Cell, layoutColumns } from './columns.ts';
import { terminalText } from './terminal-text.ts';
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
  const stranded = strandedWords(profile);
  return stranded === null ? shared || '-' : `${shared} (${stranded})`;
}

function rows(agent: AgentReport, color: boolean): Cell[][] {
  const painter = (style: Style) => (color ? (text: string) => paint(style, text, true) : undefined);
  const label = (status: string): Cell => ({ text: STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status, paint: painter(STATUS_STYLE[status] ?? 'reset') });
  const host = agent.host === 'local' ? '' : `${agent.host}:`;
  const imageRisk = (profile: ProfileReport | undefined): Cell =>
    agent.imageGeneration.dependsOnCodex ? (profile && profile.status !== 'ok' ? { text: 'at risk', paint: painter('red') } : { text: 'uses token' }) : { text: '-' };
  if (agent.profiles.length === 0) {
    const why = agent.status === 'unreadable' ? 'store unreadable' : '-';
    return [[{ text: `${host}${agent.id}` }, { text: why }, label(agent.status), { text: '-' }, imageRisk(undefined), { text: '-' }, { text: '-' }]];
  }
  return agent.profiles.map((profile, index) => [
    { text: index === 0 ? `${host}${agent.id}` : '' },
    { text: `${profile.profileId}${profile.source === 'main' ? ' (main\'s)' : ''}` },
    label(agent.status === 'unreadable' && index === 0 ? 'unreadable' : profile.status),
    { text: formatRemaining(profile.remainingMs) },
    imageRisk(profile),
    { text: usageCell(profile.usage) },
    { text: sharedNote(profile) },
  ]);
}

const HEAD = ['AGENT', 'PROFILE', 'STATUS', 'EXPIRES', 'IMAGE GEN', 'USAGE', 'SHARED WITH'];

function table(agents: AgentReport[], color: boolean): string {
  const head: Cell[] = HEAD.map((text) => ({ text, paint: color ? (t: string) => paint('bold', t, true) : undefined }));
  const body: Cell[][] = [head];
  for (const agent of agents) for (const row of rows(agent, color)) body.push(row);
  return layoutColumns(body);
}

export function problemLines(report: StatusReport): string[] {
  // Each of a store's texts cleaned on its own (./terminal-text.ts): one field's stray escape
  // cannot swallow the words after it.
  const t = (text: string | null | undefined) => terminalText(text ?? '');
  const lines: string[] = [];
  for (const agent of report.agents) {
    const where = agent.host === 'local' ? `agent ${t(agent.id)}` : `agent ${t(agent.id)} on ${t(agent.host)}`;
    if (agent.status === 'unreadable') {
      // A host's path is its words too, quoted as its error already is (main/core/remote/remote-report.ts).
      const path = agent.host === 'local' ? t(agent.storePath) : hostWords(agent.storePath);
      lines.push(`${where}: ${path}: ${t(agent.error ?? 'unreadable')}. Fix: ${t(agent.fix)}`);
      continue;
    }
    if (agent.status === 'no-codex-profile' && agent.configured && agent.fix) {
      lines.push(`${where}: no Codex sign-in. Sign in with: ${t(agent.fix)}`);
      continue;
    }
    for (const profile of agent.profiles) {
      if (profile.fix === null) continue;
      const what = profile.stranded === 'likely'
        ? `probably holds a stranded copy (it expired beside a live copy of this account in ${t(profile.newerCopyIn)})`
        : profile.stranded
        ? `holds a stranded copy (a newer sign-in of this account is in ${t(profile.newerCopyIn)})`
        : profile.cause !== null ? t(profile.cause) : `${STATUS_LABELS[profile.status]} (${formatRemaining(profile.remainingMs)})`;
      lines.push(`${where}, profile ${t(profile.profileId)}: ${what}. Fix: ${t(profile.fix)}`);
    }
    // What only usage and OpenClaw's own record say (main/core/usage/readiness.ts); the rest has its line above.
    const r = agent.readiness;
    if (r && r.cause && ['refresh-cooldown', 'plan-limit', 'auth-cooldown', 'usage-high'].includes(r.state)) lines.push(`${where}: ${t(r.cause)}`);
  }
  return lines;
}

export function renderStatusTable(report: StatusReport, color: boolean): string {
  const out: string[] = [];
  const configured = report.agents.filter((a) => a.configured);
  const unconfigured = report.agents.filter((a) => !a.configured);
  if (report.configError) out.push(`${terminalText(report.configPath)}: ${terminalText(report.configError)}; showing agents found on disk only.`);
  if (report.agents.length === 0 && !report.hosts?.length) {
    out.push(`No OpenClaw agents found in ${terminalText(report.stateDir)}.`);
    out.push('Point AuthBar at another state dir with OPENCLAW_STATE_DIR=/path/to/.openclaw (or OPENCLAW_CONFIG_PATH).');
    return `${out.join('\n')}\n`;
  }
  if (configured.length > 0) out.push(table(configured, color));
  if (unconfigured.length > 0) {
    out.push('', report.configError
      ? `Found on disk (${terminalText(report.configPath)} could not be read, so which of these OpenClaw runs is unknown; their copies count):`
      : `Not in ${terminalText(report.configPath)} (directory only; OpenClaw does not run these, but their copies count):`);
    out.push(table(unconfigured, color));
  }
  for (const host of report.hosts ?? []) if (!host.reachable) out.push('', paint('red', terminalText(host.error ?? `host ${host.name} is unreachable`), color));
  for (const held of report.held ?? []) out.push('', paint('red', terminalText(held.message), color));
  const problems = problemLines(report);
  if (problems.length > 0) out.push('', ...problems.map((line) => paint('yellow', line, color)));
  const hostErrors = new Set([...(report.hosts ?? []).map((h) => h.error), ...(report.held ?? []).map((h) => h.message)]);
  for (const warning of report.warnings) if (!hostErrors.has(warning)) out.push(paint('gray', `note: ${terminalText(warning)}`, color));
  return `${out.join('\n')}\n`;
}
