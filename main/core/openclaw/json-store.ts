// JSON-era auth stores (OpenClaw up to 2026.6): `<agentDir>/auth-profiles.json`, and the
// older flat `auth.json` (read, never written). ../shared/openclaw-auth.md §2.
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Credential,
  LegacyDocumentSchema,
  normalizeCredential,
  type StoreDocument,
  StoreDocumentSchema,
} from './credentials.ts';
import { acquireLock, type LockPolicy, STORE_LOCK } from './lock.ts';
import { jsonStorePath, legacyStorePath } from './paths.ts';
import { foreignWriteReason, writePrivateFile } from './private-write.ts';
import { readRegularFile } from './read-file.ts';
import { jsonErrorPosition } from '../parse-error.ts';

export type StoreKind = 'json' | 'legacy-json' | 'sqlite';

export type StoreRead =
  | { state: 'absent'; path: string }
  | { state: 'unreadable'; path: string; kind: StoreKind; error: string; fix?: string }
  | {
      state: 'ok';
      path: string;
      kind: StoreKind;
      credentials: Credential[];
      /** Profile ids whose entries were not credentials OpenClaw could use (logged by key, never value). */
      skipped: string[];
      /** Identifies this version of the file (inode, size, mtime): unchanged means not rewritten. */
      version: string;
    };

function credentialsOf(profiles: Record<string, unknown>): { credentials: Credential[]; skipped: string[] } {
  const credentials: Credential[] = [];
  const skipped: string[] = [];
  for (const [profileId, value] of Object.entries(profiles)) {
    const credential = normalizeCredential(profileId, value);
    if (credential) credentials.push(credential);
    else skipped.push(profileId);
  }
  return { credentials, skipped };
}

/** Parses a store document; the error text never quotes the document (it holds secrets). */
export function parseStoreText(text: string): { ok: true; document: StoreDocument } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'empty file (0 bytes or whitespace)' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not valid JSON (${jsonErrorPosition(error, text)})` };
  }
  const parsed = StoreDocumentSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: 'not an auth store (no "profiles" object)' };
  return { ok: true, document: parsed.data };
}

const readText = (path: string) => readRegularFile(path);

function readLegacy(agentDir: string): StoreRead {
  const path = legacyStorePath(agentDir);
  const read = readText(path);
  if (!read.ok) return read.absent ? { state: 'absent', path } : { state: 'unreadable', path, kind: 'legacy-json', error: read.error };
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch (error) {
    return { state: 'unreadable', path, kind: 'legacy-json', error: `not valid JSON (${jsonErrorPosition(error, read.text)})` };
  }
  const parsed = LegacyDocumentSchema.safeParse(data);
  if (!parsed.success) return { state: 'unreadable', path, kind: 'legacy-json', error: 'not an auth store (expected an object of providers)' };
  const profiles: Record<string, unknown> = {};
  for (const [provider, credential] of Object.entries(parsed.data)) {
    profiles[`${provider}:default`] =
      credential !== null && typeof credential === 'object' ? { provider, ...credential } : credential;
  }
  return { state: 'ok', path, kind: 'legacy-json', version: read.version, ...credentialsOf(profiles) };
}

/** Reads one store file of a known kind (a re-read under a lock, say). */
export function readStoreFile(path: string, kind: 'json' | 'legacy-json'): StoreRead {
  if (kind === 'legacy-json') return readLegacy(dirname(path));
  const read = readText(path);
  if (!read.ok) return read.absent ? { state: 'absent', path } : { state: 'unreadable', path, kind, error: read.error };
  const parsed = parseStoreText(read.text);
  if (!parsed.ok) return { state: 'unreadable', path, kind, error: parsed.error };
  return { state: 'ok', path, kind, version: read.version, ...credentialsOf(parsed.document.profiles) };
}

/** Reads an agent dir's JSON-era store: `auth-profiles.json`, else the legacy `auth.json`. */
export function readJsonStore(agentDir: string): StoreRead {
  const read = readStoreFile(jsonStorePath(agentDir), 'json');
  if (read.state !== 'absent') return read;
  const legacy = readLegacy(agentDir);
  return legacy.state === 'absent' ? read : legacy;
}

/** OpenClaw's own serialization, so a diff between its writes and ours is only the values. */
export function serializeStore(document: StoreDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A store AuthBar will not write, with the one-line reason (another user could redirect the write). */
export class UnsafeStoreError extends Error {
  override name = 'UnsafeStoreError';
}

/**
 * Atomic replace with a random exclusive temp name, mode 0600, fsync, rename, directory fsync
 * (private-write.ts), the symlink followed to its target as OpenClaw does; refused when another
 * local user could redirect the write (issue 13 §3).
 */
export function writeStoreFile(path: string, document: StoreDocument): void {
  const target = realTarget(path);
  const reason = foreignWriteReason(target);
  if (reason) throw new UnsafeStoreError(`not written: ${reason}`);
  writePrivateFile(target, serializeStore(document));
}

export function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The credential fields a refresh or a sync replaces; everything else in the profile stays. */
export interface CredentialFields {
  access: string;
  refresh: string;
  expires: number;
  accountId: string | null;
  email?: string | null;
}

export type ReplaceResult =
  | { result: 'written' }
  /** The profile no longer holds the refresh token we expected: someone else wrote it. */
  | { result: 'changed'; current: Credential | null }
  | { result: 'unreadable'; error: string }
  /** A SQLite store stayed write-locked past our (short) busy timeout: nothing was written. */
  | { result: 'busy'; error: string };

/**
 * Replaces one profile's credential in an auth-profiles.json, under OpenClaw's store lock:
 * re-read under the lock, write only if the profile still holds `expectRefresh`, keep every
 * other profile and unknown field, then an atomic write. A store that no longer parses is
 * never written.
 */
export async function replaceCredential(
  storePath: string,
  profileId: string,
  expectRefresh: string,
  next: CredentialFields,
  policy: LockPolicy = STORE_LOCK,
): Promise<ReplaceResult> {
  const lock = await acquireLock(storePath, { policy });
  try {
    const read = readText(storePath);
    if (!read.ok) return { result: 'unreadable', error: read.error };
    const parsed = parseStoreText(read.text);
    if (!parsed.ok) return { result: 'unreadable', error: parsed.error };
    const document = parsed.document;
    const profile = document.profiles[profileId];
    const current = normalizeCredential(profileId, profile);
    if (!current || current.refresh !== expectRefresh || !profile || typeof profile !== 'object') {
      return { result: 'changed', current };
    }
    const updated: Record<string, unknown> = { ...(profile as Record<string, unknown>), access: next.access, refresh: next.refresh, expires: next.expires };
    if (next.accountId) updated.accountId = next.accountId;
    if (next.email) updated.email = next.email;
    document.profiles[profileId] = updated;
    writeStoreFile(storePath, document);
    return { result: 'written' };
  } finally {
    lock.release();
  }
}
