// What a remote host's settings may hold, stated once for the main process (settings.ts) and
// the panel (renderer/host-form.ts), which cannot import node modules. Every value here ends up
// in an ssh command line, so each is as narrow as its purpose allows.

/** A short name the user picks, shown on rows and used with `--host NAME`. */
export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
/**
 * What `ssh` connects to: `user@host`, `user@[::1]`, an ~/.ssh/config alias, `ssh://user@host:port`.
 * One argument, never an option (no leading `-`), and no shell metacharacters: the same value
 * is printed in fix commands a user pastes into a shell.
 */
export const DESTINATION = /^[A-Za-z0-9_[][A-Za-z0-9_.@:%+[\]/=-]*$/;
export const DESTINATION_MAX = 255;
/**
 * How to run AuthBar's CLI there: a command name or a path (`authbar`, `~/.npm-global/bin/authbar`,
 * `/opt/authbar/bin/authbar`). A path-like value only: no spaces, quotes or shell metacharacters,
 * so a setting (which the panel can change) cannot make AuthBar run anything else on the host.
 */
export const REMOTE_COMMAND = /^(?:~\/)?[A-Za-z0-9_./+][A-Za-z0-9_./+-]*$/;
export const PATH_MAX = 4096;
/** Control characters have no place in a path typed into settings. */
export const PATH_TEXT = /^[^\x00-\x1f\x7f]+$/;
