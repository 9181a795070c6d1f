// Every panel request goes through here: only from our own panel's main frame, then the
// zod-validated handlers in main/core/panel-handlers.ts. State goes the other way as
// redacted PanelState objects.
import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { pathToFileURL } from 'node:url';
import type { Controller } from '../core/controller.ts';
import { CHANNELS, type InvokeChannel } from '../core/panel-api.ts';
import { createHandlers, type Desktop } from '../core/panel-handlers.ts';
import { PANEL_HTML } from './paths.ts';

const PANEL_URL = pathToFileURL(PANEL_HTML).toString();

/** Whether a request comes from our panel window's own top frame, showing our own page. */
export function isTrustedSender(event: IpcMainInvokeEvent, panel: () => BrowserWindow | null): boolean {
  const win = panel();
  if (!win || win.isDestroyed() || event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && frame.url.split('#')[0] === PANEL_URL;
}

export function setupIpc(controller: Controller, desktop: Desktop, panel: () => BrowserWindow | null): () => void {
  const handlers = createHandlers(controller, desktop);
  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isTrustedSender(event, panel)) throw new Error(`${channel}: refused a request from an unknown sender`);
      return handlers[channel](payload);
    });
  }
  const unsubscribe = controller.on((event) => {
    const win = panel();
    if (event.type === 'state' && win && !win.isDestroyed()) win.webContents.send(CHANNELS.state, event.state);
  });
  return () => {
    unsubscribe();
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
