// The "Add host" form's words and checks. Pure: the panel cannot load settings.ts (it pulls in
// node:fs), so HostSchema's rules are repeated here, and test/renderer/host-form.test.ts keeps
// the two in step by running both on the same inputs. The main process validates again anyway.
import type { PanelState } from '../main/core/panel-api.ts';

export type Host = PanelState['settings']['hosts'][number];

export const HOST_FIELDS = ['name', 'destination', 'stateDir', 'sshConfig', 'remoteCommand'] as const;
export type HostField = (typeof HOST_FIELDS)[number];

/** What is typed in the form, as typed. */
export type HostDraft = Record<HostField, string>;
export type HostErrors = Partial<Record<HostField, string>>;

export const emptyDraft = (): HostDraft => ({ name: '', destination: '', stateDir: '', sshConfig: '', remoteCommand: '' });

/** HostSchema.name; `local` is also refused, as it is this computer's name on every row. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
/** HostSchema.destination: one ssh argument that ssh cannot mistake for an option. */
const DESTINATION = /^[^\s-][^\s]*$/;
const DESTINATION_MAX = 255;

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
  if (!DESTINATION.test(destination)) return 'Enter USER@HOST, or a Host alias from ~/.ssh/config.';
  return undefined;
}

export function fieldError(field: HostField, value: string): string | undefined {
  if (field === 'name') return nameError(value);
  if (field === 'destination') return destinationError(value);
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
