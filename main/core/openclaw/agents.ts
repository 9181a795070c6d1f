// Which agents exist and where their auth stores live (../shared/openclaw-auth.md §1):
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

export function directoryAgentIds(stateDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(agentsRoot(stateDir));
  } catch {
    return [];
  }
  return names.filter((name) => AGENT_ID_PATTERN.test(name) && isDirectory(join(agentsRoot(stateDir), name, 'agent'))).sort();
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
  const known = new Set(agents.map((agent) => agent.id));
  for (const id of directoryAgentIds(stateDir)) {
    if (!known.has(id)) agents.push({ id, configured: false, isDefault: false, agentDir: defaultAgentDir(stateDir, id) });
  }
  return agents;
}
