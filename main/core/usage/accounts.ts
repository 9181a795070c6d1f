// Usage is a property of a ChatGPT account, not of a copy: every copy of one account (one
// account lineage, ../lineage.ts) shares one plan, so AuthBar asks once per account, with the
// freshest usable access token among its copies. Pure.
import type { CredentialCopy, Inventory } from '../copies.ts';
import type { Lineages } from '../lineage.ts';
import type { UsageCredential } from './credential.ts';
import type { RecordedByProfile } from './openclaw-state.ts';

export interface Account {
  /** `account:<id>`, or `copy:<first copy key>` for copies that carry no account id. Never a token. */
  key: string;
  accountId: string | null;
  copies: CredentialCopy[];
  /** Agents whose effective profile is one of these copies, sorted. */
  agents: string[];
}

export function accountKeyOf(copy: CredentialCopy, lineages: Lineages): string {
  const group = lineages.byAccount.get(copy.key) ?? [copy];
  const id = group.find((c) => c.accountId)?.accountId ?? null;
  return id ? `account:${id}` : `copy:${group[0]!.key}`;
}

export function accountsOf(inventory: Inventory, lineages: Lineages): Map<string, Account> {
  const accounts = new Map<string, Account>();
  const users = new Map<string, Set<string>>();
  for (const copy of inventory.copies) {
    const key = accountKeyOf(copy, lineages);
    let account = accounts.get(key);
    if (!account) accounts.set(key, (account = { key, accountId: copy.accountId, copies: [], agents: [] }));
    account.accountId ??= copy.accountId;
    account.copies.push(copy);
  }
  for (const [agentId, profiles] of inventory.effective) {
    for (const { copy } of profiles) {
      const key = accountKeyOf(copy, lineages);
      let set = users.get(key);
      if (!set) users.set(key, (set = new Set()));
      set.add(agentId);
    }
  }
  for (const account of accounts.values()) account.agents = [...(users.get(account.key) ?? [])].sort();
  return accounts;
}

/** The copy whose access token the request would carry: unfenced, with the latest expiry. */
export function freshestCopy(account: Account): CredentialCopy | null {
  let best: CredentialCopy | null = null;
  for (const copy of account.copies) {
    if (copy.fence !== null || !copy.credential.access) continue;
    if (best === null || (copy.credential.expires ?? 0) > (best.credential.expires ?? 0)) best = copy;
  }
  return best ?? account.copies[0] ?? null;
}

export function usageCredential(copy: CredentialCopy | null): UsageCredential {
  return {
    access: copy?.credential.access ?? null,
    accountId: copy?.accountId ?? null,
    expires: copy?.credential.expires ?? null,
    fenced: copy?.fence != null,
  };
}

/** OpenClaw already knows this account is blocked until its reset: no need to ask (2026.9 `subscription_limit`). */
export function blockedByOpenClaw(account: Account, recorded: ReadonlyMap<string, RecordedByProfile>, now: number): boolean {
  for (const agentId of account.agents) {
    for (const copy of account.copies) {
      const r = recorded.get(agentId)?.get(copy.credential.profileId);
      if (r?.blockedReason === 'subscription_limit' && (r.blockedUntil ?? 0) > now) return true;
    }
  }
  return false;
}
