// The tray icon, its tooltip and its context menu, rebuilt from the pure models in
// main/core/ui whenever the state changes, and once a minute only while a countdown shows.
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { PanelState } from '../core/panel-api.ts';
import { buildMenu, hasCountdown, type MenuAction, type MenuItem } from '../core/ui/menu-model.ts';
import { type TrayIcon, trayState } from '../core/ui/tray-state.ts';
import { iconFile } from './paths.ts';

/** macOS wants monochrome template images (it tints them); elsewhere coloured icons read better. */
export function trayImagePath(icon: TrayIcon, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? iconFile(`tray-${icon}Template.png`) : iconFile(`tray-${icon}.png`);
}

export function toElectronMenu(items: MenuItem[], dispatch: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    if (item.type === 'checkbox') return { type: 'checkbox', label: item.label, checked: item.checked, click: () => dispatch(item.action) };
    if (item.type === 'radio') return { type: 'radio', label: item.label, checked: item.checked, click: () => dispatch(item.action) };
    return {
      label: item.label,
      enabled: item.enabled,
      ...(item.submenu ? { submenu: toElectronMenu(item.submenu, dispatch) } : {}),
      ...(item.action ? { click: () => dispatch(item.action!) } : {}),
    };
  });
}

export interface TrayOptions {
  getState(): PanelState;
  startAtLogin(): boolean;
  dispatch(action: MenuAction): void;
  platform?: NodeJS.Platform;
  now?: () => number;
}

export function setupTray(options: TrayOptions): { update(): void; destroy(): void } {
  const platform = options.platform ?? process.platform;
  const now = options.now ?? Date.now;
  let icon: TrayIcon = 'ok';
  const tray = new Tray(nativeImage.createFromPath(trayImagePath(icon, platform)));
  let minuteTimer: NodeJS.Timeout | undefined;

  const update = () => {
    const state = options.getState();
    const glance = trayState(state.report, now(), state.lastSeen);
    if (glance.icon !== icon) {
      icon = glance.icon;
      tray.setImage(nativeImage.createFromPath(trayImagePath(icon, platform)));
    }
    tray.setToolTip(glance.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(toElectronMenu(buildMenu(state, now(), options.startAtLogin()), options.dispatch)));
    // Countdowns in the menu move once a minute; with none showing, nothing needs a timer.
    if (hasCountdown(state) && !minuteTimer) minuteTimer = setInterval(update, 60_000);
    if (!hasCountdown(state) && minuteTimer) {
      clearInterval(minuteTimer);
      minuteTimer = undefined;
    }
  };
  // Linux trays often deliver no click: the context menu is the interface. Elsewhere a click opens it too.
  tray.on('click', () => tray.popUpContextMenu());
  update();
  return {
    update,
    destroy() {
      if (minuteTimer) clearInterval(minuteTimer);
      tray.destroy();
    },
  };
}
