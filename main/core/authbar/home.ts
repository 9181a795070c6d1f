// AuthBar's own directory: settings and what it remembers about credentials. Never
// OpenClaw's state dir: AuthBar writes there only the credentials OpenClaw itself holds.
import { join } from 'node:path';
import envPaths from 'env-paths';
import { type Env, expandPath } from '../openclaw/paths.ts';

export function resolveAuthbarHome(env: Env): string {
  const explicit = env.AUTHBAR_HOME?.trim();
  return explicit ? expandPath(explicit, env) : envPaths('authbar', { suffix: '' }).config;
}

export const memoryPath = (home: string): string => join(home, 'memory.json');
export const settingsPath = (home: string): string => join(home, 'settings.json');
