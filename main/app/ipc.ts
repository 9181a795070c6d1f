// Every panel request goes through here: only from our own panel's main frame, showing our own
// page, then the zod-validated handlers of main/core/panel-handlers.ts. State goes the other
// way as redacted PanelState objects.
import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { posix, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Controller } from '../core/controller.ts';
import { CHANNELS, type InvokeChannel } from '../core/panel-api.ts';
import type { Handlers } from '../core/panel-handlers.ts';

/**
 * The file a frame shows, compared as a path: Chromium normalises file URLs (on Windows it
 * upper-cases the drive letter, so `c:\…` loads as `file:///C:/…`), and Windows paths are
 * case-insensitive. A string comparison of URLs refused every request started from `c:\`.
 */
export function isPanelUrl(url: string, panelHtml: string, platform: NodeJS.Platform): boolean {
  if (!url.startsWith('file:')) return false;
  const windows = platform === 'win32';
  let path: string;
  try {
    path = fileURLToPath(url.split('#')[0]!.split('?')[0]!, { windows });
  } catch {
    return false;
  }
  if (!windows) return posix.normalize(path) === posix.normalize(panelHtml);
  return win32.normalize(path).toLowerCase() === win32.normalize(panelHtml).toLowerCase();
}

/** Whether a request comes from our panel window's own top frame, showing our own page. */
export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null, panelHtml: string, platform: NodeJS.Platform): boolean {
  if (!win || win.isDestroyed() || event.sender !== win.webContents) return false;
  const frame = event.senderFrame;
  return frame !== null && frame === win.webContents.mainFrame && isPanelUrl(frame.url, panelHtml, platform);
}

export interface IpcOptions {
  handlers: Partial<Handlers>;
  panel(): BrowserWindow | null;
  panelHtml: string;
  platform: NodeJS.Platform;
  controller?: Pick<Controller, 'on'>;
}

export function setupIpc({ handlers, panel, panelHtml, platform, controller }: IpcOptions): () => void {
  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isTrustedSender(event, panel(), panelHtml, platform)) throw new Error(`${channel}: refused a request from an unknown sender`);
      return handlers[channel]!(payload);
    });
  }
  const unsubscribe = controller?.on((event) => {
    const win = panel();
    if (event.type === 'state' && win && !win.isDestroyed()) win.webContents.send(CHANNELS.state, event.state);
  });
  return () => {
    unsubscribe?.();
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
