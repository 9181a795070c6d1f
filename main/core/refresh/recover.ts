// `authbar recover` (and the first step of every refresh): write each rotated sign-in AuthBar
// holds in its recovery file back into the stores that still hold the dead token it replaced,
// under the same locks as a refresh (the profile's refresh lock, then each store's lock or one
// short transaction), and delete the file as soon as a store holds the credential.
import { type ProfileOutcome, profileOutcome, type RefreshReport } from '../api.ts';
import { resolveAuthbarHome } from '../authbar/home.ts';
import { deleteRecovery, type HeldRecovery, listRecoveries, pruneAbandonedTemps, type Recovery, recoveryAgents } from '../authbar/recovery.ts';
import { copyKey, type CredentialCopy, fenceOf, fenceReplaces } from '../copies.ts';
import { readAccessTokenClaims } from '../jwt.ts';
import type { Credential } from '../openclaw/credentials.ts';
import { LockTimeoutError } from '../openclaw/lock.ts';
import type { Env } from '../openclaw/paths.ts';
import { readStatus } from '../read-status.ts';
import { shellQuote } from '../shell-quote.ts';
import { VERSION } from '../version.ts';
import { currentCredential, releaseAll, type RotationGuard, takeRefreshLocks } from './refresh-lineage.ts';
import { type WriteNote, writeToCopies } from './write-copies.ts';

export interface RecoverOptions {
  env: Env;
  now?: () => number;
  guard?: RotationGuard;
  onResult?: (result: ProfileOutcome) => void;
}

const FIX = 'authbar recover';

async function recoverOne(held: { path: string; recovery: Recovery }, copies: CredentialCopy[], stateDir: string): Promise<ProfileOutcome[]> {
  const { recovery } = held;
  const byKey = new Map(copies.map((c) => [c.key, c]));
  const named = recovery.copies.map((c) => ({ want: c, copy: byKey.get(copyKey(c.storePath, c.profileId)) }));
  const present = named.flatMap((n) => (n.copy ? [n.copy] : []));
  const base = (agentId: string) => ({ agentId, profileId: recovery.profileId });
  const expiresAt = recovery.credential.expires;
  if (present.length === 0) {
    return recoveryAgents(recovery).map((agentId) => profileOutcome(base(agentId), {
      outcome: 'failed', failureKind: 'unreadable', cause: 'none of the stores it came from holds this sign-in now; the recovery file is kept', fix: FIX,
    }));
  }
  let locks;
  try {
    locks = await takeRefreshLocks(stateDir, present);
  } catch (error) {
    if (!(error instanceof LockTimeoutError)) throw error;
    return recoveryAgents(recovery).map((agentId) => profileOutcome(base(agentId), { outcome: 'failed', failureKind: 'busy', cause: 'another process (OpenClaw?) held the refresh lock; try again', fix: FIX }));
  }
  try {
    // Under the locks, the stores are the truth.
    const now = new Map<CredentialCopy, Credential | null | 'unreadable'>();
    for (const copy of present) now.set(copy, await currentCredential(copy));
    const credentialIn = (c: CredentialCopy): Credential | null => {
      const current = now.get(c);
      return current === 'unreadable' || current === undefined ? null : current;
    };
    const refreshIn = (c: CredentialCopy) => credentialIn(c)?.refresh ?? null;
    // OpenClaw 2026.9's fence over the dead token stands where that token stood: it tried the
    // token itself (pending while it asks, failed once told it was used). No new sign-in.
    const fenceOverOld = (c: CredentialCopy) => {
      const current = credentialIn(c);
      return current !== null && fenceReplaces(current, recovery.oldRefresh) ? fenceOf(current) : null;
    };
    // Another sign-in since: one that expires no earlier than the held one, or another account's,
    // came after it (a new login), and supersedes it. An older one of the same account (a store
    // restored from a backup, a profile pasted in) may hold a dead token while the held one is
    // the account's only live sign-in: the held one is written over it.
    const newer = (c: CredentialCopy) => (credentialIn(c)?.expires ?? -Infinity) >= expiresAt;
    const sameAccount = (c: CredentialCopy) => {
      const current = credentialIn(c);
      const id = current?.accountId ?? readAccessTokenClaims(current?.access ?? null, [current?.refresh ?? null]).accountId;
      return recovery.credential.accountId !== null && id === recovery.credential.accountId;
    };
    const olderOfAccount = (c: CredentialCopy) => refreshIn(c) !== recovery.credential.refresh && refreshIn(c) !== null && fenceOverOld(c) === null && sameAccount(c) && !newer(c);
    const already = present.filter((c) => refreshIn(c) === recovery.credential.refresh);
    const stale = present.filter((c) => refreshIn(c) === recovery.oldRefresh || fenceOverOld(c) === 'failed' || olderOfAccount(c));
    const pending = present.filter((c) => fenceOverOld(c) === 'pending');
    const movedOn = present.filter((c) => refreshIn(c) !== null && !already.includes(c) && !stale.includes(c) && !pending.includes(c));
    if (movedOn.length === named.length) {
      // Every store took a newer sign-in, or another account's, since: the held one is superseded, not lost.
      deleteRecovery(held.path);
      return named.map(({ want }) => profileOutcome(base(want.holder), { outcome: 'skipped', cause: 'its store holds another sign-in now (signed in again?); the held one was no longer needed and is discarded' }));
    }
    if (already.length === 0 && pending.length > 0) {
      // OpenClaw is asking with the dead token right now; its fence settles (failed) and then takes this.
      return recoveryAgents(recovery).map((agentId) => profileOutcome(base(agentId), {
        outcome: 'failed', failureKind: 'busy', cause: 'OpenClaw is refreshing the dead token this sign-in replaced; it is kept until that settles', fix: FIX,
      }));
    }
    const fields = { ...recovery.credential, email: null };
    // Each copy under the value it holds now: the dead token, or the failed fence over it.
    const wrote = { written: [] as CredentialCopy[], notWritten: [] as WriteNote[] };
    for (const expected of new Set(stale.map((c) => refreshIn(c)!))) {
      const one = await writeToCopies(stale.filter((c) => refreshIn(c) === expected), expected, fields, { afterRotation: true });
      wrote.written.push(...one.written);
      wrote.notWritten.push(...one.notWritten);
    }
    const holding = new Set([...already, ...wrote.written]);
    if (holding.size > 0) deleteRecovery(held.path);
    const notes = new Map(wrote.notWritten.map((n) => [n.copy, n.why]));
    return named.map(({ want, copy }) => {
      if (copy && holding.has(copy)) {
        const others = [...holding].filter((c) => c !== copy).map((c) => c.holder);
        return profileOutcome(base(want.holder), { outcome: 'recovered', expiresAt, syncedAgents: [...new Set(others)].sort() });
      }
      const why = !copy ? `${want.storePath} no longer holds this profile` : notes.get(copy) ?? `${want.storePath} moved on to another credential (left as it is)`;
      const kept = holding.size === 0 ? '; the recovery file is kept' : '; another store holds it now: authbar sync heals this copy';
      return profileOutcome(base(want.holder), { outcome: 'failed', failureKind: 'unwritable', cause: `${why}${kept}`, fix: holding.size === 0 ? FIX : `authbar sync --agent ${want.holder}` });
    });
  } finally {
    releaseAll(locks);
  }
}

function unreadable(held: { path: string; error: string }): ProfileOutcome {
  return profileOutcome({ agentId: '*', profileId: '*' }, { outcome: 'failed', failureKind: 'unreadable', cause: `${held.path}: ${held.error}`, fix: `move ${shellQuote(held.path)} aside once you have signed in again` });
}

/** Applies every held recovery; a run with nothing held reads nothing but one directory. */
export async function recoverHeld(options: RecoverOptions): Promise<RefreshReport> {
  const now = options.now ?? Date.now;
  const home = resolveAuthbarHome(options.env);
  pruneAbandonedTemps(home);
  const held: HeldRecovery[] = listRecoveries(home);
  const results: ProfileOutcome[] = [];
  if (held.length > 0) {
    const snapshot = await readStatus({ env: options.env, now: now() });
    for (const entry of held) {
      const hold = options.guard?.enter(`the held sign-in in ${entry.path} to reach its stores`);
      if (hold === null) break;
      try {
        const outcomes = 'error' in entry ? [unreadable(entry)] : await recoverOne(entry, snapshot.inventory.copies, snapshot.scan.stateDir);
        for (const r of outcomes) options.onResult?.(r);
        results.push(...outcomes);
      } finally {
        hold?.release();
      }
    }
  }
  return { version: VERSION, generatedAt: new Date(now()).toISOString(), requests: 0, results };
}
