// Where OpenClaw keeps things (../shared/openclaw-auth.md §1). Pure functions of an
// environment, so tests pass their own instead of touching the real home.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

export function resolveHome(env: Env): string {
  return nonBlank(env.OPENCLAW_HOME) ?? nonBlank(env.HOME) ?? nonBlank(env.USERPROFILE) ?? homedir();
}

/** `~` and `~/x` expanded against OpenClaw's home; relative paths resolved from `base`. */
export function expandPath(path: string, env: Env, base = process.cwd()): string {
  if (path === '~') return resolveHome(env);
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(resolveHome(env), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

export function resolveStateDir(env: Env): string {
  const explicit = nonBlank(env.OPENCLAW_STATE_DIR);
  if (explicit) return expandPath(explicit, env);
  const home = resolveHome(env);
  const profile = nonBlank(env.OPENCLAW_PROFILE);
  if (profile) return join(home, `.openclaw-${profile}`);
  const current = join(home, '.openclaw');
  if (existsSync(current)) return current;
  const legacy = join(home, '.clawdbot');
  return existsSync(legacy) ? legacy : current;
}

export function resolveConfigPath(stateDir: string, env: Env): string {
  const explicit = nonBlank(env.OPENCLAW_CONFIG_PATH);
  return explicit ? expandPath(explicit, env) : join(stateDir, 'openclaw.json');
}

export function agentsRoot(stateDir: string): string {
  return join(stateDir, 'agents');
}

export function defaultAgentDir(stateDir: string, agentId: string): string {
  return join(agentsRoot(stateDir), agentId, 'agent');
}

/** The store every other agent inherits from is literally agent `main`'s, not the default agent's. */
export function mainAgentDir(stateDir: string, env: Env): string {
  const explicit = nonBlank(env.OPENCLAW_AGENT_DIR) ?? nonBlank(env.PI_CODING_AGENT_DIR);
  return explicit ? expandPath(explicit, env) : defaultAgentDir(stateDir, 'main');
}

export const MAIN_AGENT_ID = 'main';
export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function jsonStorePath(agentDir: string): string {
  return join(agentDir, 'auth-profiles.json');
}

export function legacyStorePath(agentDir: string): string {
  return join(agentDir, 'auth.json');
}

export function refreshLocksDir(stateDir: string): string {
  return join(stateDir, 'locks', 'oauth-refresh');
}
