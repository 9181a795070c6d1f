// A picture of the tray's context menu for the README, drawn from the menu model itself
// (main/core/ui/menu-model.ts, the data Electron's Menu is built from) over a realistic set of
// agents, the stranded one's submenu open, in real Chromium. Electron's native menu cannot be
// shown on these machines; this is the nearest true thing: every label, check mark, separator
// and submenu is the model's.
import { chromium } from 'playwright';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../main/core/controller.ts';
import { buildMenu, type MenuItem } from '../../main/core/ui/menu-model.ts';
import { CHROMIUM } from '../helpers/panel-host.ts';
import { requireChromium } from '../helpers/requirements.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';
import { screenshotPath } from '../helpers/screenshots.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PROFILE = 'openai-codex:default';
const { missing, why } = requireChromium(CHROMIUM);

let dirs: StateDir[] = [];
let controller: Controller | null = null;
afterEach(async () => {
  await controller?.stop();
  controller = null;
  for (const d of dirs) d.cleanup();
  dirs = [];
});

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The model as a menu on screen: one list, and item `open`'s submenu opened beside it. */
export function menuHtml(items: MenuItem[], open: number): string {
  const list = (entries: MenuItem[], openAt: number | null): string => `<ul role="menu">${entries.map((item, i) => {
    if (item.type === 'separator') return '<li class="sep" role="separator"></li>';
    const mark = item.type === 'checkbox' ? (item.checked ? '✓' : '') : item.type === 'radio' ? (item.checked ? '•' : '') : '';
    const enabled = item.type !== 'normal' || item.enabled;
    const sub = item.type === 'normal' && item.submenu;
    return `<li role="menuitem" class="${enabled ? '' : 'off'} ${i === openAt ? 'hover' : ''}"><span class="mark">${mark}</span><span class="label">${escape(item.label)}</span><span class="arrow">${sub ? '›' : ''}</span>${sub && i === openAt ? `<div class="submenu">${list(item.submenu!, null)}</div>` : ''}</li>`;
  }).join('')}</ul>`;
  return `<!doctype html><meta charset="utf-8"><style>
    body { margin: 0; padding: 16px 300px 16px 16px; font: 13px system-ui, sans-serif; background: #e9eef3; }
    ul { list-style: none; margin: 0; padding: 5px 0; background: #fbfbfb; border: 1px solid #c9c9c9; border-radius: 7px; box-shadow: 0 6px 24px rgba(0,0,0,.18); width: max-content; min-width: 240px; }
    li { position: relative; display: flex; align-items: center; padding: 3px 14px 3px 6px; line-height: 20px; white-space: nowrap; }
    li.hover { background: #2f6fe4; color: #fff; border-radius: 4px; margin: 0 5px; padding-left: 1px; padding-right: 9px; }
    li.off { color: #9a9a9a; }
    li.sep { height: 1px; padding: 0; margin: 5px 0; background: #dcdcdc; }
    .mark { width: 18px; text-align: center; }
    .label { flex: 1; padding-right: 24px; }
    .arrow { width: 10px; }
    .submenu { position: absolute; left: 100%; top: -6px; color: #000; }
  </style><div id="menu">${list(items, open)}</div>`;
}

describe.skipIf(missing)('the tray menu', () => {
  it(`is drawn from the menu model and saved as the README's tray-menu.png${missing ? ` (skipped: ${why})` : ''}`, async () => {
    const team = codexCredential({ accountId: 'acct-team', email: 'acct-team@example.com', expiresInMs: 6 * DAY + 5 * HOUR });
    const d = makeStateDir({
      agents: [
        { id: 'main', default: true, store: storeDocument({ [PROFILE]: team }) },
        { id: 'artist', store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-artist', expiresInMs: 42 * 60_000 }) }) },
        { id: 'coder', store: storeDocument({ [PROFILE]: { ...team } }) },
        { id: 'ops', store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-ops', expiresInMs: -3 * HOUR }) }) },
        { id: 'stale', store: storeDocument({ [PROFILE]: codexCredential({ accountId: 'acct-team', expiresInMs: -2 * HOUR }) }) },
      ],
    });
    dirs.push(d);
    controller = new Controller({ env: d.env, debounceMs: 50 });
    await controller.start();
    const items = buildMenu(controller.state(), Date.now());
    const labels = items.flatMap((i) => (i.type === 'separator' ? [] : [i.label]));
    // The agents' rows carry the same status words as the table and the panel.
    expect(labels.find((l) => l.startsWith('ops:'))).toMatch(/^ops: expired/);
    expect(labels.find((l) => l.startsWith('stale:'))).toMatch(/^stale: expired, since .+ \(probably stranded: newer sign-in in (main|coder)\)$/);

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 960, height: 600 }, deviceScaleFactor: 2 });
      // The stranded agent's submenu open: it offers the Sync that heals it.
      await page.setContent(menuHtml(items, items.findIndex((i) => i.type === 'normal' && i.label.startsWith('stale:'))));
      const menu = page.locator('#menu');
      expect(await page.getByRole('menuitem').count()).toBeGreaterThan(labels.length - 1);
      // Just the menu and its open submenu, with the shadow's margin.
      const box = await page.evaluate(() => {
        const rects = [...document.querySelectorAll('ul')].map((u) => u.getBoundingClientRect());
        return { width: Math.max(...rects.map((r) => r.right)) + 16, height: Math.max(...rects.map((r) => r.bottom)) + 16 };
      });
      await page.screenshot({ path: screenshotPath('tray-menu.png'), clip: { x: 0, y: 0, ...box }, animations: 'disabled' });
      expect(await menu.isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
