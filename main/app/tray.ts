// The tray icon, its tooltip and its context menu, rebuilt from the pure models in
// main/core/ui whenever the state changes, and only then: the menu shows clock times, not
// countdowns, so an idle app wakes for nothing (statuses move at deadlines, which the
// controller's own rescan turns into a state change). Clicks follow each platform's convention:
// - macOS: the set context menu opens by itself on click; calling popUpContextMenu as well
//   re-opens it after a choice, so a click does nothing more;
// - Windows: a left click opens the panel, a right click the menu (Electron shows it);
// - Linux: the menu is the interface (AppIndicator delivers no clicks).
import { Menu, type MenuItemConstructorOptions, nativeImage, type Rectangle, Tray } from 'electron';
import type { Command } from '../core/commands.ts';
import type { PanelState } from '../core/panel-api.ts';
import { buildMenu, type MenuItem } from '../core/ui/menu-model.ts';
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
  /** Runs a command chosen in the menu (or the Windows left click: open-panel). */
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

  const update = () => {
    const state = getState();
    const at = now();
    const glance = trayState(state.report, at, state.lastSeen);
    if (glance.icon !== icon) {
      icon = glance.icon;
      tray.setImage(nativeImage.createFromPath(trayImagePath(icon, platform, paths)));
    }
    tray.setToolTip(glance.tooltip);
    const menu = Menu.buildFromTemplate(toElectronMenu(buildMenu(state, at), run));
    // Someone looks: the due accounts' usage is asked (macOS and Windows emit this for a tray's
    // menu; Linux's AppIndicator does not, and there the panel's opening asks instead).
    menu.on('menu-will-show', () => run({ kind: 'check-usage' }));
    tray.setContextMenu(menu);
  };
  if (platform === 'win32') tray.on('click', () => run({ kind: 'open-panel' }));
  update();
  return {
    update,
    bounds: () => tray.getBounds(),
    destroy() {
      tray.destroy();
    },
  };
}
