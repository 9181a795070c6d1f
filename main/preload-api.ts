// Builds `window.authbar` on top of a transport: Electron's ipcRenderer in preload.ts, and a
// Playwright binding in the panel tests, so both run exactly this code.
import { CHANNELS } from './core/channels.ts';
import type { AgentRef, AuthbarApi, PanelState } from './core/panel-api.ts';

export interface Transport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Subscribes to a main → panel channel; returns the unsubscribe. */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

export function createAuthbarApi(transport: Transport): AuthbarApi {
  const call = async (channel: string, payload: unknown = {}) => {
    await transport.invoke(channel, payload);
  };
  const api: AuthbarApi = {
    getState: () => transport.invoke(CHANNELS.getState, {}) as Promise<PanelState>,
    refresh: (ref: AgentRef) => call(CHANNELS.refresh, { host: ref.host, agentId: ref.agentId }),
    refreshAll: () => call(CHANNELS.refreshAll),
    sync: (host: string, agentId: string | null) => call(CHANNELS.sync, { host, agentId }),
    copyFix: (host: string, agentId: string, profileId: string | null) => call(CHANNELS.copyFix, { host, agentId, profileId }),
    openFolder: (ref: AgentRef) => call(CHANNELS.openFolder, { host: ref.host, agentId: ref.agentId }),
    setSettings: (patch) => call(CHANNELS.setSettings, patch),
    addHost: (host) => call(CHANNELS.addHost, host),
    removeHost: (name: string) => call(CHANNELS.removeHost, { name }),
    installCli: async () => {
      const note = await transport.invoke(CHANNELS.installCli, {});
      return typeof note === 'string' ? note : '';
    },
    onState: (listener) => transport.subscribe(CHANNELS.state, (payload) => listener(payload as PanelState)),
    onFocus: (listener) => transport.subscribe(CHANNELS.focus, (payload) => listener(payload as AgentRef)),
  };
  return Object.freeze(api);
}
