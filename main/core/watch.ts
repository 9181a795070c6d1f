// One debounced "changed" whenever anything a status depends on changes: the config, any
// agent store (OpenClaw rewrites them by temp file + rename), the set of agent dirs, an
// `agentDir` override, a symlinked store's target, and the SQLite files with their WAL.
import { basename, dirname, relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { realTarget } from './openclaw/json-store.ts';
import { listAgents } from './openclaw/agents.ts';
import { emptyConfig, readConfig } from './openclaw/config.ts';
import { type Env, jsonStorePath, mainAgentDir, resolveConfigPath, resolveStateDir } from './openclaw/paths.ts';

const STORE_FILES = new Set([
  'auth-profiles.json',
  'auth.json',
  'openclaw-agent.sqlite',
  'openclaw-agent.sqlite-wal',
  'openclaw.sqlite',
  'openclaw.sqlite-wal',
]);

export interface WatchOptions {
  env: Env;
  onChange: () => void;
  debounceMs?: number;
}

export interface OpenClawWatch {
  /** Resolves once the initial directory crawl is done and changes will be seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

interface Targets {
  /** Directories watched shallowly (agent dir overrides, symlink targets, the config's dir). */
  dirs: Set<string>;
  /** Basenames that matter in those directories besides the store files. */
  names: Set<string>;
  stateDir: string;
}

/** What to watch: from the config and the agent dirs only (no store is read or parsed here). */
function targetsFor(env: Env): Targets {
  const stateDir = resolveStateDir(env);
  const configPath = resolveConfigPath(stateDir, env);
  const config = readConfig(configPath, env, stateDir);
  const dirs = new Set<string>([dirname(configPath), mainAgentDir(stateDir, env)]);
  const names = new Set<string>([basename(configPath)]);
  for (const agent of listAgents(stateDir, config.ok ? config.config : emptyConfig())) {
    dirs.add(agent.agentDir);
    const store = jsonStorePath(agent.agentDir);
    const target = realTarget(store);
    if (target !== store) {
      dirs.add(dirname(target));
      names.add(basename(target));
    }
  }
  return { dirs, names, stateDir };
}

/** Within the state dir, only `agents/<id>/agent/...` and `state/` lead anywhere we care about. */
function isIgnored(path: string, targets: Targets, isDirectory: boolean | undefined): boolean {
  const name = basename(path);
  if (name.endsWith('.lock') || name.endsWith('.tmp') || name.includes('.migrated-')) return true;
  const rel = relative(targets.stateDir, path);
  if (rel !== '' && !rel.startsWith('..') && !targets.dirs.has(path)) {
    const parts = rel.split(sep);
    if (parts[0] === 'agents') {
      if (parts.length === 3 && parts[2] !== 'agent') return true;
      if (parts.length === 4) return isDirectory === true || !STORE_FILES.has(parts[3]!);
      return parts.length > 4;
    }
    if (parts[0] === 'state') return parts.length > 2 || (parts.length === 2 && !STORE_FILES.has(parts[1]!));
    return parts.length > 1 || (isDirectory !== true && !targets.names.has(name));
  }
  if (isDirectory === true) return !targets.dirs.has(path) && path !== targets.stateDir;
  return isDirectory === false && !STORE_FILES.has(name) && !targets.names.has(name);
}

export function watchOpenClaw({ env, onChange, debounceMs = 200 }: WatchOptions): OpenClawWatch {
  let targets = targetsFor(env);
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];

  const fire = () => {
    timer = undefined;
    // The set of directories depends on the config and on symlinks: follow it.
    const next = targetsFor(env);
    const added = [...next.dirs].filter((dir) => !targets.dirs.has(dir));
    targets = next;
    if (added.length > 0) shallow.add(added);
    onChange();
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };
  const ignored = (path: string, stats?: { isDirectory(): boolean }) => isIgnored(path, targets, stats?.isDirectory());

  const deep = watch(targets.stateDir, { ignoreInitial: true, depth: 3, ignored, atomic: true });
  const shallow = watch([...targets.dirs], { ignoreInitial: true, depth: 0, ignored, atomic: true });
  watchers.push(deep, shallow);
  for (const watcher of watchers) {
    watcher.on('all', schedule);
    watcher.on('error', () => schedule());
  }
  const ready = Promise.all(watchers.map((w) => new Promise<void>((resolve) => w.once('ready', () => resolve())))).then(() => undefined);
  return {
    ready,
    async close() {
      if (timer) clearTimeout(timer);
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}

