// The main-process side of every panel request: validate (zod, strict), then act on the
// controller. Electron's ipc.ts adds the sender check around this; the Playwright tests bind
// the very same handlers to a real Chromium page.
import type { Controller } from './controller.ts';
import { CHANNELS, type InvokeChannel, type PanelState, REQUESTS } from './panel-api.ts';

export interface Desktop {
  /** Puts text on the clipboard (Electron's clipboard; a recorder in tests). */
  copy(text: string): void;
  /** Opens a folder in the file manager. */
  openFolder(path: string): Promise<void>;
}

export class RequestError extends Error {
  override name = 'RequestError';
}

export type Handlers = { [C in InvokeChannel]: (raw: unknown) => Promise<PanelState | void> };

export function createHandlers(controller: Controller, desktop: Desktop): Handlers {
  const parse = <C extends InvokeChannel>(channel: C, raw: unknown) => {
    const parsed = REQUESTS[channel].safeParse(raw ?? {});
    if (!parsed.success) throw new RequestError(`${channel}: invalid request`);
    return parsed.data as ReturnType<(typeof REQUESTS)[C]['parse']>;
  };
  return {
    [CHANNELS.getState]: async (raw) => {
      parse(CHANNELS.getState, raw);
      return controller.state();
    },
    [CHANNELS.refresh]: async (raw) => controller.refresh(parse(CHANNELS.refresh, raw)),
    [CHANNELS.refreshAll]: async (raw) => {
      parse(CHANNELS.refreshAll, raw);
      return controller.refreshAll();
    },
    [CHANNELS.sync]: async (raw) => {
      const { host, agentId } = parse(CHANNELS.sync, raw);
      return controller.sync(host, agentId);
    },
    [CHANNELS.copyFix]: async (raw) => {
      const { host, agentId, profileId } = parse(CHANNELS.copyFix, raw);
      const fix = controller.fixCommand({ host, agentId }, profileId);
      if (fix === null) throw new RequestError('nothing to fix for that agent');
      desktop.copy(fix);
    },
    [CHANNELS.openFolder]: async (raw) => {
      const dir = controller.agentDir(parse(CHANNELS.openFolder, raw));
      if (dir === null) throw new RequestError('no such agent');
      await desktop.openFolder(dir);
    },
    [CHANNELS.setSettings]: async (raw) => {
      await controller.updateSettings(parse(CHANNELS.setSettings, raw));
    },
    [CHANNELS.addHost]: async (raw) => controller.addHost(parse(CHANNELS.addHost, raw)),
    [CHANNELS.removeHost]: async (raw) => controller.removeHost(parse(CHANNELS.removeHost, raw).name),
  };
}
