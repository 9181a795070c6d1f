// The status pipeline, end to end: read OpenClaw's files and AuthBar's memory, record what
// changed, decide. The CLI's `status`, `refresh`, `sync` and the app all start here.
import { inDateRange } from './date-range.ts';
import type { StatusReport } from './api.ts';
import { resolveAuthbarHome } from './authbar/home.ts';
import { fingerprint, loadMemory, type Memory, updateMemory } from './authbar/memory.ts';
import { heldMessage, heldOldRefreshTokens, listRecoveries, recoveryAgents } from './authbar/recovery.ts';
import { listSetAside, writtenOver } from './authbar/set-aside.ts';
import { buildInventory, type Inventory } from './copies.ts';
import { changedStores, recordSightings } from './history.ts';
import { groupLineages, type Lineages } from './lineage.ts';
import type { Env } from './openclaw/paths.ts';
import { endpointWarnings } from './refresh/endpoint.ts';
import { type Scan, scanOpenClaw } from './scan.ts';
import { buildStatusReport, DEFAULT_WARN_AFTER_MS } from './status.ts';
import { findStranded, type Strandings } from './stranded.ts';
import { VERSION } from './version.ts';

export interface ReadStatusOptions {
  env?: Env;
  now?: number;
  warnAfterMs?: number;
}

export interface StatusSnapshot {
  scan: Scan;
  inventory: Inventory;
  lineages: Lineages;
  memory: Memory;
  /** Store path → file version, for every store read. */
  versions: Map<string, string>;
  /** Copy key → why its refresh token is known dead. */
  needsLogin: Map<string, string>;
  strandings: Strandings;
  /** Old refresh tokens of rotations whose successors AuthBar holds (its recovery files): dead. */
  heldOld: ReadonlySet<string>;
  /** Where AuthBar itself wrote over a token (its set-aside records; ./authbar/set-aside.ts writtenOver). */
  writtenOver: ReadonlySet<string>;
  report: StatusReport;
}

export function needsLoginByCopy(inventory: Inventory, memory: Memory): Map<string, string> {
  const result = new Map<string, string>();
  for (const copy of inventory.copies) {
    const record = memory.needsLogin[copy.key];
    if (record && copy.credential.refresh && record.refreshHash === fingerprint(memory, copy.credential.refresh)) {
      result.set(copy.key, record.cause);
    }
  }
  return result;
}

export function storeVersions(scan: Scan): Map<string, string> {
  const versions = new Map<string, string>();
  for (const read of [scan.mainStore, ...scan.agents.map((a) => a.store)]) {
    if (read.state === 'ok') versions.set(read.path, read.version);
  }
  return versions;
}

/**
 * Remembers (hashed) the refresh token of every copy whose store changed since last time.
 * Costs nothing when nothing changed; a memory that cannot be written only costs history.
 */
async function remember(home: string, memory: Memory, inventory: Inventory, versions: Map<string, string>, now: number, warnings: string[]): Promise<Memory> {
  if (changedStores(memory, versions).length === 0) return memory;
  try {
    return await updateMemory(home, (fresh) => recordSightings(fresh, inventory.copies, versions, now, (token) => fingerprint(fresh, token)));
  } catch (error) {
    warnings.push(`could not record history in ${home} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); stranded copies are judged without it`);
    return memory;
  }
}

export async function readStatus(options: ReadStatusOptions = {}): Promise<StatusSnapshot> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now();
  const scan = scanOpenClaw({ env });
  const inventory = buildInventory(scan, now);
  const lineages = groupLineages(inventory.copies);
  const versions = storeVersions(scan);
  const home = resolveAuthbarHome(env);
  const loaded = loadMemory(home);
  const warnings = [...endpointWarnings(env), ...(loaded.warning ? [loaded.warning] : [])];
  const memory = await remember(home, loaded.memory, inventory, versions, now, warnings);
  const needsLogin = needsLoginByCopy(inventory, memory);
  const heldOld = heldOldRefreshTokens(home);
  const aside = writtenOver(listSetAside(home));
  const strandings = findStranded({ copies: inventory.copies, lineages, memory, versions, needsLogin: new Set(needsLogin.keys()), heldOld, writtenOver: aside, now });
  const report = buildStatusReport({
    scan,
    inventory,
    lineages,
    strandings,
    needsLogin,
    warnAfterMs: options.warnAfterMs ?? DEFAULT_WARN_AFTER_MS,
    now,
    version: VERSION,
    warnings,
  });
  addHeldSignIns(report, home);
  return { scan, inventory, lineages, memory, versions, needsLogin, strandings, heldOld, writtenOver: aside, report };
}

/** Rotated sign-ins waiting in AuthBar's recovery files: a field, and a warning the table and panel show. */
function addHeldSignIns(report: StatusReport, home: string): void {
  const held = listRecoveries(home);
  if (held.length === 0) return;
  report.held = held.map((h) => {
    const agents = 'recovery' in h ? recoveryAgents(h.recovery) : [];
    return {
      agents,
      profileId: 'recovery' in h ? h.recovery.profileId : '*',
      // A time no Date holds (a damaged file) shows as the epoch: the file still holds a sign-in.
      heldSince: new Date('recovery' in h && inDateRange(h.recovery.createdAt) ? h.recovery.createdAt : 0).toISOString(),
      message: 'recovery' in h ? heldMessage(agents) : `${h.path}: ${h.error}`,
    };
  });
  report.warnings.push(...report.held.map((h) => h.message));
}

/** What each copy holds as scanned, for pruning set-aside records (undefined: a fence, or no such copy). */
export function holdingIn(snapshot: StatusSnapshot): (storePath: string, profileId: string) => string | null | undefined {
  const held = new Map(snapshot.inventory.copies.map((c) => [`${c.storePath}\0${c.credential.profileId}`, c.fence === null ? c.credential.refresh : undefined]));
  return (storePath, profileId) => held.get(`${storePath}\0${profileId}`);
}
