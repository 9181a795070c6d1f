// AuthBar's Electron main process: a flat list of setup steps around the core Controller.
import { app, type BrowserWindow, clipboard, shell } from 'electron';
import { Controller } from '../core/controller.ts';
import { CHANNELS, type AgentRef } from '../core/panel-api.ts';
import type { MenuAction } from '../core/ui/menu-model.ts';
import { setupIpc } from './ipc.ts';
import { applyStartAtLogin } from './login-item.ts';
import { setupNotifications } from './notifications.ts';
import { allowClose, createPanelWindow } from './panel-window.ts';
import { setupTray } from './tray.ts';

export interface StartDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

export function start(deps: StartDeps): void {
  // One AuthBar per user: a second launch just opens the panel of the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // A menu-bar app: no Dock icon (LSUIElement in the packaged Info.plist does the same at launch).
  app.dock?.hide();
  // Closing the panel must not quit the app.
  app.on('window-all-closed', () => {});

  const controller = new Controller({ env: deps.env });
  let panel: BrowserWindow | null = null;
  const openPanel = (focus?: AgentRef) => {
    if (!panel || panel.isDestroyed()) panel = createPanelWindow();
    panel.show();
    panel.focus();
    if (focus) panel.webContents.send(CHANNELS.focus, focus);
  };

  const dispatch = (action: MenuAction): void => {
    switch (action.kind) {
      case 'refresh': void controller.refresh(action.ref); break;
      case 'sync': void controller.sync(action.ref.host, action.ref.agentId); break;
      case 'copy-fix': {
        const fix = controller.fixCommand(action.ref, null);
        if (fix) clipboard.writeText(fix);
        break;
      }
      case 'open-folder': {
        const dir = controller.agentDir(action.ref);
        if (dir) void shell.openPath(dir);
        break;
      }
      case 'refresh-all': void controller.refreshAll(); break;
      case 'open-panel': openPanel(action.ref); break;
      case 'set-start-at-login': void controller.updateSettings({ startAtLogin: action.enabled }); break;
      case 'set-notifications':
        void controller.updateSettings({ notifications: { enabled: action.enabled, leadTimesMinutes: action.leadTimesMinutes ?? controller.getSettings().notifications.leadTimesMinutes } });
        break;
      case 'set-keep-fresh':
        void controller.updateSettings({ keepFresh: { ...controller.getSettings().keepFresh, enabled: action.enabled } });
        break;
      case 'set-keep-copies-in-sync': void controller.updateSettings({ keepCopiesInSync: action.enabled }); break;
      case 'quit':
        if (panel) allowClose(panel);
        app.quit();
        break;
    }
  };

  app.on('second-instance', () => openPanel());
  void app.whenReady().then(async () => {
    setupIpc(controller, { copy: (text) => clipboard.writeText(text), openFolder: async (dir) => void (await shell.openPath(dir)) }, () => panel);
    const tray = setupTray({ getState: () => controller.state(), startAtLogin: () => controller.getSettings().startAtLogin, dispatch, platform: deps.platform });
    // The login item follows the setting, whether the menu or the panel changed it.
    let startAtLogin = controller.getSettings().startAtLogin;
    await applyStartAtLogin(startAtLogin);
    controller.on((event) => {
      if (event.type !== 'state') return;
      tray.update();
      if (event.state.settings.startAtLogin !== startAtLogin) {
        startAtLogin = event.state.settings.startAtLogin;
        void applyStartAtLogin(startAtLogin);
      }
    });
    setupNotifications({ controller, openPanel, platform: deps.platform });
    await controller.start();
    app.on('before-quit', () => {
      if (panel) allowClose(panel);
      tray.destroy();
      void controller.stop();
    });
  });
}

