// Refreshing one token lineage (every copy holding one refresh token) the way OpenClaw does,
// so the two can run side by side: take the profile's refresh lock, re-read under it, adopt
// what someone else already refreshed, else make exactly one token request and write the
// answer into every copy that still holds the old refresh token, each under its store lock.
import type { FailureKindName } from '../api.ts';
import type { CredentialCopy } from '../copies.ts';
import { readAccessTokenClaims } from '../jwt.ts';
import { CODEX_CLI_PROFILE_ID, type Credential } from '../openclaw/credentials.ts';
import { type CredentialFields, readStoreFile, replaceCredential } from '../openclaw/json-store.ts';
import { acquireLock, type Lock, type LockPolicy, LockTimeoutError, REFRESH_LOCK, ROTATED_WRITE_LOCK, STORE_LOCK, withLock } from '../openclaw/lock.ts';
import { jsonEraRefreshLockTarget } from '../openclaw/refresh-lock.ts';
import { exchangeRefreshToken, type TokenEndpoint } from './token-client.ts';

export interface WriteNote {
  copy: CredentialCopy;
  reason: 'legacy' | 'changed' | 'unreadable' | 'locked' | 'error';
  why: string;
}

/** Locks for every profile id in the lineage, in a fixed order so two AuthBars never deadlock. */
export async function takeRefreshLocks(stateDir: string, copies: CredentialCopy[], signal?: AbortSignal): Promise<Lock[]> {
  const targets = [...new Set(copies.map((c) => jsonEraRefreshLockTarget(stateDir, c.credential.provider, c.credential.profileId)))].sort();
  const locks: Lock[] = [];
  try {
    for (const target of targets) locks.push(await acquireLock(target, { policy: REFRESH_LOCK, signal }));
  } catch (error) {
    for (const lock of locks.reverse()) lock.release();
    throw error;
  }
  return locks;
}

export function releaseAll(locks: Lock[]): void {
  for (const lock of [...locks].reverse()) lock.release();
}

/** The credential a copy holds right now, re-read from disk under its store lock. */
export async function currentCredential(copy: CredentialCopy): Promise<Credential | null | 'unreadable'> {
  if (copy.storeKind === 'sqlite') return null;
  let read;
  try {
    read = await withLock(copy.storePath, { policy: STORE_LOCK }, async () => readStoreFile(copy.storePath, copy.storeKind as 'json' | 'legacy-json'));
  } catch (error) {
    if (error instanceof LockTimeoutError) return 'unreadable';
    throw error;
  }
  if (read.state === 'unreadable') return 'unreadable';
  if (read.state === 'absent') return null;
  return read.credentials.find((c) => c.profileId === copy.credential.profileId) ?? null;
}

function accountOf(credential: Credential): string | null {
  return credential.accountId ?? readAccessTokenClaims(credential.access).accountId;
}

export function fieldsOf(credential: Credential): CredentialFields | null {
  if (!credential.access || !credential.refresh || !credential.expires) return null;
  return { access: credential.access, refresh: credential.refresh, expires: credential.expires, accountId: accountOf(credential), email: credential.email };
}

/**
 * Writes `next` into every copy that still holds `oldRefresh`. Copies that moved on, or
 * that AuthBar may not write (the legacy flat auth.json, the Codex CLI's own profile), are
 * reported, never overwritten.
 */
export async function writeToCopies(
  copies: CredentialCopy[],
  oldRefresh: string,
  next: CredentialFields,
  policy: LockPolicy = STORE_LOCK,
): Promise<{ written: CredentialCopy[]; notWritten: WriteNote[] }> {
  const written: CredentialCopy[] = [];
  const notWritten: WriteNote[] = [];
  for (const copy of copies) {
    if (copy.storeKind !== 'json') {
      notWritten.push({ copy, reason: 'legacy', why: `${copy.storePath} is a legacy store AuthBar only reads` });
      continue;
    }
    try {
      const result = await replaceCredential(copy.storePath, copy.credential.profileId, oldRefresh, { ...next, email: copy.credential.email ?? next.email ?? null }, policy);
      if (result.result === 'written') written.push(copy);
      else if (result.result === 'changed') notWritten.push({ copy, reason: 'changed', why: 'it changed meanwhile (left as it is)' });
      else notWritten.push({ copy, reason: 'unreadable', why: `${copy.storePath} is unreadable now (${result.error}); not written` });
    } catch (error) {
      if (error instanceof LockTimeoutError) notWritten.push({ copy, reason: 'locked', why: 'its store stayed locked by another process' });
      else notWritten.push({ copy, reason: 'error', why: `write failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { written, notWritten };
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
  /** Refresh tokens AuthBar knows are dead (a refresh proved it): never adopted, never presented. */
  isKnownDead: (refresh: string) => boolean;
  signal?: AbortSignal;
  /** Called just before each token request, so callers can count them. */
  onRequest?: () => void;
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
  | { outcome: 'failed'; kind: FailureKindName; cause: string; written: CredentialCopy[]; notWritten: WriteNote[] };

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
    if (account === null || accountOf(c) !== account || c.expires <= newerThan) continue;
    if (!best || c.expires > best.credential.expires!) best = entry;
  }
  return best;
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

  let locks: Lock[];
  try {
    locks = await takeRefreshLocks(context.stateDir, [...copies, ...peers], context.signal);
  } catch (error) {
    if (error instanceof LockTimeoutError) return { outcome: 'failed', kind: 'busy', cause: 'another process (OpenClaw?) held the refresh lock past its bounds; try again', written: [], notWritten: [] };
    throw error;
  }
  try {
    // Under the lock, the stores are the truth: someone may have refreshed since we read them.
    const current: Current[] = [];
    for (const copy of [...copies, ...peers]) {
      const now = await currentCredential(copy);
      if (now !== 'unreadable' && now !== null) current.push({ copy, credential: now });
    }
    // Every copy holding the old token now, peers included: a peer may have adopted it meanwhile.
    const holdersOf = (token: string) => current.filter((e) => e.credential.refresh === token).map((e) => e.copy);
    const stillOld = holdersOf(oldRefresh);
    const ourExpires = Math.max(0, ...current.filter((e) => e.credential.refresh === oldRefresh).map((e) => e.credential.expires ?? 0));

    let present = oldRefresh;
    let holders = stillOld;
    let source: CredentialCopy | null = null;
    let done: { written: CredentialCopy[]; notWritten: WriteNote[] } = { written: [], notWritten: [] };
    // Someone refreshed since (a newer credential of the account), or ours is known to be left
    // behind by a rotation: take theirs, and never present ours.
    const newer = newestOther(current, oldRefresh, account, context, job.stranded ? 0 : ourExpires);
    if (newer) {
      const fields = fieldsOf(newer.credential)!;
      done = await writeToCopies(stillOld, oldRefresh, fields);
      source = newer.copy;
      const fresh = fields.expires - context.now() >= context.warnAfterMs;
      if (fresh && (!job.stranded || context.ifNeeded)) return { outcome: 'adopted', credential: fields, source, ...done };
      // Synced a stranded copy, or adopted something about to expire: refresh it, once, for every holder.
      present = fields.refresh;
      holders = [...new Set([...holdersOf(present), ...done.written])];
    } else if (context.isKnownDead(oldRefresh)) {
      return { outcome: 'failed', kind: 'needs-login', cause: 'this refresh token was already rejected', written: [], notWritten: [] };
    }
    if (holders.length === 0) return { outcome: 'failed', kind: 'unreadable', cause: 'no copy of this sign-in could be read under the lock', written: [], notWritten: [] };
    // Never rotate a token we could not write back: the new one would be lost with the old one dead.
    if (!holders.some((copy) => copy.storeKind === 'json')) {
      return { outcome: 'failed', kind: 'unwritable', cause: `only a legacy store holds it (${holders[0]!.storePath}), which AuthBar does not write`, written: [], notWritten: [] };
    }

    context.onRequest?.();
    const answer = await exchangeRefreshToken(present, context.endpoint, { signal: context.signal, now: context.now });
    if (!answer.ok) {
      if (answer.failure.kind !== 'needs-login') return { outcome: 'failed', kind: answer.failure.kind, cause: answer.failure.cause, ...done };
      // The token was dead after all. A usable copy of the same account elsewhere heals it.
      const healer = newestOther(current, present, account, context, 0);
      if (!healer || healer.credential.expires! <= context.now()) return { outcome: 'failed', kind: 'needs-login', cause: answer.failure.cause, ...done };
      const fields = fieldsOf(healer.credential)!;
      const healed = await writeToCopies(holders, present, fields);
      return { outcome: 'healed', credential: fields, source: healer.copy, ...merge(done, healed) };
    }
    const fresh: CredentialFields = { ...answer.tokens, accountId: answer.tokens.accountId ?? account };
    // The old token is dead now: wait as long as it takes for each store, never give up early.
    const wrote = await writeToCopies(holders, present, fresh, ROTATED_WRITE_LOCK);
    if (wrote.written.length === 0) {
      return { outcome: 'failed', kind: 'unwritable', cause: `the token rotated but no store could be written (${wrote.notWritten.map((n) => n.why).join('; ')})`, ...wrote };
    }
    return { outcome: 'refreshed', credential: fresh, source, ...merge(done, wrote) };
  } finally {
    releaseAll(locks);
  }
}
