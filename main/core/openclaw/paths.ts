// Where OpenClaw keeps things (as openclaw 2026.5.7 and 2026.9.6 resolve them). Pure functions of an
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

/**
 * `~` and `~/x` expanded against OpenClaw's home; other relative paths resolved from `base`,
 * by default the working directory, as OpenClaw 2026.5.7 resolves a relative `agentDir`.
 */
export function expandPath(path: string, env: Env, base = process.cwd()): string {
  if (path === '~') return resolveHome(env);
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(resolveHome(env), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

export function resolveStateDir(env: Env): string {
  const explicit = nonBlank(env.OPENCLAW_STATE_DIR);
  if (explicit) return expandPath(explicit, env);
  // A named profile (`openclaw --profile <name>`) is a CLI flag only: OPENCLAW_PROFILE in the
  // environment does not change the state dir (2026.5.7, observed). Point AuthBar at
  // `~/.openclaw-<name>` with OPENCLAW_STATE_DIR instead.
  const home = resolveHome(env);
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

/** OpenClaw's normalizeAgentId: lower-cased; other characters runs become `-`; empty → main. */
export function normalizeAgentId(raw: string): string {
  const trimmed = raw.trim();
  if (/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(trimmed)) return trimmed.toLowerCase();
  const cleaned = trimmed.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return cleaned || MAIN_AGENT_ID;
}

export function jsonStorePath(agentDir: string): string {
  return join(agentDir, 'auth-profiles.json');
}

export function legacyStorePath(agentDir: string): string {
  return join(agentDir, 'auth.json');
}

export const OAUTH_FILE = 'oauth.json';

/** The legacy `credentials/oauth.json` OpenClaw 2026.5.7 still merges into stores it cannot load (`resolveOAuthPath`). */
export function oauthFilePath(stateDir: string, env: Env): string {
  const explicit = nonBlank(env.OPENCLAW_OAUTH_DIR);
  return join(explicit ? expandPath(explicit, env) : join(stateDir, 'credentials'), OAUTH_FILE);
}

export function refreshLocksDir(stateDir: string): string {
  return join(stateDir, 'locks', 'oauth-refresh');
}
