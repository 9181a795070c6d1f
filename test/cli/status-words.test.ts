// One word per status everywhere: the table prints exactly the status the JSON carries (and
// the README lists, and the panel shows), and it tells a certain stranding from a likely one.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, statusJson } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
let dirs: StateDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});
function state(options: Parameters<typeof makeStateDir>[0]): StateDir {
  const d = makeStateDir(options);
  dirs.push(d);
  return d;
}
const codex = (options: Parameters<typeof codexCredential>[0]) => storeDocument({ 'openai-codex:default': codexCredential(options) });

describe('status words', () => {
  it('the table\'s STATUS column is the JSON status, for every status', async () => {
    const d = state({
      agents: [
        { id: 'fine', store: codex({ accountId: 'a1', expiresInMs: 100 * HOUR }) },
        { id: 'soon', store: codex({ accountId: 'a2', expiresInMs: 2 * HOUR }) },
        { id: 'gone', store: codex({ accountId: 'a3', expiresInMs: -2 * HOUR }) },
        // No expiry in the store and none in the access token either.
        { id: 'noexp', store: codex({ accountId: 'a4', expiresInMs: null, access: 'opaque-access' }) },
        { id: 'empty' },
        { id: 'broken', store: '{ not json' },
      ],
    });
    const report = await statusJson(d.env);
    const table = await runCli(['status'], { ...d.env, NO_COLOR: '1' });
    const statuses = new Map<string, string>();
    for (const agent of report.agents) statuses.set(agent.id, agent.profiles[0]?.status ?? agent.status);
    expect(Object.fromEntries(statuses)).toEqual({ fine: 'ok', soon: 'expiring', gone: 'expired', noexp: 'missing', empty: 'no-codex-profile', broken: 'unreadable' });
    for (const [id, status] of statuses) {
      const row = table.stdout.split('\n').find((line) => line.startsWith(`${id} `));
      expect(row?.split(/\s{2,}/)[2], `${id}'s row: ${row}`).toBe(status);
    }
  });

  it('tells a likely stranding from a certain one in the table and its problem line', async () => {
    const live = codexCredential({ accountId: 'acct-1', expiresInMs: 100 * HOUR });
    const old = codexCredential({ accountId: 'acct-1', expiresInMs: -2 * HOUR });
    const d = state({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': live }) }, { id: 'stale', store: storeDocument({ 'openai-codex:default': old }) }] });
    const report = await statusJson(d.env);
    expect(report.agents.find((a: { id: string }) => a.id === 'stale').profiles[0]).toMatchObject({ stranded: 'likely', newerCopyIn: 'main' });
    const table = await runCli(['status'], { ...d.env, NO_COLOR: '1' });
    expect(table.stdout).toMatch(/^stale\s+openai-codex:default\s+expired\s+.*main \(probably stranded: newer sign-in in main\)$/m);
    expect(table.stdout).toContain('agent stale, profile openai-codex:default: probably holds a stranded copy (it expired beside a live copy of this account in main). Fix: authbar sync --agent stale');
  });
});
