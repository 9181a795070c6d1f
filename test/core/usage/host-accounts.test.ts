// A remote host's accounts for the app's usage notices, from the rows its AuthBar sent: one per
// account per host, its agents (image generation apart), and the freshest answer among copies.
import { describe, expect, it } from 'vitest';
import type { AgentReport, ProfileReport } from '../../../main/core/api.ts';
import { accountsOfHosts } from '../../../main/core/usage/host-accounts.ts';
import type { Usage } from '../../../main/core/usage/schema.ts';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const usage = (usedPercent: number, checkedAt: number): Usage => ({ plan: 'plus', windows: [{ label: 'Week', usedPercent, resetsAt: NOW + 86_400_000 }], credits: null, checkedAt, limitReachedUntil: null });

function profile(over: Partial<ProfileReport>): ProfileReport {
  return {
    profileId: 'openai-codex:default', provider: 'openai-codex', source: 'own', status: 'ok', expiresAt: NOW + 3_600_000, remainingMs: 3_600_000, jwtExpiresAt: null,
    email: null, accountId: null, sharedWith: [], newerCopyIn: null, stranded: null, storePath: '/srv/x', cause: null, fix: null, ...over,
  } as ProfileReport;
}
function agent(host: string, id: string, profiles: ProfileReport[], image = false): AgentReport {
  return { id, host, configured: true, isDefault: id === 'main', agentDir: `/srv/${id}`, storePath: `/srv/${id}/auth-profiles.json`, storeKind: 'json', status: 'ok', writable: true, imageGeneration: { model: image ? 'openai/gpt-image-2' : null, dependsOnCodex: image }, profiles, fix: null } as AgentReport;
}

describe('accountsOfHosts', () => {
  it('groups a host\'s Codex sign-ins by account, keeps hosts apart, and takes the freshest answer', () => {
    const agents = [
      agent('local', 'main', [profile({ accountId: 'acct-a', usage: usage(10, NOW) })]),
      agent('vps', 'main', [profile({ accountId: 'acct-a', usage: usage(50, NOW - 60_000) })]),
      agent('vps', 'artist', [profile({ accountId: 'acct-a', usage: usage(96, NOW) })], true),
      agent('vps', 'coder', [profile({ accountId: null, email: 'b@example.com', usage: usage(20, NOW) })]),
      agent('vps', 'ops', [profile({ accountId: 'acct-c' })]), // no usage known: nothing to say
      agent('vps', 'other', [profile({ provider: 'anthropic', profileId: 'anthropic:default', accountId: 'acct-d', usage: usage(99, NOW) })]),
      agent('studio', 'main', [profile({ accountId: 'acct-a', usage: usage(30, NOW) })]),
    ];
    expect(accountsOfHosts(agents).map((a) => [a.host, a.accountId, a.email, a.agents, a.imageAgents, a.usage.windows[0]!.usedPercent])).toEqual([
      ['vps', 'acct-a', null, ['artist', 'main'], ['artist'], 96],
      ['vps', null, 'b@example.com', ['coder'], [], 20],
      ['studio', 'acct-a', null, ['main'], [], 30],
    ]);
  });
});
