// When the app's background should next ask anyone's usage: the soonest of each account's
// `nextBackgroundAsk` (./schedule.ts), over the accounts the background would really ask. An
// account it would skip (no agent uses it, its access token is expired, OpenClaw records it
// blocked until its reset) sets no deadline: a deadline that asks nobody would wake the app
// again at once, for ever. A refresh or OpenClaw's own write changes the files, and the rescan
// that follows plans again. Pure.
import type { Inventory } from '../copies.ts';
import type { Lineages } from '../lineage.ts';
import { accountsOf, blockedByOpenClaw, freshestCopy, usageCredential } from './accounts.ts';
import { unusableCredential } from './credential.ts';
import type { RecordedByProfile } from './openclaw-state.ts';
import { type AccountUsage, nextUsageWake } from './schedule.ts';

export interface WakeInputs {
  inventory: Inventory;
  lineages: Lineages;
  recorded: ReadonlyMap<string, RecordedByProfile>;
  cache: Readonly<Record<string, AccountUsage>>;
  thresholds: readonly number[];
  now: number;
}

export function nextBackgroundWake({ inventory, lineages, recorded, cache, thresholds, now }: WakeInputs): number | null {
  const asked: Array<AccountUsage | undefined> = [];
  for (const account of accountsOf(inventory, lineages).values()) {
    if (account.agents.length === 0 || blockedByOpenClaw(account, recorded, now)) continue;
    if (unusableCredential(usageCredential(freshestCopy(account)), now, null) !== null) continue;
    asked.push(cache[account.key]);
  }
  return nextUsageWake(asked, thresholds, now);
}
