// recoverHeld on its own: a held sign-in goes back only into copies that still hold the dead
// token it replaced; when every store has taken another sign-in since (a new login), the held
// one is superseded and discarded, so status stops asking for `authbar recover`.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRecovery } from '../../main/core/authbar/recovery.ts';
import { readStatus } from '../../main/core/read-status.ts';
import { recoverHeld } from '../../main/core/refresh/recover.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

let server: TokenServer;
let d: StateDir | null = null;
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  await server.close();
  d?.cleanup();
  d = null;
});

function held(state: StateDir, oldRefresh: string, holders: string[]) {
  const next = server.issue('acct-1');
  const path = writeRecovery(state.authbarHome, {
    version: 1, createdAt: Date.now(), provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh,
    credential: { access: next.access, refresh: next.refresh, expires: Date.now() + 86_400_000, accountId: 'acct-1' },
    copies: holders.map((id) => ({ storePath: state.storePath(id), storeKind: 'json' as const, profileId: 'openai-codex:default', holder: id })),
  });
  return { path, next };
}

describe('recoverHeld', () => {
  it('writes the held sign-in into the copies still holding the dead token, and leaves one that moved on', async () => {
    const old = codexCredential({ accountId: 'acct-1' });
    const relogged = codexCredential({ accountId: 'acct-1', expiresInMs: 5 * 86_400_000 });
    d = makeStateDir({ agents: [
      { id: 'main', store: storeDocument({ 'openai-codex:default': { ...old } }) },
      { id: 'artist', store: storeDocument({ 'openai-codex:default': relogged }) },
    ] });
    const { path, next } = held(d, old.refresh, ['main', 'artist']);
    const report = await recoverHeld({ env: d.env });
    expect(report.results.map((r) => [r.agentId, r.outcome])).toEqual([['main', 'recovered'], ['artist', 'failed']]);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(next.refresh);
    expect(d.readStore('artist').profiles['openai-codex:default'].refresh).toBe(relogged.refresh);
    expect(existsSync(path)).toBe(false);
    expect(report.requests).toBe(0);
  });

  it('discards a held sign-in every store has superseded since, and status stops showing it', async () => {
    const old = codexCredential({ accountId: 'acct-1' });
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1' }) }) }] });
    const { path } = held(d, old.refresh, ['main']);
    expect((await readStatus({ env: d.env })).report.held).toHaveLength(1);
    const report = await recoverHeld({ env: d.env });
    expect(report.results).toMatchObject([{ agentId: 'main', outcome: 'skipped' }]);
    expect(existsSync(path)).toBe(false);
    expect((await readStatus({ env: d.env })).report.held).toBeUndefined();
  });

  // Found by an attack review: a store restored from a backup (or a profile pasted in) while the
  // request was out holds an older sign-in whose token may be dead; the held one is the
  // account's only live token. It was discarded as if the store had signed in again.
  it('writes a held sign-in over an older one of the same account that a store took since', async () => {
    const old = codexCredential({ accountId: 'acct-1' });
    const restored = codexCredential({ accountId: 'acct-1', expiresInMs: -86_400_000 });
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': restored }) }] });
    const { path, next } = held(d, old.refresh, ['main']);
    const report = await recoverHeld({ env: d.env });
    expect(report.results).toMatchObject([{ agentId: 'main', outcome: 'recovered' }]);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(next.refresh);
    expect(existsSync(path)).toBe(false);
  });

  it('discards a held sign-in when every store signed in to another account since, whatever its expiry', async () => {
    const old = codexCredential({ accountId: 'acct-1' });
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-other', expiresInMs: 3_600_000 }) }) }] });
    const { path } = held(d, old.refresh, ['main']);
    const report = await recoverHeld({ env: d.env });
    expect(report.results).toMatchObject([{ agentId: 'main', outcome: 'skipped' }]);
    expect(existsSync(path)).toBe(false);
  });
});
