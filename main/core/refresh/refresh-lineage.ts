// Refreshing one token lineage (every copy holding one refresh token) the way OpenClaw does,
// so the two can run side by side: take the profile's refresh lock, re-read under it, adopt
// what someone else already refreshed, else make exactly one token request and write the
// answer into every copy that still holds the old refresh token, each under its store lock.
import type { FailureKindName } from '../api.ts';
import type { CredentialCopy } from '../copies.ts';
import { readAccessTokenClaims } from '../jwt.ts';
import type { Credential } from '../openclaw/credentials.ts';
import { type CredentialFields, readStoreFile, replaceCredential } from '../openclaw/json-store.ts';
import { acquireLock, type Lock, type LockPolicy, LockTimeoutError, REFRESH_LOCK, ROTATED_WRITE_LOCK, STORE_LOCK, withLock } from '../openclaw/lock.ts';
import { jsonEraRefreshLockTarget } from '../openclaw/refresh-lock.ts';
import { exchangeRefreshToken, type TokenEndpoint } from './token-client.ts';

export interface WriteNote {
  copy: CredentialCopy;
  why: string;
}

export type LineageResult =
  | { outcome: 'refreshed' | 'adopted'; credential: CredentialFields; written: CredentialCopy[]; notWritten: WriteNote[] }
  | { outcome: 'failed'; kind: FailureKindName; cause: string; written: CredentialCopy[]; notWritten: WriteNote[] };

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
      notWritten.push({ copy, why: `${copy.storePath} is a legacy store AuthBar only reads` });
      continue;
    }
    try {
      const result = await replaceCredential(copy.storePath, copy.credential.profileId, oldRefresh, { ...next, email: copy.credential.email ?? next.email ?? null }, policy);
      if (result.result === 'written') written.push(copy);
      else if (result.result === 'changed') notWritten.push({ copy, why: 'it changed meanwhile (left as it is)' });
      else notWritten.push({ copy, why: `${copy.storePath} is unreadable now (${result.error}); not written` });
    } catch (error) {
      notWritten.push({ copy, why: error instanceof LockTimeoutError ? 'its store stayed locked by another process' : `write failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { written, notWritten };
}

export interface LineageJob {
  /** Every copy holding the refresh token being refreshed. */
  copies: CredentialCopy[];
  /** Copies of the same account holding other credentials: a newer one there means ours was rotated away. */
  peers: CredentialCopy[];
}

export interface LineageContext {
  stateDir: string;
  endpoint: TokenEndpoint;
  now: () => number;
  /** A credential newer than ours but this close to expiry is adopted, then refreshed. */
  warnAfterMs: number;
  /** Refresh tokens AuthBar knows are dead (a refresh proved it): never adopted, never presented. */
  isKnownDead: (refresh: string) => boolean;
  signal?: AbortSignal;
  /** Called just before each token request, so callers can count them. */
  onRequest?: () => void;
}

interface Current {
  copy: CredentialCopy;
  credential: Credential;
}

/** The newest usable credential of the account among what the stores hold now, if newer than ours. */
function newerThanOurs(current: Current[], oldRefresh: string, ourExpires: number, account: string | null, context: LineageContext): Current | null {
  let best: Current | null = null;
  for (const entry of current) {
    const c = entry.credential;
    if (c.refresh === oldRefresh || !c.refresh || !c.access || !c.expires || context.isKnownDead(c.refresh)) continue;
    if (c.refresh.startsWith('openclaw-oauth-refresh-fence:')) continue;
    if (account === null || accountOf(c) !== account) continue;
    if (c.expires <= ourExpires) continue;
    if (!best || c.expires > best.credential.expires!) best = entry;
  }
  return best;
}

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
    const stillOld = current.filter((e) => e.credential.refresh === oldRefresh).map((e) => e.copy);
    const ourExpires = Math.max(0, ...current.filter((e) => e.credential.refresh === oldRefresh).map((e) => e.credential.expires ?? 0));

    let present = oldRefresh;
    let holders = stillOld;
    let adopted: { written: CredentialCopy[]; notWritten: WriteNote[] } = { written: [], notWritten: [] };
    const newer = newerThanOurs(current, oldRefresh, ourExpires, account, context);
    if (newer) {
      // Someone refreshed (or signed in) since: ours is rotated away. Adopt, never present it.
      const fields = fieldsOf(newer.credential)!;
      adopted = await writeToCopies(stillOld, oldRefresh, fields);
      if (fields.expires - context.now() >= context.warnAfterMs) return { outcome: 'adopted', credential: fields, ...adopted };
      // What we adopted is about to expire too: refresh it, once, for every holder.
      present = fields.refresh;
      holders = [...current.filter((e) => e.credential.refresh === present).map((e) => e.copy), ...adopted.written];
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
    if (!answer.ok) return { outcome: 'failed', kind: answer.failure.kind, cause: answer.failure.cause, ...adopted };
    const fresh: CredentialFields = { ...answer.tokens, accountId: answer.tokens.accountId ?? account };
    // The old token is dead now: wait as long as it takes for each store, never give up early.
    const { written, notWritten } = await writeToCopies(holders, present, fresh, ROTATED_WRITE_LOCK);
    if (written.length === 0) {
      return { outcome: 'failed', kind: 'unwritable', cause: `the token rotated but no store could be written (${notWritten.map((n) => n.why).join('; ')})`, written, notWritten };
    }
    return { outcome: 'refreshed', credential: fresh, written: [...new Set([...adopted.written, ...written])], notWritten: [...adopted.notWritten, ...notWritten] };
  } finally {
    releaseAll(locks);
  }
}
