// The main-process side of every panel request: validate (zod, strict), then run the same
// command the tray menu runs (main/core/commands.ts). Electron's ipc.ts adds the sender check
// around this; the Playwright tests bind the very same handlers to a real Chromium page.
import { type RunCommand } from './commands.ts';
import type { Controller } from './controller.ts';
import { CHANNELS, type InvokeChannel, type PanelState, REQUESTS } from './panel-api.ts';

export class RequestError extends Error {
  override name = 'RequestError';
}

export type Handlers = { [C in InvokeChannel]: (raw: unknown) => Promise<PanelState | string | void> };

export function createHandlers(controller: Pick<Controller, 'state'>, run: RunCommand): Handlers {
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
    [CHANNELS.refresh]: (raw) => run({ kind: 'refresh', ref: parse(CHANNELS.refresh, raw) }),
    [CHANNELS.refreshAll]: async (raw) => {
      parse(CHANNELS.refreshAll, raw);
      return run({ kind: 'refresh-all' });
    },
    [CHANNELS.sync]: async (raw) => run({ kind: 'sync', ...parse(CHANNELS.sync, raw) }),
    [CHANNELS.copyFix]: async (raw) => {
      const { host, agentId, profileId } = parse(CHANNELS.copyFix, raw);
      return run({ kind: 'copy-fix', ref: { host, agentId }, profileId });
    },
    [CHANNELS.openFolder]: async (raw) => run({ kind: 'open-folder', ref: parse(CHANNELS.openFolder, raw) }),
    [CHANNELS.setSettings]: async (raw) => run({ kind: 'set-settings', patch: parse(CHANNELS.setSettings, raw) }),
    [CHANNELS.addHost]: async (raw) => run({ kind: 'add-host', host: parse(CHANNELS.addHost, raw) }),
    [CHANNELS.removeHost]: async (raw) => run({ kind: 'remove-host', name: parse(CHANNELS.removeHost, raw).name }),
    [CHANNELS.installCli]: async (raw) => {
      parse(CHANNELS.installCli, raw);
      return run({ kind: 'install-cli' });
    },
  };
}
