// `authbar refresh` and the app's Refresh buttons: pick the requested agents' Codex
// profiles, group them into token lineages (one request per lineage, never per copy), run
// the lineages in parallel within a bound, and report one outcome per requested profile.
import pLimit from 'p-limit';
import { type ProfileOutcome, profileOutcome as outcome, type ProfileReport, type RefreshEvent, type RefreshReport } from '../api.ts';
import { resolveAuthbarHome } from '../authbar/home.ts';
import { fingerprint, updateMemory } from '../authbar/memory.ts';
import type { CredentialCopy } from '../copies.ts';
import { fixCommand, loginCommand, openclawRefreshCommand } from '../fixes.ts';
import { CODEX_CLI_PROFILE_ID, entryNotWritable } from '../openclaw/credentials.ts';
import type { Env } from '../openclaw/paths.ts';
import { holdingIn, readStatus, type StatusSnapshot } from '../read-status.ts';
import { DEFAULT_WARN_AFTER_MS } from '../status.ts';
import { rotatedAwayInHistory } from '../stranded.ts';
import { pruneSetAside } from '../authbar/set-aside.ts';
import { VERSION } from '../version.ts';
import { heldMessage } from '../authbar/recovery.ts';
import { recoverHeld } from './recover.ts';
import { FENCE_WAIT_MS, type LineageResult, refreshLineage, type RotationGuard } from './refresh-lineage.ts';
import { putBackOverFailedFences, putBackSetAside } from './set-aside-copies.ts';
import { abortCause, tokenEndpointFrom } from './token-client.ts';

export const DEFAULT_CONCURRENCY = 4;

/** AUTHBAR_FENCE_WAIT_MS shortens the wait for OpenClaw's pending refresh (tests). */
function fenceWaitFrom(env: Env): number {
  const ms = Number(env.AUTHBAR_FENCE_WAIT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : FENCE_WAIT_MS;
}

export class UnknownAgentError extends Error {
  override name = 'UnknownAgentError';
}

export interface RefreshOptions {
  env: Env;
  /** Agent ids, or every configured agent. */
  agents: string[] | 'all';
  /** Only profiles that are expiring, expired or have no expiry. */
  ifNeeded?: boolean;
  concurrency?: number;
  /** Ends waits and starts no request (the CLI's --timeout); a request already sent gets its answer. */
  signal?: AbortSignal;
  /** No further token request once aborted; one in flight finishes and is written (the app, quitting). */
  stopRetrying?: AbortSignal;
  /** A try after a sign-in's first starts only if it can end by then (the CLI's --timeout). */
  retriesEndBy?: { at: number; why: string };
  /** How long OpenClaw lets a live holder keep the refresh lock; a test shortens it. */
  lockStaleMs?: number;
  onEvent?: (event: RefreshEvent) => void;
  now?: () => number;
  /** Holds off signals (the CLI's) or a quit (the app's) while a rotated token is on its way to the stores. */
  guard?: RotationGuard;
  /** The caller's fetch (the app: Electron's net.fetch); undici with the environment's proxy when absent. */
  fetch?: typeof fetch;
}

interface Target {
  agentId: string;
  profile: ProfileReport;
  copy: CredentialCopy;
}

const NEEDS_REFRESH = new Set(['expiring', 'expired', 'missing']);

export function selectAgentIds(snapshot: StatusSnapshot, agents: string[] | 'all'): string[] {
  const known = snapshot.report.agents;
  if (agents === 'all') return known.filter((a) => a.configured).map((a) => a.id);
  const ids = [...new Set(agents.map((id) => id.toLowerCase()))];
  for (const id of ids) {
    if (!known.some((a) => a.id === id)) {
      throw new UnknownAgentError(`no agent "${id}" in ${snapshot.scan.stateDir} (agents: ${known.map((a) => a.id).join(', ') || 'none'}); run authbar status to list them`);
    }
  }
  return ids;
}

export function failureFix(kind: string, agentId: string, holder: string, provider: string, result: { held?: boolean; unproven?: boolean; putBack?: boolean } = {}): string {
  if (result.held) return 'authbar recover';
  // OpenClaw would hit the same store: fix what the cause names, then refresh again. A sign-in
  // put back in place of a dead one was never tried: the next refresh tries it.
  if (result.unproven || result.putBack) return `authbar refresh --agent ${agentId}`;
  if (kind === 'needs-login' || kind === 'bad-response') return loginCommand(holder, provider);
  if (kind === 'unwritable') return openclawRefreshCommand(agentId);
  return `authbar refresh --agent ${agentId}`;
}

function lineageOutcome(target: Target, result: LineageResult): ProfileOutcome {
  const base = { agentId: target.agentId, profileId: target.profile.profileId };
  const syncedAgents = [...new Set(result.written.filter((c) => c.key !== target.copy.key).map((c) => c.holder))].sort();
  if (result.outcome === 'failed') {
    // Every action taken is reported, failed or not: a sync before a failed request stays done.
    const synced = result.synced && result.written.includes(target.copy) ? result.synced : undefined;
    return outcome(base, {
      outcome: 'failed',
      failureKind: result.kind,
      cause: synced ? `${result.cause}; its copy was synced from ${synced.source.holder} first` : result.cause,
      fix: failureFix(result.kind, target.agentId, target.copy.holder, target.copy.credential.provider, result),
      syncedAgents,
      ...(synced ? { source: synced.source.holder, expiresAt: synced.credential.expires } : {}),
    });
  }
  // A copy of this sign-in the run could not bring along is left behind holding a dead token: say which and why.
  const missed = result.notWritten.filter((n) => n.reason !== 'changed').map((n) => `${n.copy.holder} (${n.why})`);
  const cause = missed.length > 0 ? `not written: ${[...new Set(missed)].join('; ')}` : null;
  // A source is another agent's copy; "main adopted from main" says nothing.
  const source = result.source && result.source.holder !== target.agentId ? result.source.holder : null;
  return outcome(base, { outcome: result.outcome, expiresAt: result.credential.expires, syncedAgents, source, cause });
}

/** Which requested profiles to refresh, and the outcomes decided without any request. */
function plan(snapshot: StatusSnapshot, agentIds: string[], ifNeeded: boolean, held: ReadonlySet<string>): { targets: Target[]; decided: ProfileOutcome[] } {
  const targets: Target[] = [];
  const decided: ProfileOutcome[] = [];
  const reports = new Map(snapshot.report.agents.map((a) => [a.id, a]));
  for (const agentId of agentIds) {
    const agent = reports.get(agentId)!;
    const effective = snapshot.inventory.effective.get(agentId) ?? [];
    if (agent.status === 'unreadable') {
      decided.push(outcome({ agentId, profileId: '*' }, { outcome: 'failed', failureKind: 'unreadable', cause: `${agent.storePath}: ${agent.error}`, fix: agent.fix }));
      continue;
    }
    if (effective.length === 0) {
      decided.push(outcome({ agentId, profileId: '*' }, { outcome: 'skipped', cause: 'no Codex sign-in', fix: loginCommand(agentId, 'openai-codex') }));
      continue;
    }
    for (const profile of agent.profiles) {
      const copy = effective.find((p) => p.copy.credential.profileId === profile.profileId)!.copy;
      const base = { agentId, profileId: profile.profileId };
      if (ifNeeded && !NEEDS_REFRESH.has(profile.status) && profile.stranded === null) {
        decided.push(outcome(base, { outcome: 'skipped', cause: `not needed (${profile.status})`, expiresAt: profile.expiresAt }));
      } else if (!copy.writable && profile.stranded === null) {
        decided.push(outcome(base, {
          outcome: 'failed', failureKind: 'unwritable',
          cause: entryNotWritable(copy.credential) ?? `AuthBar only reads this state dir${snapshot.scan.readOnlyReason ? ` (${snapshot.scan.readOnlyReason})` : ''}`,
          fix: copy.credential.malformed.length > 0 ? loginCommand(copy.holder, profile.provider) : openclawRefreshCommand(agentId),
        }));
      } else if (copy.credential.refresh !== null && held.has(copy.credential.refresh)) {
        // Its successor waits in AuthBar's recovery file: this token is dead, never presented.
        decided.push(outcome(base, { outcome: 'failed', failureKind: 'unwritable', cause: heldMessage([agentId]), fix: 'authbar recover' }));
      } else if (profile.profileId === CODEX_CLI_PROFILE_ID) {
        decided.push(outcome(base, { outcome: 'skipped', cause: 'the Codex CLI owns this sign-in; OpenClaw and AuthBar never write it (run codex login)' }));
      } else if (profile.status === 'needs-login' && profile.stranded === null) {
        decided.push(outcome(base, { outcome: 'failed', failureKind: 'needs-login', cause: profile.cause, fix: fixCommand({ agentId, holder: copy.holder, provider: profile.provider, status: 'needs-login', stranded: false }) }));
      } else {
        targets.push({ agentId, profile, copy });
      }
    }
  }
  return { targets, decided };
}

export async function refreshAgents(options: RefreshOptions): Promise<RefreshReport> {
  const now = options.now ?? Date.now;
  const endpoint = { ...tokenEndpointFrom(options.env), ...(options.fetch ? { fetch: options.fetch } : {}) };
  // A rotated sign-in AuthBar holds goes back into its stores first: the same path as `authbar recover`.
  const recovered = await recoverHeld({ env: options.env, now, guard: options.guard, onResult: (result) => options.onEvent?.({ type: 'finished', result }) });
  let snapshot = await readStatus({ env: options.env, now: now() });
  const home = resolveAuthbarHome(options.env);
  // Where OpenClaw failed on what AuthBar wrote over a copy, the copy's own comes back first.
  if (await afterFailedFences(options.env, home, snapshot, now())) snapshot = await readStatus({ env: options.env, now: now() });
  pruneSetAside(home, holdingIn(snapshot), now());
  const { heldOld } = snapshot;
  const { targets, decided } = plan(snapshot, selectAgentIds(snapshot, options.agents), options.ifNeeded ?? false, heldOld);
  for (const result of decided) options.onEvent?.({ type: 'finished', result });

  // One job per token lineage: every copy holding the refresh token of any requested profile.
  const jobs = new Map<CredentialCopy[], Target[]>();
  for (const target of targets) {
    const lineage = snapshot.lineages.byToken.get(target.copy.key) ?? [target.copy];
    jobs.set(lineage, [...(jobs.get(lineage) ?? []), target]);
  }
  const memory = snapshot.memory;
  const deadHashes = new Set(Object.values(memory.needsLogin).map((r) => r.refreshHash));
  // Dead: remembered from an earlier run, or rejected by the endpoint earlier in this one.
  const rejectedThisRun = new Set<string>();
  // Also certainly dead: the old token of a rotation AuthBar holds, and one its history saw another
  // store move on from (even once that store's newer token has died too).
  const rotatedAway = new Set(snapshot.inventory.copies
    .filter((copy) => copy.credential.refresh !== null && rotatedAwayInHistory(copy, snapshot.lineages.byAccount.get(copy.key) ?? [], memory, snapshot.versions, snapshot.writtenOver))
    .map((copy) => copy.credential.refresh!));
  const isKnownDead = (refresh: string) =>
    rejectedThisRun.has(refresh) || heldOld.has(refresh) || rotatedAway.has(refresh) || (deadHashes.size > 0 && deadHashes.has(fingerprint(memory, refresh)));
  const peersOf = (lineage: CredentialCopy[]) =>
    (snapshot.lineages.byAccount.get(lineage[0]!.key) ?? []).filter((c) => !lineage.includes(c) && c.credential.profileId !== CODEX_CLI_PROFILE_ID);

  let requests = 0;
  const mintedThisRun = new Set<string>();
  const dead: Array<{ lineage: CredentialCopy[]; token: string | null; cause: string }> = [];
  const settled: CredentialCopy[] = [];
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const results = await Promise.all(
    [...jobs].map(([lineage, members]) =>
      limit(async () => {
        for (const t of members) options.onEvent?.({ type: 'started', agentId: t.agentId, host: 'local', profileId: t.profile.profileId });
        const stranded = lineage.some((copy) => snapshot.strandings.has(copy.key));
        // Stopped (a --timeout) while waiting for a lock or OpenClaw's fence: a failure of this
        // lineage, reported like any other; nothing was requested then. Any other error (a store's
        // dir that refuses the lock file: EPERM, EACCES, ENOSPC) fails this lineage alone: the run
        // goes on until every other lineage has settled, since one of them may have a token request
        // out whose answer must still reach its stores or the recovery file before anyone exits.
        const stopped = (error: unknown): LineageResult => {
          const aborted = error === options.signal?.reason || (error as Error | null)?.name === 'AbortError';
          if (options.signal?.aborted && aborted) return { outcome: 'failed', kind: 'transient', cause: abortCause(options.signal), written: [], notWritten: [] };
          return { outcome: 'failed', kind: 'unwritable', cause: (error as Error | null)?.message ?? String(error), written: [], notWritten: [] };
        };
        const result = await refreshLineage(
          { copies: lineage, peers: peersOf(lineage), stranded },
          {
            stateDir: snapshot.scan.stateDir,
            endpoint,
            now,
            warnAfterMs: DEFAULT_WARN_AFTER_MS,
            ifNeeded: options.ifNeeded ?? false,
            fenceWaitMs: fenceWaitFrom(options.env),
            isKnownDead,
            rotatedAway: (refresh) => rotatedAway.has(refresh),
            signal: options.signal,
            stopRetrying: options.stopRetrying,
            retriesEndBy: options.retriesEndBy,
            lockStaleMs: options.lockStaleMs,
            onRequest: () => requests++,
            mintedThisRun,
            authbarHome: resolveAuthbarHome(options.env),
            guard: options.guard,
          },
        ).catch(stopped);
        if (result.outcome === 'failed' && result.kind === 'needs-login') {
          // The token the endpoint rejected, in the copies that still hold it; else the lineage's own.
          if (result.rejected) {
            rejectedThisRun.add(result.rejected.token);
            dead.push({ lineage: result.rejected.holders, token: result.rejected.token, cause: result.rejected.cause });
          }
          // (One this run's endpoint already rejected keeps the endpoint's own cause.)
          else if (!lineage.every((c) => c.credential.refresh !== null && rejectedThisRun.has(c.credential.refresh))) dead.push({ lineage, token: null, cause: result.cause });
        }
        else settled.push(...result.written);
        return members.map((t) => {
          const r = lineageOutcome(t, result);
          options.onEvent?.({ type: 'finished', result: r });
          return r;
        });
      }),
    ),
  );

  await rememberOutcomes(options.env, dead, settled, now());
  return { version: VERSION, generatedAt: new Date(now()).toISOString(), requests, results: [...recovered.results, ...decided, ...results.flat()] };
}

/**
 * OpenClaw 2026.9 failed on what AuthBar wrote over a copy (a failed fence over it): the copy's
 * own entry comes back, and the token OpenClaw failed on is remembered as dead in the copies
 * still holding it (the fence that said so is gone). Whether anything came back.
 */
export async function afterFailedFences(env: Env, home: string, snapshot: StatusSnapshot, at: number): Promise<boolean> {
  const dead = await putBackOverFailedFences(home, snapshot.inventory.copies);
  if (dead.length === 0) return false;
  // Other copies AuthBar wrote the same dead token over get their own back too, as after a rejection.
  const stillHolding: Array<{ lineage: CredentialCopy[]; token: string; cause: string }> = [];
  for (const token of new Set(dead)) {
    const holders = snapshot.inventory.copies.filter((c) => c.credential.refresh === token);
    const back = await putBackSetAside(home, holders, token);
    stillHolding.push({ lineage: holders.filter((c) => !back.includes(c)), token, cause: 'OpenClaw failed to refresh it (it left a failed fence)' });
  }
  await rememberOutcomes(env, stillHolding, [], at);
  return true;
}

/** A dead refresh token is remembered (hashed) so `status` says needs-login until the store changes. */
async function rememberOutcomes(env: Env, dead: Array<{ lineage: CredentialCopy[]; token: string | null; cause: string }>, settled: CredentialCopy[], at: number): Promise<void> {
  if (dead.length === 0 && settled.length === 0) return;
  await updateMemory(resolveAuthbarHome(env), (memory) => {
    for (const { lineage, token, cause } of dead) {
      for (const copy of lineage) {
        const refresh = token ?? copy.credential.refresh;
        if (refresh) memory.needsLogin[copy.key] = { refreshHash: fingerprint(memory, refresh), at, cause };
      }
    }
    for (const copy of settled) delete memory.needsLogin[copy.key];
    return true;
  });
}
