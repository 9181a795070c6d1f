// A status snapshot with usage on it: what the CLI's `status` and `usage` print, and what the
// app shows. Asks the network only when told to (`ask`), through ./check.ts and its schedule;
// otherwise it shows the cached answers and OpenClaw's own record.
import type { StatusReport } from '../api.ts';
import { resolveAuthbarHome } from '../authbar/home.ts';
import type { Env } from '../openclaw/paths.ts';
import type { StatusSnapshot } from '../read-status.ts';
import { type Account, accountKeyOf, accountsOf } from './accounts.ts';
import { attachUsage } from './attach.ts';
import { loadUsageCache, scrubPlans, updateUsageCache } from './cache.ts';
import type { FetchLike } from './client.ts';
import { readRecordedState } from './openclaw-state.ts';
import { type AskReason, DEFAULT_THRESHOLDS } from './schedule.ts';
import type { AccountUsageReport } from './schema.ts';
import { nextBackgroundWake } from './wake.ts';

export interface WithUsageOptions {
  env: Env;
  now: number;
  /** `demand` / `background` to ask the due accounts; null to show only what is known. */
  ask: AskReason | null;
  /** Limit asking to the accounts these agents use (all when empty). */
  agents?: string[];
  thresholds?: readonly number[];
  fetch?: FetchLike;
  random?: () => number;
}

export interface WithUsage {
  report: StatusReport;
  accounts: AccountUsageReport[];
  requests: number;
  /** When the background should next ask (./wake.ts); null when no account would be asked. */
  nextAskAt: number | null;
}

export async function withUsage(snapshot: StatusSnapshot, options: WithUsageOptions): Promise<WithUsage> {
  const { inventory, lineages, scan } = snapshot;
  const home = resolveAuthbarHome(options.env);
  const recorded = readRecordedState(scan);
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  let cache = loadUsageCache(home).cache.accounts;
  let byKey: Map<string, Account> | null = null;
  const tokensOf = (key: string) => (byKey ??= accountsOf(inventory, lineages)).get(key)?.copies.flatMap((c) => [c.credential.access, c.credential.refresh]) ?? [];
  // A plan name an older AuthBar kept with part of a token in it: never shown, and gone from the file at once.
  if (scrubPlans(cache, tokensOf)) await updateUsageCache(home, (entries) => void scrubPlans(entries, tokensOf)).catch(() => {});
  let requests = 0;
  const warnings = [...snapshot.report.warnings];
  if (options.ask) {
    const wanted = new Set(options.agents ?? []);
    const only = wanted.size === 0 ? undefined : new Set([...inventory.effective].filter(([id]) => wanted.has(id)).flatMap(([, ps]) => ps.map((p) => accountKeyOf(p.copy, lineages))));
    const { checkUsage } = await import('./check.ts');
    const checked = await checkUsage({ inventory, lineages, recorded, env: options.env, home, now: options.now, reason: options.ask, thresholds, fetch: options.fetch, random: options.random, only });
    cache = checked.cache;
    scrubPlans(cache, tokensOf); // in case the file could not be written above
    requests = checked.requests;
    if (checked.warning) warnings.push(checked.warning);
  }
  const report = attachUsage({ ...snapshot.report, warnings }, { inventory, lineages, cache, recorded, now: options.now, thresholds });
  // One row per account, with the usage as its first agent's sign-in shows it.
  const byAgent = new Map(report.agents.map((a) => [a.id, a]));
  const accounts: AccountUsageReport[] = [];
  for (const account of (byKey ??= accountsOf(inventory, lineages)).values()) {
    if (account.agents.length === 0) continue;
    const first = byAgent.get(account.agents[0]!);
    const shownId = account.copies.find((c) => c.shownAccountId !== null)?.shownAccountId ?? null;
    const profile = first?.profiles.find((p) => p.usage && (shownId === null || p.accountId === shownId));
    if (!profile?.usage) continue;
    accounts.push({
      host: 'local',
      accountId: shownId,
      email: account.copies.find((c) => c.email)?.email ?? null,
      agents: account.agents,
      imageAgents: account.agents.filter((id) => byAgent.get(id)?.imageGeneration.dependsOnCodex),
      usage: profile.usage,
    });
  }
  const nextAskAt = nextBackgroundWake({ inventory, lineages, recorded, cache, thresholds, now: options.now });
  return { report, accounts, requests, nextAskAt };
}
