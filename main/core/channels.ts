// IPC channel names, shared by the main process and the sandboxed preload. No imports: the
// preload may load nothing but Electron's own modules.
export const CHANNELS = {
  getState: 'authbar:get-state',
  refresh: 'authbar:refresh',
  refreshAll: 'authbar:refresh-all',
  sync: 'authbar:sync',
  copyFix: 'authbar:copy-fix',
  openFolder: 'authbar:open-folder',
  setSettings: 'authbar:set-settings',
  addHost: 'authbar:add-host',
  removeHost: 'authbar:remove-host',
  installCli: 'authbar:install-cli',
  /** main → panel: a new PanelState. */
  state: 'authbar:state',
  /** main → panel: scroll to and highlight an agent (a notification was clicked). */
  focus: 'authbar:focus',
} as const;
