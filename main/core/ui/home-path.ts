// Paths as the panel shows them: under the user's home, `~/…` (as a shell prints them), so the
// footer says `~/.openclaw`, not `/home/someone/.openclaw`, and a screenshot names no one's
// account. Pure: the home is passed in.

/** `path` with the home it lies under written as `~`; any other path as it is. */
export function tildePath(path: string, home: string, platform: NodeJS.Platform): string {
  if (path === '' || home === '') return path;
  const windows = platform === 'win32';
  const sep = windows ? '\\' : '/';
  const trim = (p: string) => (p.length > 1 && (p.endsWith('/') || (windows && p.endsWith('\\'))) ? p.slice(0, -1) : p);
  const base = trim(home);
  const full = trim(path);
  // Windows paths ignore case and take either slash; POSIX ones are exact.
  const same = (a: string, b: string) => (windows ? a.toLowerCase().replace(/\//g, '\\') === b.toLowerCase().replace(/\//g, '\\') : a === b);
  if (same(full, base)) return '~';
  const head = full.slice(0, base.length);
  const next = full.charAt(base.length);
  if (!same(head, base) || !(next === sep || (windows && next === '/')) || base === sep) return path;
  return `~${sep}${full.slice(base.length + 1)}`;
}
