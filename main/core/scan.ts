// The one place that reads OpenClaw's files for a status: config, agent list, every agent's
// store and the one others inherit from (main's JSON store, or 2026.9's shared SQLite store).
// Everything after this is pure.
import { existsSync } from 'node:fs';
import { type AgentLocation, listAgents } from './openclaw/agents.ts';
import { type ConfigRead, emptyConfig, readConfig } from './openclaw/config.ts';
import { type JsonEraStore, loadJsonEraStore } from './openclaw/json-era.ts';
import { readLegacyFile, type StoreRead } from './openclaw/json-store.ts';
import { detectEra, type Era, readSqliteEraAgentStore, sqliteShared } from './openclaw/layout.ts';
import type { LoadedStore } from './openclaw/merge.ts';
import { type Env, mainAgentDir, oauthFilePath, resolveConfigPath, resolveStateDir } from './openclaw/paths.ts';

export interface AgentScan extends AgentLocation {
  /** The agent's own store; `absent` when it has none (it then inherits the shared one). */
  store: StoreRead;
  /** Whether AuthBar may write this agent's store (false for layouts its tests do not cover). */
  writable: boolean;
  /** JSON era: what OpenClaw 2026.5.7 loads for this agent dir, entry by entry. */
  loaded?: LoadedStore;
  /** JSON era: the auth-state.json beside the store, as JSON (undefined when absent or unusable). */
  authStateFile?: unknown;
}

export interface Scan {
  stateDir: string;
  era: Era;
  config: ConfigRead;
  mainAgentDir: string;
  /** The store every agent inherits from. */
  mainStore: StoreRead;
  /** JSON era: what OpenClaw 2026.5.7 loads from it, and the auth-state.json beside it. */
  mainLoaded?: LoadedStore;
  mainAuthStateFile?: unknown;
  /** Why the state dir is read-only for AuthBar, when it is. */
  readOnlyReason: string | null;
  agents: AgentScan[];
}

export interface ScanOptions {
  env: Env;
}

function scanJsonEra(stateDir: string, env: Env, agents: AgentLocation[]): Pick<Scan, 'mainStore' | 'mainLoaded' | 'mainAuthStateFile' | 'agents' | 'readOnlyReason'> {
  let oauth: StoreRead | undefined;
  const oauthFile = () => (oauth ??= readLegacyFile(oauthFilePath(stateDir, env)));
  const reads = new Map<string, JsonEraStore>();
  const readOnce = (dir: string): JsonEraStore => {
    let read = reads.get(dir);
    if (!read) reads.set(dir, (read = loadJsonEraStore(dir, oauthFile)));
    return read;
  };
  const main = readOnce(mainAgentDir(stateDir, env));
  return {
    mainStore: main.primary,
    mainLoaded: main.loaded,
    mainAuthStateFile: main.authStateFile,
    readOnlyReason: null,
    agents: agents.map((agent) => {
      const { primary, loaded, authStateFile } = readOnce(agent.agentDir);
      return { ...agent, store: primary, loaded, authStateFile, writable: true };
    }),
  };
}

function scanSqliteEra(stateDir: string, env: Env, agents: AgentLocation[]): Pick<Scan, 'mainStore' | 'agents' | 'readOnlyReason'> {
  const shared = sqliteShared(stateDir, env);
  return {
    mainStore: shared.read,
    readOnlyReason: shared.why,
    agents: agents.map((agent) => {
      const { store, known } = readSqliteEraAgentStore(agent.id, agent.agentDir, shared.read);
      return { ...agent, store, writable: shared.writable && store.state !== 'unreadable' && known };
    }),
  };
}

export function scanOpenClaw({ env }: ScanOptions): Scan {
  const stateDir = resolveStateDir(env);
  const config = readConfig(resolveConfigPath(stateDir, env), env, stateDir);
  // No state dir at all: nothing is installed here, so there are no agents (not an implicit main).
  const agents = existsSync(stateDir) ? listAgents(stateDir, config.ok ? config.config : emptyConfig()) : [];
  const era = detectEra(stateDir);
  const stores = era === 'sqlite' ? scanSqliteEra(stateDir, env, agents) : scanJsonEra(stateDir, env, agents);
  return { stateDir, era, config, mainAgentDir: mainAgentDir(stateDir, env), ...stores };
}
