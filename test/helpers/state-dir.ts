// Real OpenClaw state dirs on disk, built per test: config, agent dirs, stores. Nothing is
// copied from a blob, so each test states exactly the situation it is about.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from './temp-dirs.ts';

export interface AgentFixture {
  id: string;
  /** Listed in openclaw.json (default true). Unconfigured agents exist only as directories. */
  configured?: boolean;
  default?: boolean;
  /** An `agentDir` override, relative to the state dir's parent temp root when not absolute. */
  agentDir?: string;
  /** The store: a document (written as OpenClaw writes it) or raw text; absent when undefined. */
  store?: unknown;
  authState?: unknown;
  /** A flat legacy `auth.json`. */
  legacy?: unknown;
}

export interface StateDirOptions {
  agents: AgentFixture[];
  /** Extra top-level config, merged over the generated `agents` section. */
  config?: Record<string, unknown>;
  /** Raw config text instead of the generated one (JSON5 comments, garbage, ...). */
  configText?: string;
  imageGenerationModel?: unknown;
  /** `list` (2026.5.x) or `entries` (2026.9.x). */
  shape?: 'list' | 'entries';
}

export interface StateDir {
  root: string;
  stateDir: string;
  authbarHome: string;
  env: Record<string, string>;
  agentDir(id: string): string;
  storePath(id: string): string;
  readStore(id: string): any;
  writeStore(id: string, store: unknown): void;
  cleanup(): void;
}

export function storeDocument(profiles: Record<string, unknown>): { version: 1; profiles: Record<string, unknown> } {
  return { version: 1, profiles };
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function makeStateDir(options: StateDirOptions): StateDir {
  const root = makeTempDir('authbar-test-');
  const stateDir = join(root, 'openclaw');
  const authbarHome = join(root, 'authbar');
  const dirs = new Map<string, string>();
  for (const agent of options.agents) {
    const dir = agent.agentDir
      ? agent.agentDir.startsWith('/') ? agent.agentDir : join(root, agent.agentDir)
      : join(stateDir, 'agents', agent.id, 'agent');
    dirs.set(agent.id, dir);
    mkdirSync(dir, { recursive: true });
    if (agent.store !== undefined) writeJson(join(dir, 'auth-profiles.json'), agent.store);
    if (agent.authState !== undefined) writeJson(join(dir, 'auth-state.json'), agent.authState);
    if (agent.legacy !== undefined) writeJson(join(dir, 'auth.json'), agent.legacy);
  }
  const configured = options.agents.filter((a) => a.configured !== false);
  const entry = (a: AgentFixture) => ({
    ...(a.default ? { default: true } : {}),
    ...(a.agentDir ? { agentDir: dirs.get(a.id) } : {}),
  });
  const agentsSection: Record<string, unknown> =
    options.shape === 'entries'
      ? { entries: Object.fromEntries(configured.map((a) => [a.id, entry(a)])) }
      : { list: configured.map((a) => ({ id: a.id, ...entry(a) })) };
  if (options.imageGenerationModel !== undefined) agentsSection.defaults = { imageGenerationModel: options.imageGenerationModel };
  const config = { ...options.config, agents: { ...agentsSection, ...(options.config?.agents as object | undefined) } };
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'openclaw.json'), options.configText ?? `${JSON.stringify(config, null, 2)}\n`);

  const agentDir = (id: string) => dirs.get(id) ?? join(stateDir, 'agents', id, 'agent');
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return {
    root,
    stateDir,
    authbarHome,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      OPENCLAW_STATE_DIR: stateDir,
      AUTHBAR_HOME: authbarHome,
      // The app asks usage in the background: never the real endpoint from a test (nothing
      // listens on the discard port; a test that wants answers points this at its stand-in).
      AUTHBAR_USAGE_URL: 'http://127.0.0.1:9/backend-api/wham/usage',
      NO_COLOR: '1',
    },
    agentDir,
    storePath: (id) => join(agentDir(id), 'auth-profiles.json'),
    readStore: (id) => JSON.parse(readFileSync(join(agentDir(id), 'auth-profiles.json'), 'utf8')),
    writeStore: (id, store) => writeJson(join(agentDir(id), 'auth-profiles.json'), store),
    cleanup: () => removeTempDir(root),
  };
}
