// The tray icon, its tooltip and its context menu, rebuilt from the pure models in
// main/core/ui whenever the state changes, and only then: the menu shows clock times, not
// countdowns, so an idle app wakes for nothing (statuses move at deadlines, which the
// controller's own rescan turns into a state change). The menu itself is replaced only when its
// model changed, and never while it is open (main/core/ui/menu-swap.ts says why); the icon and
// tooltip change at once. Clicks follow each platform's convention:
// - macOS: the set context menu opens by itself on click; calling popUpContextMenu as well
//   re-opens it after a choice, so a click does nothing more;
// - Windows: a left click opens the panel, a right click the menu (Electron shows it);
// - Linux: Electron 22 and later (electron#36333) exports a StatusNotifierItem over D-Bus with
//   ItemIsMenu false, and emits 'click' when the host activates it. KDE Plasma does so on a left
//   click (the menu is on the right button): that opens the panel, as on Windows. GNOME's
//   AppIndicator extension opens the menu on a click (Activate only on a double or middle
//   click), so there the menu stays the interface.
import { Menu, type MenuItemConstructorOptions, nativeImage, type Rectangle, Tray } from 'electron';
import type { Command } from '../core/commands.ts';
import type { PanelState } from '../core/panel-api.ts';
import { buildMenu, type MenuItem } from '../core/ui/menu-model.ts';
import { MenuSwap } from '../core/ui/menu-swap.ts';
import { type TrayIcon, trayState } from '../core/ui/tray-state.ts';
import type { AppPaths } from './paths.ts';

/** macOS wants monochrome template images (it tints them); elsewhere coloured icons read better. */
export function trayImagePath(icon: TrayIcon, platform: NodeJS.Platform, paths: AppPaths): string {
  return platform === 'darwin' ? paths.icon(`tray-${icon}Template.png`) : paths.icon(`tray-${icon}.png`);
}

export function toElectronMenu(items: MenuItem[], run: (command: Command) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    if (item.type === 'checkbox') return { type: 'checkbox', label: item.label, checked: item.checked, click: () => run(item.action) };
    if (item.type === 'radio') return { type: 'radio', label: item.label, checked: item.checked, click: () => run(item.action) };
    return {
      label: item.label,
      enabled: item.enabled,
      ...(item.submenu ? { submenu: toElectronMenu(item.submenu, run) } : {}),
      ...(item.action ? { click: () => run(item.action!) } : {}),
    };
  });
}

export interface TrayOptions {
  getState(): PanelState;
  /** Runs a command chosen in the menu (or the left click on Windows and KDE: open-panel). */
  run(command: Command): void;
  paths: AppPaths;
  platform: NodeJS.Platform;
  now?: () => number;
}

export interface AppTray {
  update(): void;
  bounds(): Rectangle | null;
  destroy(): void;
}

export function setupTray({ getState, run, paths, platform, now = Date.now }: TrayOptions): AppTray {
  let icon: TrayIcon = 'ok';
  const tray = new Tray(nativeImage.createFromPath(trayImagePath(icon, platform, paths)));

  const swap = new MenuSwap();
  let later: NodeJS.Immediate | null = null;
  // Electron throws on a destroyed Tray ("Tray is destroyed"); a menu closing after destroy() must set nothing.
  let destroyed = false;
  const setMenu = (state: PanelState, at: number) => {
    if (destroyed) return;
    const items = buildMenu(state, at);
    const key = swap.offer(items);
    if (key === null) return;
    const menu = Menu.buildFromTemplate(toElectronMenu(items, run));
    // Someone looks: the due accounts' usage is asked (macOS and Windows emit these for a tray's
    // menu; Linux's dbusmenu does not (electron#28837), and there the panel's opening asks
    // instead, and a new menu's layout is read by the host with nothing to close).
    menu.on('menu-will-show', () => {
      swap.opened();
      run({ kind: 'check-usage' });
    });
    // A model that changed while open is set on a later turn: on macOS the chosen item's click
    // comes after this event, and the menu must still be the tray's then.
    menu.on('menu-will-close', () => {
      if (!swap.closed() || later || destroyed) return;
      later = setImmediate(() => {
        later = null;
        setMenu(getState(), now());
      });
    });
    tray.setContextMenu(menu);
    swap.set(key);
  };
  const update = () => {
    if (destroyed) return;
    const state = getState();
    const at = now();
    const glance = trayState(state.report, at, state.lastSeen);
    if (glance.icon !== icon) {
      icon = glance.icon;
      tray.setImage(nativeImage.createFromPath(trayImagePath(icon, platform, paths)));
    }
    tray.setToolTip(glance.tooltip);
    setMenu(state, at);
  };
  if (platform === 'win32' || platform === 'linux') tray.on('click', () => run({ kind: 'open-panel' }));
  update();
  return {
    update,
    bounds: () => tray.getBounds(),
    destroy() {
      destroyed = true;
      if (later) clearImmediate(later);
      later = null;
      tray.destroy();
    },
  };
}
