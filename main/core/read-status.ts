// The status pipeline, end to end: read OpenClaw's files and AuthBar's memory, decide.
// The CLI's `status` and the app's panel both call this, and nothing else.
import type { StatusReport } from './api.ts';
import { resolveAuthbarHome } from './authbar/home.ts';
import { fingerprint, loadMemory, type Memory } from './authbar/memory.ts';
import { buildInventory, type Inventory } from './copies.ts';
import { groupLineages, type Lineages } from './lineage.ts';
import type { Env } from './openclaw/paths.ts';
import { type Scan, scanOpenClaw, type StoreReader } from './scan.ts';
import { buildStatusReport, DEFAULT_WARN_AFTER_MS } from './status.ts';
import type { Strandings } from './stranded.ts';
import { VERSION } from './version.ts';

export interface ReadStatusOptions {
  env?: Env;
  now?: number;
  warnAfterMs?: number;
  readStore?: StoreReader;
}

export interface StatusSnapshot {
  scan: Scan;
  inventory: Inventory;
  lineages: Lineages;
  memory: Memory;
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

export function readStatus(options: ReadStatusOptions = {}): StatusSnapshot {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now();
  const scan = scanOpenClaw({ env, readStore: options.readStore });
  const inventory = buildInventory(scan, now);
  const lineages = groupLineages(inventory.copies);
  const { memory, warning } = loadMemory(resolveAuthbarHome(env));
  const strandings: Strandings = new Map();
  const report = buildStatusReport({
    scan,
    inventory,
    lineages,
    strandings,
    needsLogin: needsLoginByCopy(inventory, memory),
    warnAfterMs: options.warnAfterMs ?? DEFAULT_WARN_AFTER_MS,
    now,
    version: VERSION,
    warnings: warning ? [warning] : [],
  });
  return { scan, inventory, lineages, memory, report };
}
