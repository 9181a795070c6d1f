// AuthBar's last usage answer per account, in `<AUTHBAR_HOME>/usage.json` (0600): what a status
// shows without asking, and what the schedule's 5-minute floor and back-offs are counted from,
// across processes (the CLI and the app share it). Keyed by ChatGPT account id, which status
// already shows; no token, no part of one. A file that does not parse is moved aside.
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { readOwnFile } from '../authbar/own-file.ts';
import { acquireLock, STORE_LOCK } from '../openclaw/lock.ts';
import { writePrivateFile } from '../openclaw/private-write.ts';
import { sharesSecretPart } from '../secret-parts.ts';
import type { AccountUsage } from './schedule.ts';
import { isPlanName, UsageErrorSchema, UsageWindowSchema } from './schema.ts';

export const usageCachePath = (home: string): string => join(home, 'usage.json');

const ParsedUsageSchema = z.object({
  plan: z.nullable(z.string()),
  windows: z.array(UsageWindowSchema),
  credits: z.nullable(z.number()),
  limitReachedUntil: z.nullable(z.number()),
});
const AccountUsageSchema = z.object({
  askedAt: z.number(),
  checkedAt: z.nullable(z.number()),
  usage: z.nullable(ParsedUsageSchema),
  error: z.nullable(UsageErrorSchema),
  failures: z.number(),
});
const UsageCacheSchema = z.object({
  version: z.literal(1),
  accounts: z.record(z.string(), AccountUsageSchema),
});
export type UsageCache = z.infer<typeof UsageCacheSchema>;

export function loadUsageCache(home: string): { cache: UsageCache; warning: string | null; corrupt: boolean } {
  const read = readOwnFile(usageCachePath(home), UsageCacheSchema);
  if (read.ok) return { cache: read.value, warning: null, corrupt: false };
  return { cache: { version: 1, accounts: {} }, warning: read.missing ? null : `${read.problem}; usage is asked afresh`, corrupt: read.corrupt };
}

/**
 * Drops each plan name that is no plain word or that carries part of a token its account holds:
 * AuthBar before 6d20f27 kept the plan as the endpoint sent it, which could be the echoed Bearer.
 * True when one was dropped (the file should then be written again without it).
 */
export function scrubPlans(accounts: Record<string, AccountUsage>, tokensOf: (key: string) => ReadonlyArray<string | null>): boolean {
  let scrubbed = false;
  for (const [key, entry] of Object.entries(accounts)) {
    const plan = entry.usage?.plan;
    if (plan == null || (isPlanName(plan) && !sharesSecretPart(plan, tokensOf(key)))) continue;
    entry.usage!.plan = null;
    scrubbed = true;
  }
  return scrubbed;
}

/** Read-modify-write under a lock, as AuthBar's memory is: concurrent processes keep each other's answers. */
export async function updateUsageCache(home: string, change: (accounts: Record<string, AccountUsage>) => void): Promise<UsageCache> {
  const path = usageCachePath(home);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(path, { policy: STORE_LOCK });
  try {
    const read = loadUsageCache(home);
    if (read.corrupt) renameSync(path, `${path}.corrupt-${Date.now()}`);
    change(read.cache.accounts);
    writePrivateFile(path, `${JSON.stringify(read.cache, null, 2)}\n`);
    return read.cache;
  } finally {
    lock.release();
  }
}
