// Asks the usage of the accounts that are due (./schedule.ts), once per account, and keeps the
// answers in AuthBar's cache. The one place usage touches the network; the CLI's `usage` and
// `status --usage` and the app all come through here. Returns how many requests went out.
import type { Inventory } from '../copies.ts';
import { loginCommand } from '../fixes.ts';
import type { Lineages } from '../lineage.ts';
import type { Env } from '../openclaw/paths.ts';
import { accountsOf, blockedByOpenClaw, freshestCopy, usageCredential } from './accounts.ts';
import { loadUsageCache, updateUsageCache } from './cache.ts';
import { type FetchLike, fetchUsage, type UsageResult, unusableCredential, usageEndpointFrom } from './client.ts';
import type { RecordedByProfile } from './openclaw-state.ts';
import { type AccountUsage, type AskReason, DEFAULT_THRESHOLDS, recordAnswer, shouldAsk } from './schedule.ts';

export interface CheckUsageOptions {
  inventory: Inventory;
  lineages: Lineages;
  recorded: ReadonlyMap<string, RecordedByProfile>;
  env: Env;
  home: string;
  now: number;
  reason: AskReason;
  thresholds?: readonly number[];
  fetch?: FetchLike;
  random?: () => number;
  /** Only these accounts (keys), e.g. the ones of the agents asked about. */
  only?: ReadonlySet<string>;
}

export interface CheckUsageResult {
  cache: Record<string, AccountUsage>;
  requests: number;
  warning: string | null;
}

export async function checkUsage(options: CheckUsageOptions): Promise<CheckUsageResult> {
  const { now, recorded } = options;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const loaded = loadUsageCache(options.home);
  const accounts = [...accountsOf(options.inventory, options.lineages).values()].filter((a) => !options.only || options.only.has(a.key));
  const due = accounts.filter((account) => {
    if (blockedByOpenClaw(account, recorded, now)) return false;
    if (!shouldAsk(loaded.cache.accounts[account.key], options.reason, thresholds, now)) return false;
    // Never with an expired access token: status shows "usage unknown: token expired" instead.
    return unusableCredential(usageCredential(freshestCopy(account)), now, null) === null;
  });
  if (due.length === 0) return { cache: loaded.cache.accounts, requests: 0, warning: loaded.warning };
  const endpoint = usageEndpointFrom(options.env);
  const answers = new Map<string, UsageResult>();
  // A few at a time: a fleet of accounts should not open a burst of connections at once.
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(4);
  await Promise.all(due.map((account) => limit(async () => {
    const copy = freshestCopy(account)!;
    answers.set(account.key, await fetchUsage(usageCredential(copy), {
      endpoint,
      now,
      fetch: options.fetch,
      random: options.random,
      failuresBefore: loaded.cache.accounts[account.key]?.failures ?? 0,
      loginCommand: loginCommand(copy.holder, copy.credential.provider),
    }));
  })));
  try {
    const cache = await updateUsageCache(options.home, (entries) => {
      for (const [key, answer] of answers) entries[key] = recordAnswer(entries[key], answer, now);
    });
    return { cache: cache.accounts, requests: answers.size, warning: loaded.warning };
  } catch (error) {
    // A cache that cannot be written costs only the 5-minute floor across processes.
    const cache = { ...loaded.cache.accounts };
    for (const [key, answer] of answers) cache[key] = recordAnswer(cache[key], answer, now);
    return { cache, requests: answers.size, warning: `could not keep usage answers in ${options.home} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}
