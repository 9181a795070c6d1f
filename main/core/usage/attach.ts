// Puts what AuthBar knows of usage on a status report, without asking anyone: the cached answer
// per account (./cache.ts), what OpenClaw recorded per profile (./openclaw-state.ts), and the
// per-agent readiness verdict. Pure.
import type { AgentReport, StatusReport } from '../api.ts';
import type { Inventory } from '../copies.ts';
import type { Lineages } from '../lineage.ts';
import { copyKey } from '../copies.ts';
import { type Account, accountKeyOf, accountsOf, freshestCopy, usageCredential } from './accounts.ts';
import { unusableCredential } from './credential.ts';
import type { RecordedByProfile } from './openclaw-state.ts';
import { agentReadiness } from './readiness.ts';
import { type AccountUsage, DEFAULT_THRESHOLDS } from './schedule.ts';
import type { Usage } from './schema.ts';

export interface UsageInputs {
  inventory: Inventory;
  lineages: Lineages;
  /** Account key → the last answer. */
  cache: Readonly<Record<string, AccountUsage>>;
  /** Agent id → profile id → OpenClaw's record. */
  recorded: ReadonlyMap<string, RecordedByProfile>;
  now: number;
  thresholds?: readonly number[];
}

/** One account's usage as a sign-in shows it. */
export function usageFor(account: Account, entry: AccountUsage | undefined, recorded: Usage['recorded'], agentId: string, now: number): Usage {
  const usage: Usage = {
    plan: entry?.usage?.plan ?? null,
    windows: entry?.usage?.windows ?? [],
    credits: entry?.usage?.credits ?? null,
    checkedAt: entry?.checkedAt ?? null,
    limitReachedUntil: entry?.usage?.limitReachedUntil ?? null,
  };
  if (recorded) usage.recorded = recorded;
  const copy = freshestCopy(account);
  const unusable = unusableCredential(usageCredential(copy), now, copy ? `authbar refresh --agent ${agentId}` : null);
  // The last failure stands while its back-off runs; with nothing newer, an expired token is why.
  if (entry?.error && (entry.error.retryAfter === null || entry.error.retryAfter > now)) usage.error = entry.error;
  else if (unusable && (!entry || entry.checkedAt === null)) usage.error = unusable;
  return usage;
}

export function attachUsage(report: StatusReport, inputs: UsageInputs): StatusReport {
  const { inventory, lineages, cache, recorded, now } = inputs;
  const thresholds = inputs.thresholds ?? DEFAULT_THRESHOLDS;
  const accounts = accountsOf(inventory, lineages);
  const effective = new Map<string, Map<string, string>>();
  for (const [agentId, profiles] of inventory.effective) {
    effective.set(agentId, new Map(profiles.map(({ copy }) => [copyKey(copy.storePath, copy.credential.profileId), accountKeyOf(copy, lineages)])));
  }
  const agents: AgentReport[] = report.agents.map((agent) => {
    const keys = effective.get(agent.id);
    const profiles = agent.profiles.map((profile) => {
      const key = keys?.get(copyKey(profile.storePath, profile.profileId));
      const account = key ? accounts.get(key) : undefined;
      if (!account) return profile;
      return { ...profile, usage: usageFor(account, cache[account.key], recorded.get(agent.id)?.get(profile.profileId), agent.id, now) };
    });
    const withUsage = { ...agent, profiles };
    return { ...withUsage, readiness: agentReadiness(withUsage, now, thresholds) };
  });
  return { ...report, agents };
}
