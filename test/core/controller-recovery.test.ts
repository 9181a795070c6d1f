// The app goes the same way as the CLI: a rotated sign-in AuthBar holds shows in the panel's
// state (a warning and `held`), and the app's Refresh writes it back before anything else,
// never presenting the dead token it replaced (issue 13 §1).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRecovery } from '../../main/core/authbar/recovery.ts';
import { Controller } from '../../main/core/controller.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

let server: TokenServer;
let controller: Controller | null = null;
let d: StateDir | null = null;
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  await controller?.stop();
  controller = null;
  await server.close();
  d?.cleanup();
  d = null;
});

describe('Controller with a rotated sign-in AuthBar holds', () => {
  it('shows it in the state, and Refresh writes it back first, presenting only the live token', async () => {
    const old = server.issue('acct-1');
    const cred = codexCredential({ accountId: 'acct-1', access: old.access, refresh: old.refresh, expiresInMs: 3_600_000 });
    d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': cred }) }] });
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
    // The endpoint rotated `old` and the answer went to AuthBar's recovery file only.
    server.live.delete(old.refresh);
    server.used.add(old.refresh);
    const next = server.issue('acct-1');
    writeRecovery(d.authbarHome, {
      version: 1, createdAt: Date.now(), provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh: old.refresh,
      credential: { access: next.access, refresh: next.refresh, expires: Date.now() + 86_400_000, accountId: 'acct-1' },
      copies: [{ storePath: d.storePath('main'), storeKind: 'json', profileId: 'openai-codex:default', holder: 'main' }],
    });

    controller = new Controller({ env: d.env, debounceMs: 50 });
    await controller.start();
    const message = 'a rotated sign-in for main is held by AuthBar: run `authbar recover`';
    expect(controller.state().report.held).toMatchObject([{ agents: ['main'], message }]);
    expect(controller.state().report.warnings).toContain(message);
    expect(JSON.stringify(controller.state())).not.toContain(next.refresh);

    await controller.refresh({ host: 'local', agentId: 'main' });
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    expect(server.requests[0]!.refreshToken).toBe(next.refresh);
    expect(server.live.has(d.readStore('main').profiles['openai-codex:default'].refresh)).toBe(true);
    expect(readdirSync(join(d.authbarHome, 'recovery'))).toEqual([]);
  });
});
