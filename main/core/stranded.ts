// Copies left behind by a rotation (issue: "heal stranded copies"). Refresh tokens are
// single-use: when one store's copy is refreshed, every other copy of that sign-in holds a
// dead refresh token, works until its access token expires, then fails with
// `refresh_token_reused` (which OpenClaw 2026.5.7 reports as `No API key found for provider
// "openai-codex"`). Pure: decides from copies, lineages, history and the time.
import type { Memory } from './authbar/memory.ts';
import { writtenOverKey } from './authbar/set-aside.ts';
import type { Stranding } from './api.ts';
import { type CredentialCopy, fenceReplaces } from './copies.ts';
import { currentHash, movedOnFrom } from './history.ts';
import type { Lineages } from './lineage.ts';
import { CODEX_CLI_PROFILE_ID } from './openclaw/credentials.ts';

export interface StrandedCopy {
  kind: Stranding;
  /** The copy holding the newest credential of the same account. */
  newest: CredentialCopy;
}

export type Strandings = ReadonlyMap<string, StrandedCopy>;

export interface StrandingInputs {
  copies: readonly CredentialCopy[];
  lineages: Lineages;
  memory: Memory;
  versions: ReadonlyMap<string, string>;
  /** Copy keys whose refresh token a refresh proved dead. */
  needsLogin: ReadonlySet<string>;
  /**
   * Old refresh tokens of rotations whose successors AuthBar holds (its recovery files): dead, so
   * never a source; their copies wait for `authbar recover`, never a sync.
   */
  heldOld?: ReadonlySet<string>;
  /** Tokens AuthBar itself wrote over (its set-aside records): a copy moving on from one is no rotation. */
  writtenOver?: ReadonlySet<string>;
  now: number;
}

/** Whether AuthBar's history saw another copy of the account hold `copy`'s current token and move on from it. */
export function rotatedAwayInHistory(copy: CredentialCopy, group: readonly CredentialCopy[], memory: Memory, versions: ReadonlyMap<string, string>, writtenOver: ReadonlySet<string> = new Set()): boolean {
  const hash = currentHash(memory, copy, versions);
  const token = copy.credential.refresh;
  if (hash === null || token === null) return false;
  // Another copy that held this token and moved on: a rotation there, unless AuthBar itself wrote over it in that copy.
  return group.some((other) => other !== copy && movedOnFrom(memory, other, hash) && !writtenOver.has(writtenOverKey(other.storePath, other.credential.profileId, token)));
}

/** Whether OpenClaw 2026.9 failed on `token` in a copy of the group (a failed fence over it): it is dead. */
export function failedByOpenClaw(group: readonly CredentialCopy[], token: string | null): boolean {
  return token !== null && group.some((c) => c.fence === 'failed' && fenceReplaces(c.credential, token));
}

/** A copy sync may take a credential from: never the Codex CLI's own, never a fence or a blank. */
export function isSyncable(copy: CredentialCopy): boolean {
  const c = copy.credential;
  return c.profileId !== CODEX_CLI_PROFILE_ID && copy.fence === null && copy.accountId !== null && c.refresh !== null && c.access !== null;
}

/**
 * A copy sync may write: also one OpenClaw 2026.9 left behind a failed fence (its refresh token is
 * gone; the fence keeps the account), never one OpenClaw is refreshing now, never a read-only store.
 */
export function canSyncTo(copy: CredentialCopy): boolean {
  const c = copy.credential;
  return c.profileId !== CODEX_CLI_PROFILE_ID && copy.fence !== 'pending' && copy.accountId !== null && c.refresh !== null && copy.writable && copy.storeKind !== 'legacy-json';
}

/** The newest usable credential of an account: latest expiry, not known dead. */
export function newestOf(group: readonly CredentialCopy[], needsLogin: ReadonlySet<string>, heldOld: ReadonlySet<string> = new Set()): CredentialCopy | null {
  let newest: CredentialCopy | null = null;
  for (const copy of group) {
    if (!isSyncable(copy) || needsLogin.has(copy.key) || heldOld.has(copy.credential.refresh!) || copy.credential.expires === null) continue;
    if (failedByOpenClaw(group, copy.credential.refresh)) continue;
    if (!newest || copy.credential.expires > newest.credential.expires!) newest = copy;
  }
  return newest;
}

export function findStranded({ copies, lineages, memory, versions, needsLogin, heldOld = new Set(), writtenOver = new Set(), now }: StrandingInputs): Map<string, StrandedCopy> {
  const result = new Map<string, StrandedCopy>();
  const done = new Set<readonly CredentialCopy[]>();
  for (const copy of copies) {
    const group = lineages.byAccount.get(copy.key);
    if (!group || group.length < 2 || done.has(group) || copy.accountId === null) continue;
    done.add(group);
    const newest = newestOf(group, needsLogin, heldOld);
    if (!newest) continue;
    const newestAlive = newest.credential.expires! > now;
    for (const x of group) {
      if (!canSyncTo(x) || x.credential.refresh === newest.credential.refresh || heldOld.has(x.credential.refresh!)) continue;
      if (x.fence === 'failed') {
        // Certainly dead: OpenClaw's refresh failed and took the refresh token with it.
        if (newestAlive) result.set(x.key, { kind: 'certain', newest });
        continue;
      }
      // Certain: another store held this very token and has moved on to a different one.
      const certain = rotatedAwayInHistory(x, group, memory, versions, writtenOver);
      // Likely: no history says so, but this copy is dead or expired while a same-account copy lives.
      const expired = x.credential.expires === null ? false : x.credential.expires <= now;
      const likely = newestAlive && (expired || needsLogin.has(x.key));
      if (certain || likely) result.set(x.key, { kind: certain ? 'certain' : 'likely', newest });
    }
  }
  return result;
}
