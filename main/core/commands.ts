// One command layer for every user intent: the tray menu and the panel's IPC both run these
// (two copies of copy-fix, open-folder and the settings patches had drifted apart). A command
// that cannot be done throws a CommandError; the IPC hands it to the panel, the tray turns it
// into a notice on the panel. Electron-free: the desktop side is passed in.
import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Controller } from './controller.ts';
import type { AgentRef } from './panel-api.ts';
import type { Host, SettingsPatch } from './settings.ts';

export type Command =
  | { kind: 'refresh'; ref: AgentRef }
  | { kind: 'refresh-all' }
  /** agentId null: every stranded copy on that host. */
  | { kind: 'sync'; host: string; agentId: string | null }
  | { kind: 'copy-fix'; ref: AgentRef; profileId?: string | null }
  | { kind: 'open-folder'; ref: AgentRef }
  /** fromTray: chosen in the tray (macOS must then bring the menu-bar app forward). */
  | { kind: 'open-panel'; ref?: AgentRef; fromTray?: boolean }
  /** Someone looks (the tray menu opened): the plan's usage of due accounts is asked. */
  | { kind: 'check-usage' }
  | { kind: 'set-settings'; patch: SettingsPatch }
  | { kind: 'add-host'; host: Host }
  | { kind: 'remove-host'; name: string }
  /** "Install command-line tool": an `authbar` launcher in a directory of the user's. */
  /** fromTray: chosen in the tray, where a notification says what was done (the panel shows the words it gets back). */
  | { kind: 'install-cli'; fromTray?: boolean }
  | { kind: 'quit' };

export interface Desktop {
  /** Puts text on the clipboard (Electron's clipboard; a recorder in tests). */
  copy(text: string): void;
  /**
   * Shows `path` in the file manager, selected: revealed, never opened (an agentDir comes from
   * openclaw.json, and a folder can be an app bundle that opening would launch).
   */
  openFolder(path: string): Promise<void>;
  /** Shows the panel, at an agent when given. */
  openPanel(ref?: AgentRef, options?: { fromTray?: boolean }): void;
  /** Writes the command-line launcher; returns what was done, in words (throws a CommandError when it was not). */
  installCli?(): Promise<string>;
  /** Tells the user what a command chosen in the tray did (a notification; in the panel where none can show). */
  confirm?(text: string): void;
  quit(): void;
}

/** A command that cannot be carried out, in words for the user. */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** Resolves to words for the user where a command has something to say (install-cli). */
export type RunCommand = (command: Command) => Promise<string | void>;

export function createCommands(controller: Controller, desktop: Desktop): RunCommand {
  return async (command) => {
    switch (command.kind) {
      case 'refresh': return controller.refresh(command.ref);
      case 'refresh-all': return controller.refreshAll();
      case 'sync': return controller.sync(command.host, command.agentId);
      case 'copy-fix': {
        const fix = controller.fixCommand(command.ref, command.profileId ?? null);
        if (fix === null) throw new CommandError(`nothing to fix for ${command.ref.agentId}`);
        desktop.copy(fix);
        return;
      }
      case 'open-folder': {
        const folder = controller.authFolder(command.ref);
        if (folder === null) throw new CommandError(`${command.ref.agentId} has no folder on this machine`);
        return desktop.openFolder(toReveal(folder));
      }
      case 'open-panel':
        // The panel shows usage: opening it asks the due accounts (the 5-minute floor holds).
        void controller.askUsage('demand');
        return desktop.openPanel(command.ref, { fromTray: command.fromTray });
      case 'check-usage': return controller.askUsage('demand');
      case 'set-settings': {
        await controller.updateSettings(command.patch);
        return;
      }
      case 'add-host': return controller.addHost(command.host);
      case 'remove-host': return controller.removeHost(command.name);
      case 'install-cli': {
        if (!desktop.installCli) throw new CommandError('this AuthBar cannot install the command-line tool');
        const note = await desktop.installCli();
        if (command.fromTray) desktop.confirm?.(note);
        return note;
      }
      case 'quit': return desktop.quit();
    }
  };
}

/**
 * What "Open auth folder" shows: the store, selected in its folder, or the folder itself when the
 * store is elsewhere (SQLite) or absent. An agentDir that is no folder is refused: openclaw.json
 * can name any file there (a script, an app).
 */
function toReveal({ agentDir, storePath }: { agentDir: string; storePath: string }): string {
  if (!statSync(agentDir, { throwIfNoEntry: false })?.isDirectory()) throw new CommandError(`${agentDir} is not a folder; AuthBar opens only folders`);
  return dirname(storePath) === agentDir && lstatSync(storePath, { throwIfNoEntry: false })?.isFile() ? storePath : agentDir;
}
