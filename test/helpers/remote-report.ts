// What a remote AuthBar's `status --json` says, built for tests that play a host (a hostile one,
// mostly): one profile, one agent, one report, each with fields to override.
import { VERSION } from '../../main/core/version.ts';

const HOUR = 3_600_000;

export function profile(over: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    profileId: 'openai-codex:default', provider: 'openai-codex', source: 'own', status: 'ok', expiresAt: now + 50 * HOUR, remainingMs: 50 * HOUR,
    jwtExpiresAt: null, email: 'me@example.com', accountId: 'acct-1', sharedWith: [], newerCopyIn: null, stranded: null,
    storePath: '/srv/openclaw/agents/main/agent/auth-profiles.json', cause: null, fix: null, ...over,
  };
}
export function agent(id: string, over: Record<string, unknown> = {}) {
  return {
    id, host: 'local', configured: true, isDefault: id === 'main', agentDir: `/srv/openclaw/agents/${id}/agent`,
    storePath: `/srv/openclaw/agents/${id}/agent/auth-profiles.json`, storeKind: 'json', status: 'ok', writable: true,
    imageGeneration: { model: null, dependsOnCodex: false }, profiles: [profile()], fix: null, ...over,
  };
}
export function statusReport(agents: unknown[], over: Record<string, unknown> = {}) {
  return { version: VERSION, stateDir: '/srv/openclaw', configPath: '/srv/openclaw/openclaw.json', generatedAt: new Date().toISOString(), warnAfterMs: 86_400_000, agents, warnings: [], ...over };
}
