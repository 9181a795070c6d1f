// (what was read, what AuthBar remembers, now) → the redacted status report. No I/O and no
// clock: `now` is an argument, so every verdict is tested with explicit times.
import type { AgentReport, AgentStatus, ProfileReport, ProfileStatus, StatusReport } from './api.ts';
import { PROFILE_STATUSES } from './status-names.ts';
import { expiryStatus } from './verdict.ts';
import type { CredentialCopy, EffectiveProfile, Inventory } from './copies.ts';
import { fixCommand, loginCommand } from './fixes.ts';
import { shellQuote } from './shell-quote.ts';
import { imageGenerationFor } from './image-generation.ts';
import type { Lineages } from './lineage.ts';
import type { Scan } from './scan.ts';
import type { Strandings } from './stranded.ts';

/** OpenClaw's own `models status` warn window (`auth.oauth.warnAfterMs`). */
export const DEFAULT_WARN_AFTER_MS = 24 * 60 * 60 * 1000;

export interface StatusInputs {
  scan: Scan;
  inventory: Inventory;
  lineages: Lineages;
  strandings: Strandings;
  /** Copy key → why the last refresh proved its refresh token dead (still the same token). */
  needsLogin: ReadonlyMap<string, string>;
  warnAfterMs: number;
  now: number;
  version: string;
  warnings?: string[];
}

export { expiryStatus };

export function profileStatus(copy: CredentialCopy, needsLoginCause: string | undefined, now: number, warnAfterMs: number): ProfileStatus {
  if (copy.fence === 'pending') return 'refreshing';
  if (copy.fence === 'failed' || needsLoginCause !== undefined) return 'needs-login';
  return expiryStatus(copy.credential.expires, now, warnAfterMs);
}

const severity = (status: ProfileStatus): number => PROFILE_STATUSES.indexOf(status);

export function worstStatus(statuses: ProfileStatus[]): ProfileStatus | null {
  return statuses.reduce<ProfileStatus | null>((worst, s) => (worst === null || severity(s) > severity(worst) ? s : worst), null);
}

/** Agent ids using each copy: its holder, and every agent whose effective profile it is. */
function usersByCopy(inventory: Inventory): Map<string, Set<string>> {
  const users = new Map<string, Set<string>>();
  const add = (key: string, agentId: string) => {
    let set = users.get(key);
    if (!set) users.set(key, (set = new Set()));
    set.add(agentId);
  };
  for (const copy of inventory.copies) add(copy.key, copy.holder);
  for (const [agentId, profiles] of inventory.effective) for (const { copy } of profiles) add(copy.key, agentId);
  return users;
}

function causeOf(copy: CredentialCopy, status: ProfileStatus, needsLoginCause: string | undefined): string | null {
  if (copy.credential.malformed.length > 0) return copy.credential.malformed[0]!;
  if (copy.fence === 'failed') return 'refresh failed: sign in again';
  if (copy.fence === 'pending') return 'OpenClaw is refreshing this token now';
  if (needsLoginCause !== undefined) return `the refresh token was rejected (${needsLoginCause})`;
  if (status === 'missing') return 'the store holds no expiry; OpenClaw refreshes it at next use';
  return null;
}

function profileReport(agentId: string, writable: boolean, profile: EffectiveProfile, inputs: StatusInputs, users: Map<string, Set<string>>): ProfileReport {
  const { copy, source } = profile;
  const needsLoginCause = inputs.needsLogin.get(copy.key);
  const status = profileStatus(copy, needsLoginCause, inputs.now, inputs.warnAfterMs);
  const stranding = inputs.strandings.get(copy.key) ?? null;
  const sharedWith = new Set<string>();
  for (const peer of inputs.lineages.byAccount.get(copy.key) ?? [copy]) {
    for (const user of users.get(peer.key) ?? []) if (user !== agentId) sharedWith.add(user);
  }
  // A fence's `expires: 1` is a marker, not an expiry (OpenClaw 2026.9.6 shows none either).
  const expires = copy.fence === null ? copy.credential.expires : null;
  const malformed = copy.credential.malformed;
  const report: ProfileReport = {
    profileId: copy.credential.profileId,
    provider: copy.credential.provider,
    source,
    status,
    expiresAt: expires,
    remainingMs: expires === null ? null : expires - inputs.now,
    jwtExpiresAt: copy.jwtExpiresAt,
    email: copy.email,
    accountId: copy.shownAccountId,
    sharedWith: [...sharedWith].sort(),
    newerCopyIn: stranding?.newest.holder ?? null,
    stranded: stranding?.kind ?? null,
    storePath: copy.storePath,
    cause: causeOf(copy, status, needsLoginCause),
    fix: malformed.length > 0
      ? loginCommand(copy.holder, copy.credential.provider)
      : fixCommand({ agentId, holder: copy.holder, provider: copy.credential.provider, status, stranded: stranding !== null, writable }),
  };
  if (malformed.length > 0) report.error = malformed.join('; ');
  return report;
}

export function buildStatusReport(inputs: StatusInputs): StatusReport {
  const { scan, inventory, now } = inputs;
  const users = usersByCopy(inventory);
  const config = scan.config.ok ? scan.config.config : null;
  const configured = new Map((config?.agents ?? []).map((a) => [a.id, a]));
  const agents: AgentReport[] = scan.agents.map((agent) => {
    const profiles = (inventory.effective.get(agent.id) ?? []).map((p) => profileReport(agent.id, agent.writable, p, inputs, users));
    const unreadable = agent.store.state === 'unreadable' ? agent.store : null;
    const worst = worstStatus(profiles.map((p) => p.status));
    const openclawStatus = worst ?? 'no-codex-profile';
    const status: AgentStatus = unreadable ? 'unreadable' : openclawStatus;
    const provider = profiles[0]?.provider ?? (scan.era === 'sqlite' ? 'openai' : 'openai-codex');
    const report: AgentReport = {
      id: agent.id,
      host: 'local',
      configured: agent.configured,
      isDefault: agent.isDefault,
      agentDir: agent.agentDir,
      storePath: agent.store.path,
      storeKind: agent.store.state === 'absent' ? 'json' : agent.store.kind,
      status,
      openclawStatus,
      writable: agent.writable,
      imageGeneration: imageGenerationFor(configured.get(agent.id), config, profiles.length > 0, inventory.hasAnyCodexProfile.get(agent.id) ?? false),
      profiles,
      fix: unreadable
        ? (unreadable.fix ?? `repair or remove ${shellQuote(unreadable.path)}, then run ${loginCommand(agent.id, provider)}`)
        : profiles.length === 0
          ? loginCommand(agent.id, provider)
          : (profiles.find((p) => p.fix !== null)?.fix ?? null),
    };
    if (unreadable) report.error = unreadable.error;
    return report;
  });
  const report: StatusReport = {
    version: inputs.version,
    stateDir: scan.stateDir,
    configPath: scan.config.path,
    generatedAt: new Date(now).toISOString(),
    warnAfterMs: inputs.warnAfterMs,
    agents,
    warnings: [...(config?.warnings ?? []), ...(inputs.warnings ?? [])],
  };
  if (!scan.config.ok) report.configError = scan.config.error;
  return report;
}

/** `--check`: 1 when anything needs action now, 2 when something is about to, else 0. */
export function checkExitCode(report: StatusReport): 0 | 1 | 2 {
  // OpenClaw does not start with a config it cannot read (and which agents it runs is unknown).
  if (report.configError !== undefined) return 1;
  let code: 0 | 1 | 2 = 0;
  for (const agent of report.agents) {
    if (!agent.configured) continue; // OpenClaw does not run it; shown apart, not alarming
    if (agent.status === 'unreadable') return 1;
    // Readiness (main/core/usage): a reached plan limit fails the next call; a window above the warning threshold is about to.
    if (agent.readiness?.state === 'plan-limit') return 1;
    if (agent.readiness?.state === 'usage-high') code = 2;
    for (const profile of agent.profiles) {
      if (['missing', 'expired', 'needs-login'].includes(profile.status) || profile.error !== undefined) return 1;
      // A pending fence that never settles is OpenClaw's own stuck refresh: worth a look, not yet a failure.
      if (profile.status === 'expiring' || profile.status === 'refreshing' || profile.stranded !== null) code = 2;
    }
  }
  for (const host of report.hosts ?? []) if (!host.reachable) return 1;
  // A sign-in only AuthBar holds: the stores hold a dead token until `authbar recover`.
  if ((report.held?.length ?? 0) > 0) return 1;
  return code;
}
