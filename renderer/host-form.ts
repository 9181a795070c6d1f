// The "Add host" form's words and checks. Pure: the panel cannot load settings.ts (it pulls in
// node:fs), so it takes HostSchema's patterns from main/core/host-rules.ts, and
// test/renderer/host-form.test.ts keeps the two in step by running both on the same inputs.
// The main process validates again anyway.
import { DESTINATION, DESTINATION_MAX, HOST_NAME, REMOTE_COMMAND } from '../main/core/host-rules.ts';
import type { PanelState } from '../main/core/panel-api.ts';

export type Host = PanelState['settings']['hosts'][number];

export const HOST_FIELDS = ['name', 'destination', 'stateDir', 'sshConfig', 'remoteCommand'] as const;
export type HostField = (typeof HOST_FIELDS)[number];

/** What is typed in the form, as typed. */
export type HostDraft = Record<HostField, string>;
export type HostErrors = Partial<Record<HostField, string>>;

export const emptyDraft = (): HostDraft => ({ name: '', destination: '', stateDir: '', sshConfig: '', remoteCommand: '' });

/** HostSchema's own rules (`local` is also refused, as it is this computer's name on every row). */
const NAME = HOST_NAME;

export function nameError(raw: string): string | undefined {
  const name = raw.trim();
  if (name === '') return 'Enter a short name for this host, like vps.';
  if (name === 'local') return '“local” is this computer\'s name; pick another.';
  if (name.length > 40) return 'Use at most 40 characters.';
  if (!NAME.test(name)) return 'Use letters, digits and . _ - only, starting with a letter or digit.';
  return undefined;
}

export function destinationError(raw: string): string | undefined {
  const destination = raw.trim();
  if (destination === '') return 'Enter USER@HOST, or a Host alias from ~/.ssh/config.';
  if (/\s/.test(destination)) return 'No spaces: ssh takes a single destination.';
  if (destination.startsWith('-')) return 'It cannot start with “-” (ssh would read it as an option).';
  if (destination.length > DESTINATION_MAX) return `Use at most ${DESTINATION_MAX} characters.`;
  if (!DESTINATION.test(destination)) return 'Enter USER@HOST, or a Host alias from ~/.ssh/config (no shell characters).';
  return undefined;
}

export function remoteCommandError(raw: string): string | undefined {
  const command = raw.trim();
  if (command === '' || REMOTE_COMMAND.test(command)) return undefined;
  return 'Enter a command name or path, like ~/.npm-global/bin/authbar: no spaces or shell characters.';
}

export function fieldError(field: HostField, value: string): string | undefined {
  if (field === 'name') return nameError(value);
  if (field === 'destination') return destinationError(value);
  if (field === 'remoteCommand') return remoteCommandError(value);
  return undefined;
}

/** The host to send, or the errors to show by field. Blank optional fields are left out. */
export function checkDraft(draft: HostDraft): { host: Host; errors: null } | { host: null; errors: HostErrors } {
  const errors: HostErrors = {};
  for (const field of HOST_FIELDS) {
    const error = fieldError(field, draft[field]);
    if (error) errors[field] = error;
  }
  if (Object.keys(errors).length > 0) return { host: null, errors };
  const host: Host = { name: draft.name.trim(), destination: draft.destination.trim() };
  for (const field of ['stateDir', 'sshConfig', 'remoteCommand'] as const) {
    const value = draft[field].trim();
    if (value) host[field] = value;
  }
  return { host, errors: null };
}
