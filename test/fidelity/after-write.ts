// Writing, judged by the real OpenClaw (issue 16): on a random state dir, AuthBar refreshes
// every configured agent against a loopback token endpoint that knows every refresh token in
// it; then every profile AuthBar says it wrote must be read by openclaw@2026.5.7 as `ok` for
// that agent, no file AuthBar must not write may have changed, and both must still agree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { refreshAgents } from '../../main/core/refresh/refresh-agents.ts';
import { startTokenServer } from '../helpers/token-server.ts';
import { generateStateDir } from './generate.ts';
import { agrees, judgeEnv, materialize } from './judge.ts';

export interface WriteCheck {
  seed: string;
  written: { agentId: string; profileId: string }[];
  /** Profiles AuthBar wrote that OpenClaw does not read as `ok` for that agent. */
  notOk: string[];
  /** Files AuthBar changed that it must never write (legacy files, odd stores). */
  forbiddenChanges: string[];
  /** Agents where AuthBar and OpenClaw disagree after the write. */
  disagreements: string[];
}

function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size < 1_000_000) files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** Files AuthBar may rewrite: an agent's auth-profiles.json (never a legacy file, never a BOM or array store). */
function mayWrite(path: string, before: string): boolean {
  if (!path.endsWith('auth-profiles.json')) return false;
  try {
    const doc = JSON.parse(before);
    return doc && typeof doc === 'object' && doc.profiles && typeof doc.profiles === 'object' && !Array.isArray(doc.profiles);
  } catch {
    return false;
  }
}

/** Every refresh token in a generated file becomes live at the endpoint, for its account. */
function registerTokens(text: string, live: Map<string, string>): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return;
  }
  const walk = (value: unknown) => {
    if (value === null || typeof value !== 'object') return;
    const entry = value as Record<string, unknown>;
    if (typeof entry.refresh === 'string' && entry.refresh.startsWith('rt_')) live.set(entry.refresh, typeof entry.accountId === 'string' ? entry.accountId : 'acct-a');
    for (const child of Object.values(entry)) walk(child);
  };
  walk(doc);
}

export async function checkAfterWrite(openclaw: string, seed: string): Promise<WriteCheck> {
  const server = await startTokenServer();
  const files = generateStateDir(seed, Date.now());
  const dir = materialize(files);
  try {
    for (const text of Object.values(files)) registerTokens(text, server.live);
    const env = { ...dir.env, AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' };
    const before = snapshot(dir.root);
    const report = await refreshAgents({ env, agents: 'all' });
    const written = report.results.filter((r) => r.outcome === 'refreshed' || r.outcome === 'adopted' || r.outcome === 'healed').map((r) => ({ agentId: r.agentId, profileId: r.profileId }));
    const after = snapshot(dir.root);
    const forbiddenChanges = [...before].filter(([path, text]) => after.get(path) !== text && !path.startsWith('authbar/') && !path.startsWith('home/') && !mayWrite(path, text)).map(([path]) => path);
    const judged = await judgeEnv(dir.env, { openclaw });
    const notOk = written
      .filter((w) => {
        const agent = judged.agents.find((a) => a.agentId === w.agentId);
        return agent?.theirs !== null && agent?.theirs?.find((v) => v.profileId === w.profileId)?.status !== 'ok';
      })
      .map((w) => `${w.agentId} ${w.profileId}`);
    const disagreements = judged.agents.filter((a) => a.theirs !== null && !agrees(a)).map((a) => `${a.agentId}: authbar ${JSON.stringify(a.ours)} openclaw ${JSON.stringify(a.theirs)}`);
    return { seed, written, notOk, forbiddenChanges, disagreements };
  } finally {
    dir.cleanup();
    await server.close();
  }
}
