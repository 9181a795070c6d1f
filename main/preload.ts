// The panel's only bridge to the app: one frozen `window.authbar` object (contextIsolation
// and sandbox on). It passes plain data both ways; the main process validates every request.
import { contextBridge, ipcRenderer } from 'electron';
import { createAuthbarApi } from './preload-api.ts';

contextBridge.exposeInMainWorld(
  'authbar',
  createAuthbarApi({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    subscribe(channel, listener) {
      const handler = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => ipcRenderer.off(channel, handler);
    },
  }),
);
