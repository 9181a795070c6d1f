// JSON-era auth stores (OpenClaw up to 2026.6): `<agentDir>/auth-profiles.json`, and the
// older flat `auth.json` (read, never written). As openclaw 2026.5.7 reads and writes them.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  asStoreDocument,
  type Credential,
  credentialFrom,
  isProfileId,
  normalizeCredential,
  profileEntry,
  SECRET_FIELDS,
  type StoreDocument,
} from './credentials.ts';
import { acquireLock, type LockPolicy, STORE_LOCK } from './lock.ts';
import { OAUTH_FILE } from './paths.ts';
import { foreignWriteReason, isAuthbarTempOf, removeAbandonedTemps, writePrivateFile } from './private-write.ts';
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
      /** The order / lastGood / usageStats a JSON-era store carries itself (OpenClaw merges them with auth-state.json). */
      authState?: unknown;
      /** Why AuthBar reads this store but never writes it (a shape OpenClaw reads that a rewrite would change). */
      readOnly?: string;
      /**
       * Legacy auth.json: secrets the file holds that the entries OpenClaw makes from it leave
       * out (an OAuth entry's `idToken`, say). Searched like any other, never used.
       */
      droppedSecrets?: string[];
    };

function credentialsOf(profiles: object): { credentials: Credential[]; skipped: string[] } {
  const credentials: Credential[] = [];
  const skipped: string[] = [];
  for (const [profileId, value] of Object.entries(profiles)) {
    if (!isProfileId(profileId)) continue;
    const credential = normalizeCredential(profileId, value);
    if (credential) credentials.push(credential);
    else skipped.push(profileId);
  }
  return { credentials, skipped };
}

/** Parses a store document; the error text never quotes the document (it holds secrets). */
export function parseStoreText(text: string): { ok: true; document: StoreDocument } | { ok: false; error: string } {
  const data = parseJson(text);
  if (!data.ok) return data;
  const document = asStoreDocument(data.value);
  return document ? { ok: true, document } : { ok: false, error: NOT_A_STORE };
}

const NOT_A_STORE = 'not an auth store (no "profiles" object)';

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'empty file (0 bytes or whitespace)' };
  // OpenClaw 2026.5.7 reads with JSON.parse as is: a UTF-8 BOM makes the file unusable to it.
  if (text.charCodeAt(0) === 0xfeff) return { ok: false, error: 'starts with a UTF-8 byte order mark, which OpenClaw cannot read' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `not valid JSON (${jsonErrorPosition(error, text)})` };
  }
}

const readText = (path: string) => readRegularFile(path);

/**
 * The flat legacy `auth.json` (`{ "<provider>": credential }`) as OpenClaw 2026.5.7 applies
 * it (`coerceLegacyAuthStore` + `applyLegacyAuthStore`): each entry becomes
 * `<provider>:default`, the key standing in for a missing provider, OAuth entries reduced to
 * the fields OpenClaw copies. A document with a `profiles` key, or no usable entry, is none.
 */
function legacyCredentials(data: unknown): { credentials: Credential[]; droppedSecrets: string[] } | null {
  if (data === null || typeof data !== 'object' || 'profiles' in data) return null;
  const credentials: Credential[] = [];
  const droppedSecrets: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    const parsed = normalizeCredential(`${key}:default`, value, key);
    if (!parsed) continue;
    const cred = parsed.raw;
    const truthy = (field: string) => (cred[field] ? { [field]: cred[field] } : {});
    const raw: Record<string, unknown> =
      parsed.type === 'api_key' ? { type: 'api_key', provider: cred.provider, key: cred.key, ...truthy('email') }
      : parsed.type === 'token' ? { type: 'token', provider: cred.provider, token: cred.token, ...(typeof cred.expires === 'number' ? { expires: cred.expires } : {}), ...truthy('email') }
      : { type: 'oauth', provider: cred.provider, access: cred.access, refresh: cred.refresh, expires: cred.expires, ...truthy('enterpriseUrl'), ...truthy('projectId'), ...truthy('accountId'), ...truthy('email') };
    credentials.push(credentialFrom(parsed.profileId, raw, parsed.type));
    for (const field of SECRET_FIELDS) if (typeof cred[field] === 'string' && raw[field] !== cred[field]) droppedSecrets.push(cred[field]);
  }
  return credentials.length > 0 ? { credentials, droppedSecrets } : null;
}

/**
 * `<stateDir>/credentials/oauth.json` (`{ "<provider>": fields }`), which OpenClaw 2026.5.7
 * (`mergeOAuthFileIntoStore`) merges as `{ type: "oauth", provider, ...fields }` under
 * `<provider>:default` into a store it could not load, unchecked: its status then calls any
 * type but token and api_key "oauth".
 */
export function oauthFileCredentials(data: unknown): Credential[] {
  if (data === null || typeof data !== 'object') return [];
  const credentials: Credential[] = [];
  for (const [provider, fields] of Object.entries(data)) {
    if (fields === null || typeof fields !== 'object') continue;
    const raw: Record<string, unknown> = { type: 'oauth', provider, ...(fields as Record<string, unknown>) };
    const type = raw.type === 'token' || raw.type === 'api_key' ? raw.type : 'oauth';
    credentials.push(credentialFrom(`${provider}:default`, raw, type));
  }
  return credentials;
}

export function readLegacyFile(path: string): StoreRead {
  const read = readText(path);
  if (!read.ok) return read.absent ? { state: 'absent', path } : { state: 'unreadable', path, kind: 'legacy-json', error: read.error };
  const data = parseJson(read.text);
  if (!data.ok) return { state: 'unreadable', path, kind: 'legacy-json', error: data.error };
  const parsed = basename(path) === OAUTH_FILE ? { credentials: oauthFileCredentials(data.value), droppedSecrets: [] } : legacyCredentials(data.value);
  if (parsed === null) return { state: 'unreadable', path, kind: 'legacy-json', error: 'not an auth store (expected an object of providers)' };
  return { state: 'ok', path, kind: 'legacy-json', credentials: parsed.credentials, skipped: [], version: read.version, ...(parsed.droppedSecrets.length > 0 ? { droppedSecrets: parsed.droppedSecrets } : {}) };
}

/**
 * An auth-profiles.json as OpenClaw 2026.5.7's `coercePersistedAuthProfileStore` reads it:
 * any object with a `profiles` object (an array too: its entries are profiles "0", "1", …).
 */
function readProfilesFile(path: string): StoreRead {
  const kind = 'json';
  const read = readText(path);
  if (!read.ok) return read.absent ? { state: 'absent', path } : { state: 'unreadable', path, kind, error: read.error };
  const data = parseJson(read.text);
  if (!data.ok) return { state: 'unreadable', path, kind, error: data.error };
  const record = data.value as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || !record.profiles || typeof record.profiles !== 'object') return { state: 'unreadable', path, kind, error: NOT_A_STORE };
  const readOnly = Array.isArray(record.profiles) ? '"profiles" is an array, which OpenClaw reads but AuthBar does not rewrite' : undefined;
  return { state: 'ok', path, kind, version: read.version, ...credentialsOf(record.profiles), authState: record, ...(readOnly ? { readOnly } : {}) };
}

/** Reads one store file of a known kind (a re-read under a lock, say). */
export function readStoreFile(path: string, kind: 'json' | 'legacy-json'): StoreRead {
  return kind === 'legacy-json' ? readLegacyFile(path) : readProfilesFile(path);
}

/** An auth-state.json (order, lastGood, usage stats), as JSON or undefined where OpenClaw would see nothing. */
export function readAuthStateFile(agentDir: string): unknown {
  const path = join(agentDir, 'auth-state.json');
  // Most agents have none: a stat is several times cheaper than an open that throws.
  if (!existsSync(path)) return undefined;
  const read = readText(path);
  if (!read.ok) return undefined;
  const data = parseJson(read.text);
  return data.ok ? data.value : undefined;
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
 * local user could redirect the write (issue 13 §3). Temps a killed writer left beside it go too.
 */
export function writeStoreFile(path: string, document: StoreDocument): void {
  const target = realTarget(path);
  const reason = foreignWriteReason(target);
  if (reason) throw new UnsafeStoreError(`not written: ${reason}`);
  writePrivateFile(target, serializeStore(document));
  // A kill in an earlier write (ours or OpenClaw's) left the sign-in in a temp beside it.
  removeAbandonedTemps(dirname(target), (name) => isAuthbarTempOf(basename(target), name));
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
  next: CredentialFields | { entry: Readonly<Record<string, unknown>> },
  policy: LockPolicy = STORE_LOCK,
): Promise<ReplaceResult> {
  const lock = await acquireLock(storePath, { policy });
  try {
    const read = readText(storePath);
    if (!read.ok) return { result: 'unreadable', error: read.error };
    const parsed = parseStoreText(read.text);
    if (!parsed.ok) return { result: 'unreadable', error: parsed.error };
    const document = parsed.document;
    const profile = profileEntry(document, profileId);
    const current = normalizeCredential(profileId, profile);
    if (!current || current.refresh !== expectRefresh || !profile || typeof profile !== 'object') {
      return { result: 'changed', current };
    }
    if ('entry' in next) document.profiles[profileId] = { ...next.entry };
    else {
      const updated: Record<string, unknown> = { ...(profile as Record<string, unknown>), access: next.access, refresh: next.refresh, expires: next.expires };
      if (next.accountId) updated.accountId = next.accountId;
      if (next.email) updated.email = next.email;
      document.profiles[profileId] = updated;
    }
    writeStoreFile(storePath, document);
    return { result: 'written' };
  } finally {
    lock.release();
  }
}
