// Writing a file that holds secrets so that no other local user can redirect or read it:
// a temp file with a random name (`<file>.authbar-<uuid>.tmp`: OpenClaw's pattern, marked as
// AuthBar's), created exclusively without following a symlink, mode 0600, fsynced, renamed over
// the file, the directory fsynced. (write-file-atomic's temp names are predictable, a hash of its path,
// the pid and a counter, and opened with `w`: a symlink planted at that name received the
// tokens, mode 0666. Issue 13 §3.)
import { closeSync, constants, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crypto } from '../lazy-crypto.ts';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;

const tempNameFor = (path: string) => `${path}.authbar-${crypto().randomUUID()}.tmp`;

/** Creates `<path>.authbar-<uuid>.tmp` exclusively (never following a symlink), at most 0600 (the umask can only narrow it). */
function createTemp(path: string): { temp: string; fd: number } {
  const temp = tempNameFor(path);
  return { temp, fd: openSync(temp, EXCLUSIVE, 0o600) };
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replaces `path` (already resolved: no symlink is followed here) with `text`, atomically, 0600
 * (a file that holds no secret, such as an autostart entry, may ask for a wider `mode`).
 */
export function writePrivateFile(path: string, text: string | Uint8Array, mode = 0o600): void {
  // The bytes go in first, then the mode: a kill right after the answer of a token request
  // finds them on disk sooner (the temp is never wider than 0600 before the fchmod).
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const { temp, fd } = createTemp(path);
  let renamed = false;
  try {
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    fchmodSync(fd, mode); // exactly `mode`, whatever the umask
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
    renamed = true;
    fsyncDirectory(dirname(path));
  } finally {
    if (!renamed) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(temp);
      } catch {
        // never created, or already gone
      }
    }
  }
}

/** No writer keeps its temp this long: it writes one buffer, fsyncs and renames. */
const ABANDONED_TEMP_MS = 10 * 60_000;
/** The suffix of writePrivateFile's temps (tempNameFor). */
const AUTHBAR_TEMP_SUFFIX = /^\.authbar-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/** Whether `name` is a temp of AuthBar's written through for `file` (a basename). */
export const isAuthbarTempOf = (file: string, name: string): boolean => name.startsWith(file) && AUTHBAR_TEMP_SUFFIX.test(name.slice(file.length));

/**
 * Removes from `dir` the temps a killed AuthBar left (names `isTemp` accepts; regular files
 * untouched for ABANDONED_TEMP_MS by the wall clock, as file times are): they hold secrets.
 * `keep` spares one still worth having; one that will not go is left for the next time. Never
 * OpenClaw's temps beside a store: killed between its write and its rename, OpenClaw's may hold
 * the only copy of a sign-in it rotated, while what AuthBar's holds is in a store or its
 * recovery file too.
 */
export function removeAbandonedTemps(dir: string, isTemp: (name: string) => boolean, keep: (temp: string) => boolean = () => false): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isTemp);
  } catch {
    return;
  }
  const now = Date.now();
  for (const temp of names.map((n) => join(dir, n))) {
    try {
      const stat = lstatSync(temp);
      if (!stat.isFile() || now - stat.mtimeMs < ABANDONED_TEMP_MS || keep(temp)) continue;
      unlinkSync(temp);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** Proves, before a token request, that a temp file can be created exclusively beside `path`. */
export function probeTempFile(path: string): void {
  const { temp, fd } = createTemp(path);
  closeSync(fd);
  unlinkSync(temp);
}

const currentUid = (): number | undefined => process.getuid?.();

/**
 * Why another local user could redirect or read a write of `path` (the resolved target), or
 * null: its directory is writable by others without the sticky bit, or the directory or the
 * file belongs to another user (root's own directories excepted). One line, never a secret.
 */
export function foreignWriteReason(path: string): string | null {
  const uid = currentUid();
  if (uid === undefined) return null; // Windows: ACLs, not modes; nothing comparable to check
  const dir = dirname(path);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (error) {
    return `its directory ${dir} cannot be checked (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (dirStat.uid !== uid && dirStat.uid !== 0) return `its directory ${dir} belongs to another user (uid ${dirStat.uid})`;
  if ((dirStat.mode & 0o002) !== 0 && (dirStat.mode & 0o1000) === 0) return `its directory ${dir} is writable by other users (no sticky bit)`;
  try {
    const file = lstatSync(path);
    if (file.uid !== uid) return `${path} belongs to another user (uid ${file.uid})`;
  } catch {
    // not there yet: the directory's checks are what matter
  }
  return null;
}

/**
 * A lock directory that is ours alone (OpenClaw 2026.9.6 demands the same of its coordinator
 * directory): created 0700 whatever the umask, a real directory, owned by this user, with no
 * access for others; a directory of ours that is too open is tightened. Throws with one line.
 */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const uid = currentUid();
  if (uid === undefined) return;
  let stat = lstatSync(dir);
  if (stat.isSymbolicLink() || !stat.isDirectory()) throw new ForeignLockDirError(`${dir} is not a real directory`);
  if (stat.uid !== uid) throw new ForeignLockDirError(`${dir} belongs to another user (uid ${stat.uid})`);
  if ((stat.mode & 0o077) !== 0) {
    chmodPrivate(dir);
    stat = lstatSync(dir);
    if ((stat.mode & 0o077) !== 0) throw new ForeignLockDirError(`${dir} cannot be made private (mode ${(stat.mode & 0o777).toString(8)})`);
  }
}

function chmodPrivate(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | NOFOLLOW | (constants.O_DIRECTORY ?? 0));
  try {
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

export class ForeignLockDirError extends Error {
  override name = 'ForeignLockDirError';
}
