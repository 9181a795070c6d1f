// The panel in real Chromium shows a rotated sign-in AuthBar holds, as a notice naming the
// agent and `authbar recover`, and no part of the held token reaches the page (issue 13 §1).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRecovery } from '../../main/core/authbar/recovery.ts';
import { CHROMIUM, openPanel, type PanelHost } from '../helpers/panel-host.ts';
import { requireChromium } from '../helpers/requirements.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const { missing } = requireChromium(CHROMIUM);
let d: StateDir | null = null;
let panel: PanelHost | null = null;
beforeEach(() => {
  d = null;
  panel = null;
});
afterEach(async () => {
  await panel?.close();
  d?.cleanup();
});

describe.skipIf(missing)('the panel with a held sign-in', () => {
  it('shows "a rotated sign-in for artist is held by AuthBar: run `authbar recover`" and never the token', async () => {
    const old = codexCredential({ accountId: 'acct-1' });
    d = makeStateDir({ agents: [{ id: 'main' }, { id: 'artist', store: storeDocument({ 'openai-codex:default': old }) }] });
    const held = codexCredential({ accountId: 'acct-1', expiresInMs: 10 * 86_400_000 });
    writeRecovery(d.authbarHome, {
      version: 1, createdAt: Date.now(), provider: 'openai-codex', profileId: 'openai-codex:default', oldRefresh: old.refresh,
      credential: { access: held.access, refresh: held.refresh, expires: held.expires!, accountId: 'acct-1' },
      copies: [{ storePath: d.storePath('artist'), storeKind: 'json', profileId: 'openai-codex:default', holder: 'artist' }],
    });
    panel = await openPanel({ env: d.env });
    const notice = panel.page.locator('.notices li', { hasText: 'held by AuthBar' });
    await notice.waitFor();
    expect((await notice.textContent())?.replace(/\s+/g, ' ').trim()).toBe('a rotated sign-in for artist is held by AuthBar: run `authbar recover`');
    const page = await panel.page.content();
    for (const secret of [held.refresh, held.access, held.refresh.slice(3, 15)]) {
      expect(page).not.toContain(secret);
      expect(panel.traffic.join('\n')).not.toContain(secret);
    }
  });
});
