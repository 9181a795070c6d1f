// What a remote AuthBar reports is checked field by field against the rules local values obey
// (OpenClaw's agent id pattern, profile ids, providers, finite numbers, bounded text), and a
// host that breaks one is "answered with invalid data": nothing of its report is shown. Free
// text is shown only cleaned of escape sequences and controls; its explanations (causes,
// errors, warnings) in quotes, as the host's words (./untrusted.ts hostWords). Fix
// commands are never taken from the host: each is rebuilt here from validated fields and
// prefixed with the ssh command that reaches the host, so a pasted fix runs what it says.
import type { AgentReport, HeldSignIn, ProfileOutcome, ProfileReport, RefreshReport, StatusReport } from '../api.ts';
import { fixCommand } from '../fixes.ts';
import { AGENT_ID_PATTERN, MAIN_AGENT_ID } from '../openclaw/paths.ts';
import type { Host } from '../settings.ts';
import { RemoteError, sshCommand } from './ssh.ts';
import { hostWords } from './untrusted.ts';
import { inDateRange } from '../date-range.ts';
import { cleanText } from '../clean-text.ts';
import { cleanReadiness, cleanUsage } from '../usage/untrusted.ts';

/** OpenClaw's profile ids: `openai-codex:default`, `openai-codex:<email>`, `openai:codex-cli`. */
const PROFILE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,199}$/;
const PROVIDER = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const REMOTE_VERSION = /^\d{1,4}\.\d{1,4}\.\d{1,4}(?:[-+][0-9A-Za-z.-]{1,40})?$/;
const MAX_TEXT = 500;
const MAX_PATH = 4096;
const MAX_WARNINGS = 100;

/** Thrown at the first field that breaks a rule: where, never what (the value is the host's). */
class Invalid extends Error {}

const check = (ok: boolean, where: string): void => {
  if (!ok) throw new Invalid(where);
};
const id = (value: string, where: string): string => (check(AGENT_ID_PATTERN.test(value), where), value);
const finite = (value: number | null, where: string): number | null => (check(value === null || inDateRange(value), where), value);
const text = (value: string, max = MAX_TEXT): string => cleanText(value, max);
const optionalText = (value: string | null, max = MAX_TEXT): string | null => (value === null ? null : text(value, max));
/** A host's explanation (a cause, an error, a warning): shown in its quotes, as its words. */
const words = (value: string): string => hostWords(value, MAX_TEXT);
const optionalWords = (value: string | null): string | null => (value === null ? null : words(value));

export function invalidData(host: Host, where: string): RemoteError {
  return new RemoteError(host.name, 'invalid', `host ${host.name} answered with invalid data (${where}); nothing from it is shown`);
}

function guard<T>(host: Host, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof Invalid) throw invalidData(host, error.message);
    throw error;
  }
}

/** The words of a command AuthBar itself suggests, recognised in what a host sent; null for anything else. */
const FIX_TEMPLATES: Array<{ program: 'authbar' | 'openclaw'; words: string[] }> = [
  { program: 'authbar', words: ['sync', '--agent', '<id>'] },
  { program: 'authbar', words: ['refresh', '--agent', '<id>'] },
  { program: 'authbar', words: ['recover'] },
  { program: 'openclaw', words: ['models', 'auth', 'login', '--provider', 'openai', '--agent', '<id>'] },
  { program: 'openclaw', words: ['models', 'auth', '--agent', '<id>', 'login', '--provider', '<provider>'] },
  { program: 'openclaw', words: ['models', 'status', '--probe', '--agent', '<id>'] },
  { program: 'openclaw', words: ['doctor', '--fix'] },
];

/**
 * A host's fix (for an agent-level problem or a failed outcome, where AuthBar cannot rebuild it
 * from facts) mapped onto one of AuthBar's own commands, its agent id and provider validated,
 * then rebuilt: the host's string itself is never used. Anything else is no fix at all.
 */
export function rebuildFix(host: Host, fix: string | null): string | null {
  if (fix === null) return null;
  // OpenClaw-unreadable stores: "repair or remove PATH, then run COMMAND"; only COMMAND is kept.
  const command = fix.includes(', then run ') ? fix.slice(fix.lastIndexOf(', then run ') + ', then run '.length) : fix;
  const [program, ...words] = command.split(' ');
  for (const template of FIX_TEMPLATES) {
    if (template.program !== program || template.words.length !== words.length) continue;
    const matches = template.words.every((word, i) =>
      word === '<id>' ? AGENT_ID_PATTERN.test(words[i]!) : word === '<provider>' ? words[i] === 'openai-codex' || words[i] === 'openai' : word === words[i]);
    if (matches) return sshCommand(host, template.program, words);
  }
  return null;
}

/** A fix from AuthBar's own rules (../fixes.ts), on the host, through ssh. */
function remoteFix(host: Host, fix: string | null): string | null {
  if (fix === null) return null;
  const [program, ...words] = fix.split(' ');
  return sshCommand(host, program === 'openclaw' ? 'openclaw' : 'authbar', words);
}

function cleanProfile(host: Host, agent: AgentReport, profile: ProfileReport, where: string): ProfileReport {
  check(PROFILE_ID.test(profile.profileId), `${where}.profileId`);
  check(PROVIDER.test(profile.provider), `${where}.provider`);
  const stranded = profile.stranded !== null;
  return {
    profileId: profile.profileId,
    provider: profile.provider,
    source: profile.source,
    status: profile.status,
    expiresAt: finite(profile.expiresAt, `${where}.expiresAt`),
    remainingMs: finite(profile.remainingMs, `${where}.remainingMs`),
    jwtExpiresAt: finite(profile.jwtExpiresAt, `${where}.jwtExpiresAt`),
    email: optionalText(profile.email, 320),
    accountId: optionalText(profile.accountId, 200),
    sharedWith: profile.sharedWith.map((other, i) => id(other, `${where}.sharedWith.${i}`)),
    newerCopyIn: profile.newerCopyIn === null ? null : id(profile.newerCopyIn, `${where}.newerCopyIn`),
    stranded: profile.stranded,
    storePath: text(profile.storePath, MAX_PATH),
    cause: optionalWords(profile.cause),
    fix: remoteFix(host, fixCommand({
      agentId: agent.id,
      holder: profile.source === 'main' ? MAIN_AGENT_ID : agent.id,
      provider: profile.provider,
      status: profile.status,
      stranded,
      writable: agent.writable,
    })),
    ...(profile.usage ? { usage: cleanUsage(host, check, profile.usage, `${where}.usage`) } : {}),
    ...(profile.error === undefined ? {} : { error: words(profile.error) }),
  };
}

function cleanAgent(host: Host, agent: AgentReport, index: number): AgentReport {
  const where = `agents.${index}`;
  id(agent.id, `${where}.id`);
  const profiles = agent.profiles.map((p, i) => cleanProfile(host, agent, p, `${where}.profiles.${i}`));
  const fix = agent.status === 'unreadable' || profiles.length === 0 ? rebuildFix(host, agent.fix) : (profiles.find((p) => p.fix !== null)?.fix ?? null);
  return {
    id: agent.id,
    host: host.name,
    configured: agent.configured,
    isDefault: agent.isDefault,
    agentDir: text(agent.agentDir, MAX_PATH),
    storePath: text(agent.storePath, MAX_PATH),
    storeKind: agent.storeKind,
    status: agent.status,
    ...(agent.openclawStatus === undefined ? {} : { openclawStatus: agent.openclawStatus }),
    ...(agent.error === undefined ? {} : { error: words(agent.error) }),
    writable: agent.writable,
    imageGeneration: { model: optionalText(agent.imageGeneration.model, 200), dependsOnCodex: agent.imageGeneration.dependsOnCodex },
    profiles,
    fix,
    ...(agent.readiness ? { readiness: cleanReadiness(host, check, agent.readiness, `${where}.readiness`) } : {}),
  };
}

/** A remote `status --json` report, checked and cleaned, every agent tagged with the host. */
export function acceptStatusReport(host: Host, report: StatusReport): StatusReport {
  return guard(host, () => {
    check(REMOTE_VERSION.test(report.version), 'version');
    check(!Number.isNaN(Date.parse(report.generatedAt)) && report.generatedAt.length <= 40, 'generatedAt');
    finite(report.warnAfterMs, 'warnAfterMs');
    const held = (report.held ?? []).map((h, i) => cleanHeld(host, h, `held.${i}`));
    const heldMessages = new Set((report.held ?? []).map((h) => h.message));
    return {
      version: report.version,
      stateDir: text(report.stateDir, MAX_PATH),
      configPath: text(report.configPath, MAX_PATH),
      ...(report.configError === undefined ? {} : { configError: words(report.configError) }),
      generatedAt: report.generatedAt,
      warnAfterMs: report.warnAfterMs,
      agents: report.agents.map((agent, i) => cleanAgent(host, agent, i)),
      // The host's own words for a held sign-in are replaced by ours (with the ssh command) below.
      warnings: report.warnings.filter((w) => !heldMessages.has(w)).slice(0, MAX_WARNINGS).map((w) => words(w)),
      ...(held.length > 0 ? { held } : {}),
    };
  });
}

/** A rotated sign-in the host's AuthBar holds: its message rebuilt here, `authbar recover` run there. */
function cleanHeld(host: Host, held: HeldSignIn, where: string): HeldSignIn {
  const agents = held.agents.map((other, i) => id(other, `${where}.agents.${i}`));
  check(held.profileId === '*' || PROFILE_ID.test(held.profileId), `${where}.profileId`);
  // Re-written from the time it names: V8's Date.parse skips a parenthesised comment, which can hold escapes.
  const since = held.heldSince.length <= 40 ? Date.parse(held.heldSince) : Number.NaN;
  check(inDateRange(since), `${where}.heldSince`);
  return {
    agents,
    profileId: held.profileId,
    heldSince: new Date(since).toISOString(),
    message: `a rotated sign-in for ${agents.join(', ') || 'an agent'} on ${host.name} is held by AuthBar there: run ${sshCommand(host, 'authbar', ['recover'])}`,
  };
}

function cleanOutcome(host: Host, result: ProfileOutcome, index: number): ProfileOutcome {
  const where = `results.${index}`;
  check(result.agentId === '*' || AGENT_ID_PATTERN.test(result.agentId), `${where}.agentId`);
  check(result.profileId === '*' || PROFILE_ID.test(result.profileId), `${where}.profileId`);
  return {
    agentId: result.agentId,
    host: host.name,
    profileId: result.profileId,
    outcome: result.outcome,
    failureKind: result.failureKind,
    cause: optionalWords(result.cause),
    fix: rebuildFix(host, result.fix),
    expiresAt: finite(result.expiresAt, `${where}.expiresAt`),
    syncedAgents: result.syncedAgents.map((other, i) => id(other, `${where}.syncedAgents.${i}`)),
    source: result.source === null ? null : id(result.source, `${where}.source`),
  };
}

/** A remote `refresh|sync --json` report, checked and cleaned, every outcome tagged with the host. */
export function acceptRefreshReport(host: Host, report: RefreshReport): RefreshReport {
  return guard(host, () => {
    check(REMOTE_VERSION.test(report.version), 'version');
    check(!Number.isNaN(Date.parse(report.generatedAt)) && report.generatedAt.length <= 40, 'generatedAt');
    check(Number.isSafeInteger(report.requests) && report.requests >= 0, 'requests');
    return {
      version: report.version,
      generatedAt: report.generatedAt,
      ...(report.dryRun === undefined ? {} : { dryRun: report.dryRun }),
      requests: report.requests,
      results: report.results.map((r, i) => cleanOutcome(host, r, i)),
    };
  });
}
