// A word a POSIX shell (and PowerShell) takes as one literal argument: what AuthBar puts in a
// command line it runs over ssh, and in a fix a user pastes (a path from openclaw.json can hold
// `;` or `$(...)`). Plain words stay as they are, so ordinary paths still read as paths.
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
