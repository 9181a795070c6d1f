// The one place that reads OpenClaw's files for a status: config, agent list, every
// agent's store and main's (the one others inherit from). Everything after this is pure.
import { existsSync } from 'node:fs';
import { type AgentLocation, listAgents } from './openclaw/agents.ts';
import { type ConfigRead, emptyConfig, readConfig } from './openclaw/config.ts';
import { readJsonStore, type StoreRead } from './openclaw/json-store.ts';
import { type Env, mainAgentDir, resolveConfigPath, resolveStateDir } from './openclaw/paths.ts';

export interface AgentScan extends AgentLocation {
  /** The agent's own store; `absent` when it has none (it then inherits main's). */
  store: StoreRead;
}

export interface Scan {
  stateDir: string;
  config: ConfigRead;
  mainAgentDir: string;
  mainStore: StoreRead;
  agents: AgentScan[];
}

/** The seam for a second store kind: which store OpenClaw would read for an agent dir. */
export type StoreReader = (agentDir: string) => StoreRead;

export interface ScanOptions {
  env: Env;
  readStore?: StoreReader;
}

export function scanOpenClaw({ env, readStore = readJsonStore }: ScanOptions): Scan {
  const stateDir = resolveStateDir(env);
  const config = readConfig(resolveConfigPath(stateDir, env), env, stateDir);
  // No state dir at all: nothing is installed here, so there are no agents (not an implicit main).
  const agents = existsSync(stateDir) ? listAgents(stateDir, config.ok ? config.config : emptyConfig()) : [];
  const reads = new Map<string, StoreRead>();
  const readOnce = (dir: string): StoreRead => {
    let read = reads.get(dir);
    if (!read) reads.set(dir, (read = readStore(dir)));
    return read;
  };
  const main = mainAgentDir(stateDir, env);
  return {
    stateDir,
    config,
    mainAgentDir: main,
    mainStore: readOnce(main),
    agents: agents.map((agent) => ({ ...agent, store: readOnce(agent.agentDir) })),
  };
}
