// Refreshing one token lineage (every copy holding one refresh token) the way OpenClaw does,
// so the two can run side by side: take the profile's refresh lock, re-read under it, adopt
// what someone else already refreshed, else make exactly one token request and write the
// answer into every copy that still holds the old refresh token, each under its store lock.
import type { FailureKindName } from '../api.ts';
import { heldMessage, heldOldRefreshTokens } from '../authbar/recovery.ts';
import { type CredentialCopy, fenceOf, fenceReplaces } from '../copies.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { readAccessTokenClaims } from '../jwt.ts';
import { CODEX_CLI_PROFILE_ID, type Credential } from '../openclaw/credentials.ts';
import type { CredentialFields } from '../openclaw/json-store.ts';
import { acquireLock, type Lock, LockTimeoutError, REFRESH_LOCK } from '../openclaw/lock.ts';
import { changeCopy, readCopyNow, refreshLockOf, writableNow } from '../openclaw/stores.ts';
import { proveAnswerCanBeKept } from './preflight.ts';
import { exchangeRefreshToken, type TokenEndpoint } from './token-client.ts';
import { dropSetAsideFor, markRemoved, putBackSetAside, repointSetAside, setAsideEntries } from './set-aside-copies.ts';
import { keepRotated, writableCopies, type WriteNote, writeToCopies } from './write-copies.ts';

export { type WriteNote, writeToCopies } from './write-copies.ts';

/**
 * Holds off SIGINT/SIGTERM/SIGHUP from just before a token request until its answer is in a
 * store or AuthBar's recovery file. `enter` returns the hold (whose `now` says what it waits for
 * at each step), or null when the process is stopping: then no request is made.
 */
export interface RotationGuard {
  enter(what: string): RotationHold | null;
}

export interface RotationHold {
  now(what: string): void;
  release(): void;
}

const NO_HOLD: RotationHold = { now: () => {}, release: () => {} };

/** Refresh locks for every profile in the lineage, in a fixed order so two AuthBars never deadlock. */
export async function takeRefreshLocks(stateDir: string, copies: CredentialCopy[], signal?: AbortSignal): Promise<Lock[]> {
  const byTarget = new Map(copies.map((copy) => {
    const lock = refreshLockOf(stateDir, copy);
    return [lock.target, lock.format] as const;
  }));
  const locks: Lock[] = [];
  try {
    for (const target of [...byTarget.keys()].sort()) locks.push(await acquireLock(target, { policy: REFRESH_LOCK, format: byTarget.get(target)!, signal }));
  } catch (error) {
    for (const lock of locks.reverse()) lock.release();
    throw error;
  }
  return locks;
}

export function releaseAll(locks: Lock[]): void {
  for (const lock of [...locks].reverse()) lock.release();
}

/** The credential a copy holds right now, re-read from its store (under its lock where it has one). */
export async function currentCredential(copy: CredentialCopy): Promise<Credential | null | 'unreadable'> {
  try {
    return await readCopyNow(copy);
  } catch (error) {
    if (error instanceof LockTimeoutError) return 'unreadable';
    throw error;
  }
}

function accountOf(credential: Credential): string | null {
  return credential.accountId ?? readAccessTokenClaims(credential.access, [credential.refresh]).accountId;
}

export function fieldsOf(credential: Credential): CredentialFields | null {
  if (!credential.access || !credential.refresh || !credential.expires) return null;
  return { access: credential.access, refresh: credential.refresh, expires: credential.expires, accountId: accountOf(credential), email: credential.email };
}

export interface LineageJob {
  /** Every copy holding the refresh token being refreshed. */
  copies: CredentialCopy[];
  /** Copies of the same account holding other credentials: a newer one there means ours was rotated away. */
  peers: CredentialCopy[];
  /** AuthBar knows or believes this token was rotated away: never present it, sync first. */
  stranded: boolean;
}

export interface LineageContext {
  stateDir: string;
  endpoint: TokenEndpoint;
  now: () => number;
  /** A credential adopted with less than this left is refreshed after all. */
  warnAfterMs: number;
  /** Only refresh what needs it: after a sync, a fresh credential is left as it is. */
  ifNeeded: boolean;
  /** Refresh tokens AuthBar knows are dead (a refresh proved it, or a rotation): never adopted, never presented. */
  isKnownDead: (refresh: string) => boolean;
  /** Of those, the ones AuthBar's history saw another store move on from (what the failure says). */
  rotatedAway?: (refresh: string) => boolean;
  /** Ends waits for locks and OpenClaw's fence, and starts no request (the CLI's --timeout); never cuts one in flight. */
  signal?: AbortSignal;
  /** No further token request once aborted; one in flight finishes and is written (a quitting app). */
  stopRetrying?: AbortSignal;
  /** How long OpenClaw may let a live holder keep the refresh lock (REFRESH_LOCK; a test may shorten it). */
  lockStaleMs?: number;
  /** Called as each token request is sent (each try), so callers can count them. */
  onRequest?: () => void;
  /** A try after the first starts only if it can end by then (the CLI's --timeout). */
  retriesEndBy?: { at: number; why: string };
  /** How long to wait for OpenClaw's own pending refresh (its own bound: 120 s). */
  fenceWaitMs: number;
  /** AuthBar's home: its recovery file holds a rotated answer no store could take yet. */
  authbarHome: string;
  guard?: RotationGuard;
  /**
   * Refresh tokens this run received from the endpoint. A copy synced from one of them is
   * adopted, never rotated again: one rotation per account per run.
   */
  mintedThisRun?: Set<string>;
}

export const FENCE_WAIT_MS = 120_000;
/** Room between an answer's latest arrival and the refresh lock going stale (clocks, the writes' start). */
const LOCK_MARGIN_MS = 15_000;

/** The latest time a token request may end while the JSON-era refresh lock taken at `lockedAt` is surely ours, and why not past it. */
function lockDeadline(lockedAt: number, context: LineageContext): { at: number; why: string } {
  const window = (context.lockStaleMs ?? REFRESH_LOCK.liveStaleMs) - LOCK_MARGIN_MS;
  const why = context.endpoint.timeoutMs > window
    ? `AUTHBAR_TOKEN_TIMEOUT_MS (${Math.round(context.endpoint.timeoutMs / 1000)} s) is longer than AuthBar may keep OpenClaw's refresh lock for an answer (${Math.round(window / 1000)} s); lower it`
    : 'AuthBar has held the refresh lock too long to be sure of it until an answer comes (waiting for stores); run it again';
  return { at: lockedAt + window, why };
}

/** Polls the copies until none holds a pending fence; false if that takes longer than allowed. */
async function waitForFences(copies: CredentialCopy[], context: LineageContext): Promise<boolean> {
  const deadline = Date.now() + context.fenceWaitMs;
  for (;;) {
    let pending = false;
    for (const copy of copies) {
      const now = await currentCredential(copy);
      if (now !== null && now !== 'unreadable' && fenceOf(now) === 'pending') pending = true;
    }
    if (!pending) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100, undefined, { signal: context.signal });
  }
}

export type LineageResult =
  | {
      outcome: 'refreshed' | 'adopted' | 'healed';
      credential: CredentialFields;
      /** For a sync or a heal: the copy whose credential was taken. */
      source: CredentialCopy | null;
      written: CredentialCopy[];
      notWritten: WriteNote[];
    }
  | {
      outcome: 'failed';
      kind: FailureKindName;
      cause: string;
      written: CredentialCopy[];
      notWritten: WriteNote[];
      /** What was done before the failure: copies synced from `source` to `credential` (still reported). */
      synced?: { source: CredentialCopy; credential: CredentialFields };
      /** The rotated answer waits in AuthBar's recovery file (`authbar recover`). */
      held?: boolean;
      /** The pre-flight found a store that could not take the answer: nothing was requested. */
      unproven?: boolean;
      /** The token the endpoint said was dead, why, and the copies still holding it (a put-back copy does not). */
      rejected?: { token: string; cause: string; holders: CredentialCopy[] };
      /** Every copy the run meant to refresh has its own sign-in back, untried: refreshing again tries it. */
      putBack?: boolean;
    };

interface Current {
  copy: CredentialCopy;
  credential: Credential;
}

const FENCE = 'openclaw-oauth-refresh-fence:';

/** The newest usable credential of the account among what the stores hold now, other than `ours`. */
function newestOther(current: Current[], ours: string, account: string | null, context: LineageContext, newerThan: number): Current | null {
  let best: Current | null = null;
  for (const entry of current) {
    const c = entry.credential;
    if (c.refresh === ours || !c.refresh || !c.access || !c.expires || context.isKnownDead(c.refresh) || c.refresh.startsWith(FENCE)) continue;
    if (entry.copy.credential.profileId === CODEX_CLI_PROFILE_ID) continue;
    // OpenClaw 2026.9 failed on it in another copy (a failed fence over this very token): dead.
    if (current.some((e) => fenceOf(e.credential) === 'failed' && fenceReplaces(e.credential, c.refresh!))) continue;
    if (account === null || accountOf(c) !== account || c.expires <= newerThan) continue;
    if (!best || c.expires > best.credential.expires!) best = entry;
  }
  return best;
}

/**
 * Copies an adoption overwrote get their own entry back, whole, where they still hold the adopted
 * token (or, in a SQLite store, where the adoption removed them so they would inherit it).
 */
async function putBack(done: { written: CredentialCopy[]; removed: CredentialCopy[] }, adopted: string, current: Current[]): Promise<{ written: CredentialCopy[]; notWritten: WriteNote[] }> {
  const written: CredentialCopy[] = [];
  const notWritten: WriteNote[] = [];
  for (const copy of done.written) {
    const own = current.find((e) => e.copy.key === copy.key);
    try {
      const entry = own ? (own.credential.stored ?? own.credential.raw) : null;
      const result = entry ? await changeCopy(copy, adopted, { kind: 'restore', entry, removed: done.removed.includes(copy) }) : null;
      if (result?.result === 'written') written.push(copy);
      else notWritten.push({ copy, reason: 'error', why: result ? `its own sign-in could not be put back (${result.result === 'changed' ? 'it changed meanwhile' : result.error})` : 'its own sign-in was not read' });
    } catch (error) {
      notWritten.push({ copy, reason: 'error', why: `its own sign-in could not be put back (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { written, notWritten };
}

/**
 * Sets aside each copy's own entry before a newer credential is written over it, unless its
 * token was proved dead (rejected, or a held rotation's old one). A token only AuthBar's history
 * calls rotated away is kept all the same: a store copied in from another machine looks exactly
 * like a rotation there. Returns why it could not (then nothing may be written over it), else null.
 */
function setAsideOwn(context: LineageContext, copies: CredentialCopy[], current: Current[], own: string, replacedBy: string): string | null {
  const provedDead = context.isKnownDead(own) && !context.rotatedAway?.(own);
  return setAsideEntries(context.authbarHome, copies, current, replacedBy, context.now(), provedDead);
}

const merge = (a: { written: CredentialCopy[]; notWritten: WriteNote[] }, b: { written: CredentialCopy[]; notWritten: WriteNote[] }) => ({
  written: [...new Set([...a.written, ...b.written])],
  notWritten: [...a.notWritten, ...b.notWritten],
});

export async function refreshLineage(job: LineageJob, context: LineageContext): Promise<LineageResult> {
  const { copies, peers } = job;
  const oldRefresh = copies[0]?.credential.refresh;
  if (!oldRefresh) return { outcome: 'failed', kind: 'needs-login', cause: 'the profile holds no refresh token', written: [], notWritten: [] };
  const account = copies.map((c) => c.accountId).find((a) => a !== null) ?? null;

  const busy = (cause: string): LineageResult => ({ outcome: 'failed', kind: 'busy', cause, written: [], notWritten: [] });
  let locks: Lock[] = [];
  let lockedAt = 0;
  const lock = async () => {
    locks = await takeRefreshLocks(context.stateDir, [...copies, ...peers], context.signal);
    // The first lock taken is the oldest: another may have been waited for after it.
    lockedAt = Math.min(...locks.map((l) => l.takenAt));
  };
  /** Why a store's lock could not be taken while reading it (said when no copy could be read). */
  const lockProblems: string[] = [];
  const readAll = async () => {
    const current: Current[] = [];
    for (const copy of [...copies, ...peers]) {
      try {
        const now = await readCopyNow(copy);
        if (now !== null && now !== 'unreadable') current.push({ copy, credential: now });
      } catch (error) {
        if (!(error instanceof LockTimeoutError)) throw error;
        lockProblems.push(error.message);
      }
    }
    return current;
  };
  try {
    await lock();
  } catch (error) {
    if (error instanceof LockTimeoutError) return busy('another process (OpenClaw?) held the refresh lock past its bounds; try again');
    throw error;
  }
  try {
    // Under the lock, the stores are the truth: someone may have refreshed since we read them.
    let current = await readAll();
    // OpenClaw 2026.9 refreshes without holding the lock, behind a pending fence; it needs the
    // lock back to settle. Step aside, wait as long as OpenClaw itself waits, then adopt.
    if (current.some((e) => e.copy.credential.profileId !== CODEX_CLI_PROFILE_ID && fenceOf(e.credential) === 'pending')) {
      releaseAll(locks);
      locks = [];
      const settled = await waitForFences([...copies, ...peers], context);
      if (!settled) return busy(`OpenClaw's own refresh of this sign-in has not finished within ${Math.round(context.fenceWaitMs / 1000)} s`);
      try {
        await lock();
      } catch (error) {
        if (error instanceof LockTimeoutError) return busy('another process (OpenClaw?) held the refresh lock past its bounds; try again');
        throw error;
      }
      current = await readAll();
    }
    // Every copy holding the old token now, peers included: a peer may have adopted it meanwhile.
    const holdersOf = (token: string) => current.filter((e) => e.credential.refresh === token).map((e) => e.copy);
    const stillOld = holdersOf(oldRefresh);
    const ourExpires = Math.max(0, ...current.filter((e) => e.credential.refresh === oldRefresh).map((e) => e.credential.expires ?? 0));

    let present = oldRefresh;
    let holders = stillOld;
    let source: CredentialCopy | null = null;
    let done: { written: CredentialCopy[]; notWritten: WriteNote[]; removed: CredentialCopy[] } = { written: [], notWritten: [], removed: [] };
    let synced: { source: CredentialCopy; credential: CredentialFields } | undefined;
    // Someone refreshed since (a newer credential of the account), or ours is known to be left
    // behind by a rotation: take theirs, and never present ours.
    const newer = newestOther(current, oldRefresh, account, context, job.stranded ? 0 : ourExpires);
    if (newer) {
      const fields = fieldsOf(newer.credential)!;
      // What it replaces may be a live, separate sign-in: kept first (../authbar/set-aside.ts).
      const unkept = setAsideOwn(context, stillOld, current, oldRefresh, fields.refresh);
      if (unkept) return { outcome: 'failed', kind: 'unwritable', cause: `${unkept}; nothing was written or requested`, written: [], notWritten: [] };
      done = await writeToCopies(stillOld, oldRefresh, fields, { source: newer.copy });
      markRemoved(context.authbarHome, done.removed, fields.refresh);
      source = newer.copy;
      if (done.written.length > 0) synced = { source, credential: fields };
      const fresh = fields.expires - context.now() >= context.warnAfterMs;
      const mintedNow = context.mintedThisRun?.has(fields.refresh) ?? false;
      if (mintedNow || (fresh && (!job.stranded || context.ifNeeded))) return { outcome: 'adopted', credential: fields, source, ...done };
      // Synced a stranded copy, or adopted something about to expire: refresh it, once, for every holder.
      present = fields.refresh;
      holders = [...new Set([...holdersOf(present), ...done.written])];
    } else if (context.isKnownDead(oldRefresh)) {
      const cause = context.rotatedAway?.(oldRefresh) ? 'this refresh token was rotated away in another store (AuthBar saw that store move on from it)' : 'this refresh token was already rejected';
      // AuthBar wrote it there over a copy's own entry: that comes back, as after a rejection.
      const back = await putBackSetAside(context.authbarHome, stillOld, oldRefresh);
      if (back.length > 0) {
        const agents = [...new Set(back.map((c) => c.holder))].sort();
        return { outcome: 'failed', kind: 'needs-login', cause: `${cause}; ${agents.join(', ')} ${agents.length === 1 ? 'has its' : 'have their'} own sign-in back, not tried`, written: [], notWritten: [], putBack: true };
      }
      return { outcome: 'failed', kind: 'needs-login', cause, written: [], notWritten: [] };
    }
    if (holders.length === 0) return { outcome: 'failed', kind: 'unreadable', cause: lockProblems[0] ?? 'no copy of this sign-in could be read under the lock', written: [], notWritten: [] };
    // Never rotate a token we could not write back: the new one would be lost with the old one dead.
    if (!holders.some((copy) => copy.storeKind !== 'legacy-json' && copy.writable)) {
      return { outcome: 'failed', kind: 'unwritable', cause: `only stores AuthBar does not write hold it (${holders[0]!.storePath})`, written: [], notWritten: [] };
    }

    // Another AuthBar may have rotated it since this run planned (the app beside the CLI), and
    // been killed before a store took the answer: under the lock, its recovery file is the truth.
    if (heldOldRefreshTokens(context.authbarHome).has(present)) {
      const agents = [...new Set(holders.map((c) => c.holder))].sort();
      return { outcome: 'failed', kind: 'unwritable', cause: heldMessage(agents), ...done, synced, held: true };
    }
    if (!holders.every(writableNow)) return { outcome: 'failed', kind: 'transient', cause: 'a store that must take the new token is busy (a long write transaction holds it); nothing was requested', ...done, synced };
    const targets = writableCopies(holders);
    const unproven = proveAnswerCanBeKept(targets, { stateDir: context.stateDir, authbarHome: context.authbarHome, oldRefresh: present });
    if (unproven) return { outcome: 'failed', kind: 'unwritable', cause: `${unproven}; nothing was requested`, ...done, synced, unproven: true };
    const agents = [...new Set(targets.map((c) => c.holder))].sort().join(', ');
    const hold = context.guard ? context.guard.enter(`the token endpoint's answer for ${agents} (once sent, the request may have rotated the sign-in)`) : NO_HOLD;
    if (hold === null) return { outcome: 'failed', kind: 'transient', cause: 'stopping (a signal arrived, or AuthBar is quitting); nothing was requested', ...done, synced };
    try {
      // Never cut once sent (the answer may be the only copy of the sign-in): a stop ends retries
      // only. And sent only while the refresh lock stays ours: OpenClaw 2026.5 takes a live
      // holder's lock after REFRESH_LOCK.liveStaleMs (wall clock, as the lock file's times).
      const stops = [context.stopRetrying, context.signal].filter((s): s is AbortSignal => s !== undefined);
      // (2026.9's lock is never taken from a live holder.)
      const finishBy = targets.every((c) => c.storeKind !== 'sqlite') ? lockDeadline(lockedAt, context) : undefined;
      const answer = await exchangeRefreshToken(present, context.endpoint, { stopRetrying: stops.length > 0 ? AbortSignal.any(stops) : undefined, finishBy, retriesEndBy: context.retriesEndBy, onTry: context.onRequest, now: context.now });
      if (!answer.ok) {
        if (answer.failure.kind !== 'needs-login') return { outcome: 'failed', kind: answer.failure.kind, cause: answer.failure.cause, ...done, synced };
        // The token was dead after all. A usable copy of the same account elsewhere heals it.
        const healer = newestOther(current, present, account, context, 0);
        if (!healer || healer.credential.expires! <= context.now()) {
          if (!synced) {
            // Adopted in an earlier run (a sync, a refresh, the app): each copy's own entry, set aside then, comes back.
            const back = await putBackSetAside(context.authbarHome, holders, present);
            if (back.length === 0) return { outcome: 'failed', kind: 'needs-login', cause: answer.failure.cause, ...done, synced, rejected: { token: present, cause: answer.failure.cause, holders } };
            const agents = [...new Set(back.map((c) => c.holder))].sort();
            const rest = holders.filter((c) => !back.includes(c));
            return {
              outcome: 'failed', kind: 'needs-login',
              cause: `${answer.failure.cause}: the newer sign-in adopted earlier was dead; ${agents.join(', ')} ${agents.length === 1 ? 'has its' : 'have their'} own sign-in back, not tried`,
              written: [], notWritten: [], putBack: true, rejected: { token: present, cause: answer.failure.cause, holders: rest },
            };
          }
          // The newer sign-in it adopted was dead: what it replaced may be live (a separate sign-in
          // of the account). Each copy gets its own back, untried, as it was before this run.
          const back = await putBack(done, present, current);
          dropSetAsideFor(context.authbarHome, back.written, present);
          const agents = [...new Set(back.written.map((c) => c.holder))].sort();
          const kept = agents.length > 0 ? `; ${agents.join(', ')} ${agents.length === 1 ? 'has its' : 'have their'} own sign-in back, not tried` : '';
          const left = done.written.filter((c) => !back.written.includes(c));
          const stuck = left.length > 0 ? `; ${[...new Set(left.map((c) => c.holder))].sort().join(', ')} still ${left.length === 1 ? 'holds' : 'hold'} it (${back.notWritten.map((n) => n.why).join('; ')})` : '';
          const rejected = { token: present, cause: answer.failure.cause, holders: holders.filter((c) => !back.written.includes(c)) };
          return { outcome: 'failed', kind: 'needs-login', cause: `${answer.failure.cause}: the newer sign-in adopted from ${synced.source.holder} was dead${kept}${stuck}`, written: left, notWritten: back.notWritten, ...(left.length > 0 ? { synced } : { putBack: true }), rejected };
        }
        const fields = fieldsOf(healer.credential)!;
        const healed = await writeToCopies(holders, present, fields, { source: healer.copy });
        // What was set aside for the dead one now waits on the healer's: put back if that dies too.
        repointSetAside(context.authbarHome, healed.written, present, fields.refresh);
        markRemoved(context.authbarHome, healed.removed, fields.refresh);
        return { outcome: 'healed', credential: fields, source: healer.copy, ...merge(done, healed) };
      }
      const fresh: CredentialFields = { ...answer.tokens, accountId: answer.tokens.accountId ?? account };
      context.mintedThisRun?.add(fresh.refresh);
      hold.now(`the rotated sign-in of ${agents} to reach ${targets.map((c) => c.storePath).join(', ')} (its store locks may be held by OpenClaw)`);
      // The old token is dead now: wait as long as it takes for each store, never give up early.
      const kept = await keepRotated(holders, present, fresh, context.authbarHome, context.now());
      // The adopted sign-in was live: what it replaced is no longer needed.
      dropSetAsideFor(context.authbarHome, holders, present);
      const wrote = { written: kept.written, notWritten: kept.notWritten };
      if (wrote.written.length === 0) {
        const why = wrote.notWritten.map((n) => n.why).join('; ');
        const cause = kept.heldIn
          ? `the token rotated but no store could be written (${why}); AuthBar holds it: run \`authbar recover\``
          : `the token rotated but no store could be written (${why}), nor AuthBar's recovery file (${kept.unheld ?? 'not written'}): the new sign-in is lost`;
        return { outcome: 'failed', kind: 'unwritable', cause, ...wrote, held: kept.heldIn !== null };
      }
      return { outcome: 'refreshed', credential: fresh, source, ...merge(done, wrote) };
    } finally {
      hold.release();
    }
  } finally {
    releaseAll(locks);
  }
}
