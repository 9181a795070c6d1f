// Reading a store (or config) that may not be what its name says. A FIFO blocks a plain `open`
// and `read` forever, `/dev/zero` never ends, a socket cannot be opened: each is "not a regular
// file", found by fstat right after a non-blocking open (which returns at once on a FIFO), so
// nothing is ever read from it. One open and one fstat per file: `status` over 100 agents made
// four stat calls per agent before (strace -c), two of them throwing for an absent file. A file past the size cap is "too large" and
// is never read into memory; a symlink to nowhere says where it points.
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** OpenClaw's auth stores are a few KiB; a 16 MiB one is not an auth store, whatever it holds. */
export const MAX_STORE_BYTES = 16 * 1024 * 1024;

export type FileRead =
  | { ok: true; text: string; version: string }
  | { ok: false; absent: boolean; error: string };

const MiB = 1024 * 1024;

function irregular(stat: Stats): string | null {
  if (stat.isFile()) return null;
  if (stat.isDirectory()) return 'is a directory, not a file';
  const what = stat.isFIFO() ? 'a FIFO' : stat.isSocket() ? 'a socket' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : 'a special file';
  return `not a regular file (${what})`;
}

const tooLarge = (bytes: number, max: number) =>
  `too large (${(bytes / MiB).toFixed(1)} MiB; an auth store is a few KiB, and AuthBar reads at most ${max / MiB} MiB)`;

/** Why a path cannot be opened, in words; a dangling symlink names its target. */
export function openFailure(path: string, error: unknown): { absent: boolean; error: string } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') {
    try {
      if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) return { absent: false, error: `a symlink to ${resolve(dirname(path), readlinkSync(path))}, which does not exist` };
    } catch {
      // not there at all
    }
    return { absent: true, error: 'does not exist' };
  }
  if (code === 'EACCES' || code === 'EPERM') return { absent: false, error: 'permission denied' };
  if (code === 'EISDIR') return { absent: false, error: 'is a directory, not a file' };
  if (code === 'ELOOP') return { absent: false, error: 'symlink loop' };
  if (code === 'ENXIO') return { absent: false, error: 'not a regular file (a socket)' };
  return { absent: false, error: code ?? (error instanceof Error ? error.message : String(error)) };
}

/**
 * Whether `path` (followed through symlinks) is a regular file, without opening it. For files
 * another library opens itself (SQLite): null when it is one, else why not (or absent).
 */
export function regularFileProblem(path: string): { absent: boolean; error: string } | null {
  let stat: Stats | undefined;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    return openFailure(path, error);
  }
  if (!stat) return openFailure(path, { code: 'ENOENT' });
  const why = irregular(stat);
  return why ? { absent: false, error: why } : null;
}

/** The whole text of a regular file of at most `maxBytes`, and a version (inode, size, mtime). */
export function readRegularFile(path: string, maxBytes = MAX_STORE_BYTES): FileRead {
  const read = readRegularBytes(path, maxBytes);
  return read.ok ? { ok: true, text: read.bytes.toString('utf8'), version: read.version } : read;
}

/** readRegularFile's bytes, for a file that is not text. */
export function readRegularBytes(path: string, maxBytes = MAX_STORE_BYTES): { ok: true; bytes: Buffer; version: string } | { ok: false; absent: boolean; error: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    return { ok: false, ...openFailure(path, error) };
  }
  try {
    const stat = fstatSync(fd);
    const why = irregular(stat);
    if (why) return { ok: false, absent: false, error: why };
    if (stat.size > maxBytes) return { ok: false, absent: false, error: tooLarge(stat.size, maxBytes) };
    // Read to the end, not to the size fstat gave: the file may grow meanwhile, never past the cap.
    let buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > maxBytes) return { ok: false, absent: false, error: tooLarge(buffer.length, maxBytes) };
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return { ok: true, bytes: buffer.subarray(0, length), version: `${stat.ino}:${stat.size}:${stat.mtimeMs}` };
  } catch (error) {
    return { ok: false, ...openFailure(path, error) };
  } finally {
    closeSync(fd);
  }
}
