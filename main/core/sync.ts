// `authbar sync`: bring every stranded copy of a sign-in up to the newest credential of its
// account, with no token request at all. Same discipline as a refresh: the account's
// refresh locks, each store's lock, a re-read under it, a store that moved on meanwhile is
// left alone, atomic writes. Never the Codex CLI's own profile (OpenClaw never writes it).
import pLimit from 'p-limit';
import { type ProfileOutcome, profileOutcome, type RefreshEvent, type RefreshReport } from './api.ts';
import { type CredentialCopy, fenceOf } from './copies.ts';
import type { Credential } from './openclaw/credentials.ts';
import { LockTimeoutError } from './openclaw/lock.ts';
import type { Env } from './openclaw/paths.ts';
import { holdingIn, readStatus, type StatusSnapshot } from './read-status.ts';
import { currentCredential, fieldsOf, releaseAll, takeRefreshLocks, type WriteNote, writeToCopies } from './refresh/refresh-lineage.ts';
import { markRemoved, setAsideEntries } from './refresh/set-aside-copies.ts';
import { resolveAuthbarHome } from './authbar/home.ts';
import { pruneSetAside } from './authbar/set-aside.ts';
import { afterFailedFences, selectAgentIds } from './refresh/refresh-agents.ts';
import { canSyncTo, failedByOpenClaw, isSyncable } from './stranded.ts';
import { VERSION } from './version.ts';

export interface SyncOptions {
  env: Env;
  /** Agent ids whose copies to sync, or every stranded copy. */
  agents: string[] | 'all';
  dryRun?: boolean;
  onEvent?: (event: RefreshEvent) => void;
  now?: () => number;
}

interface Target {
  agentId: string;
  copy: CredentialCopy;
}

/** The stranded copies asked for: all of them, or those the named agents hold or use. */
function targetsOf(snapshot: StatusSnapshot, agents: string[] | 'all'): Target[] {
  const targets: Target[] = [];
  const stranded = (copy: CredentialCopy) => snapshot.strandings.has(copy.key) && canSyncTo(copy);
  if (agents === 'all') {
    for (const copy of snapshot.inventory.copies) if (stranded(copy)) targets.push({ agentId: copy.holder, copy });
    return targets;
  }
  for (const agentId of selectAgentIds(snapshot, agents)) {
    const used = (snapshot.inventory.effective.get(agentId) ?? []).map((p) => p.copy);
    const held = snapshot.inventory.copies.filter((c) => c.holder === agentId);
    for (const copy of new Set([...used, ...held])) if (stranded(copy)) targets.push({ agentId, copy });
  }
  return targets;
}

const result = (target: Target, fields: Partial<ProfileOutcome> & Pick<ProfileOutcome, 'outcome'>): ProfileOutcome =>
  profileOutcome({ agentId: target.agentId, profileId: target.copy.credential.profileId }, fields);

/** Syncs one account's stranded copies from its newest credential, under the account's locks. */
async function syncAccount(snapshot: StatusSnapshot, targets: Target[], now: number, home: string): Promise<ProfileOutcome[]> {
  const group = snapshot.lineages.byAccount.get(targets[0]!.copy.key) ?? [];
  let locks;
  try {
    locks = await takeRefreshLocks(snapshot.scan.stateDir, group.filter((c) => isSyncable(c) || canSyncTo(c)));
  } catch (error) {
    if (!(error instanceof LockTimeoutError)) throw error;
    return targets.map((t) => result(t, { outcome: 'failed', failureKind: 'busy', cause: 'another process (OpenClaw?) is refreshing this sign-in; try again', fix: `authbar sync --agent ${t.agentId}` }));
  }
  try {
    // Under the locks, pick the newest credential from what the stores hold now.
    const dead = new Set(snapshot.needsLogin.keys());
    let newest: { copy: CredentialCopy; credential: Credential } | null = null;
    for (const copy of group) {
      if (!isSyncable(copy) || dead.has(copy.key) || snapshot.heldOld.has(copy.credential.refresh!)) continue;
      const current = await currentCredential(copy);
      if (current === 'unreadable' || current === null || !current.expires || !fieldsOf(current)) continue;
      if (fenceOf(current) !== null || failedByOpenClaw(group, current.refresh)) continue;
      if (!newest || current.expires > newest.credential.expires!) newest = { copy, credential: current };
    }
    if (!newest || newest.credential.expires! <= now) {
      return targets.map((t) => result(t, { outcome: 'failed', failureKind: 'needs-login', cause: 'no live copy of this sign-in to sync from', fix: `openclaw models auth --agent ${t.copy.holder} login --provider ${t.copy.credential.provider}` }));
    }
    const fields = fieldsOf(newest.credential)!;
    const source = newest.copy.holder;
    // Each copy is written once, however many of the named agents use it.
    const copies = [...new Set(targets.map((t) => t.copy))].filter((c) => c.credential.refresh !== fields.refresh);
    const notes = new Map<CredentialCopy, WriteNote>();
    const written = new Set<CredentialCopy>();
    for (const copy of copies) {
      // Its own entry is set aside first, unless a refresh proved it dead: the newest-looking
      // credential may be dead already (../authbar/set-aside.ts).
      const unkept = setAsideEntries(home, [copy], [], fields.refresh, now, dead.has(copy.key));
      if (unkept) {
        notes.set(copy, { copy, reason: 'error', why: `${unkept}; not written` });
        continue;
      }
      const outcome = await writeToCopies([copy], copy.credential.refresh!, fields, { source: newest.copy });
      markRemoved(home, outcome.removed, fields.refresh);
      for (const c of outcome.written) written.add(c);
      for (const note of outcome.notWritten) notes.set(note.copy, note);
    }
    return targets.map((target) => {
      const note = notes.get(target.copy);
      if (written.has(target.copy)) return result(target, { outcome: 'synced', expiresAt: fields.expires, source });
      if (!note) return result(target, { outcome: 'adopted', expiresAt: fields.expires, source, cause: 'already holds the newest credential' });
      if (note.reason === 'changed') return result(target, { outcome: 'skipped', cause: `its store ${note.why}` });
      return result(target, { outcome: 'failed', failureKind: note.reason === 'unreadable' ? 'unreadable' : 'unwritable', cause: note.why, fix: `authbar sync --agent ${target.agentId}` });
    });
  } finally {
    releaseAll(locks);
  }
}

export async function syncStranded(options: SyncOptions): Promise<RefreshReport> {
  const now = options.now ?? Date.now;
  let snapshot = await readStatus({ env: options.env, now: now() });
  // Where OpenClaw failed on what AuthBar wrote over a copy, the copy's own comes back first.
  if (!options.dryRun && await afterFailedFences(options.env, resolveAuthbarHome(options.env), snapshot, now())) snapshot = await readStatus({ env: options.env, now: now() });
  const targets = targetsOf(snapshot, options.agents);
  const report = (results: ProfileOutcome[]): RefreshReport => ({
    version: VERSION, generatedAt: new Date(now()).toISOString(), requests: 0, results, ...(options.dryRun ? { dryRun: true } : {}),
  });
  if (options.dryRun) {
    const results = targets.map((t) => {
      const s = snapshot.strandings.get(t.copy.key)!;
      return result(t, { outcome: 'would-sync', source: s.newest.holder, expiresAt: s.newest.credential.expires, cause: s.kind === 'certain' ? 'rotated away in another store' : 'expired while a live copy exists' });
    });
    for (const r of results) options.onEvent?.({ type: 'finished', result: r });
    return report(results);
  }
  const home = resolveAuthbarHome(options.env);
  pruneSetAside(home, holdingIn(snapshot), now());
  // One job per account: its stranded copies all take the same newest credential.
  const byAccount = new Map<readonly CredentialCopy[], Target[]>();
  for (const target of targets) {
    const group = snapshot.lineages.byAccount.get(target.copy.key)!;
    byAccount.set(group, [...(byAccount.get(group) ?? []), target]);
  }
  const limit = pLimit(4);
  const results = await Promise.all([...byAccount.values()].map((group) => limit(async () => {
    for (const t of group) options.onEvent?.({ type: 'started', agentId: t.agentId, host: 'local', profileId: t.copy.credential.profileId });
    const outcomes = await syncAccount(snapshot, group, now(), home);
    for (const r of outcomes) options.onEvent?.({ type: 'finished', result: r });
    return outcomes;
  })));
  return report(results.flat());
}
