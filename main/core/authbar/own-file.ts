// Reading one of AuthBar's own JSON files (settings, memory) against its schema. A missing file
// is normal; a file that does not parse or validate is reported with where it went wrong, so the
// caller falls back to defaults with a warning and never silently overwrites it.
import { readRegularFile } from '../openclaw/read-file.ts';

export type OwnFileRead<T> =
  | { ok: true; value: T }
  | { ok: false; missing: boolean; corrupt: boolean; problem: string };

interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[] }> } };
}

export function readOwnFile<T>(path: string, schema: Schema<T>): OwnFileRead<T> {
  // Not readFileSync: a FIFO or device in its place would block or never end (read-file.ts).
  const read = readRegularFile(path);
  if (!read.ok) return { ok: false, missing: read.absent, corrupt: false, problem: `${path}: ${read.error}` };
  const text = read.text;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, missing: false, corrupt: true, problem: `${path} is not valid JSON` };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.map(String).join('.') || 'the top level';
    return { ok: false, missing: false, corrupt: true, problem: `${path} has an invalid value at ${where}` };
  }
  return { ok: true, value: parsed.data };
}
