// Which agents exist and where their auth stores live (as openclaw 2026.5.7 and 2026.9.6 find them):
// the configured ones, plus every `<stateDir>/agents/<id>/agent` directory the config does
// not name (OpenClaw's CLI answers "Unknown agent id" for those, but their stores still
// hold credential copies that go stale).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenClawConfig } from './config.ts';
import { AGENT_ID_PATTERN, agentsRoot, defaultAgentDir, MAIN_AGENT_ID } from './paths.ts';

export interface AgentLocation {
  id: string;
  configured: boolean;
  isDefault: boolean;
  agentDir: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Agent ids that exist as `<stateDir>/agents/<id>/agent` directories, except those in `known`. */
export function directoryAgentIds(stateDir: string, known: ReadonlySet<string> = new Set()): string[] {
  let entries;
  try {
    entries = readdirSync(agentsRoot(stateDir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !known.has(e.name) && AGENT_ID_PATTERN.test(e.name))
    .filter((e) => isDirectory(join(agentsRoot(stateDir), e.name, 'agent')))
    .map((e) => e.name)
    .sort();
}

export function listAgents(stateDir: string, config: OpenClawConfig): AgentLocation[] {
  const configured = config.agents.length > 0
    ? config.agents
    : [{ id: MAIN_AGENT_ID, isDefault: true, agentDir: null }];
  const agents: AgentLocation[] = configured.map((agent) => ({
    id: agent.id,
    configured: true,
    isDefault: agent.isDefault,
    // OPENCLAW_AGENT_DIR moves only the store others inherit from, not agent main's own dir (2026.5.7).
    agentDir: agent.agentDir ?? defaultAgentDir(stateDir, agent.id),
  }));
  for (const id of directoryAgentIds(stateDir, new Set(agents.map((agent) => agent.id)))) {
    agents.push({ id, configured: false, isDefault: false, agentDir: defaultAgentDir(stateDir, id) });
  }
  return agents;
}
