// The shapes inside an OpenClaw auth store (openclaw 2026.5.7's auth-profiles.json, 2026.9.6's SQLite rows).
// Lenient on purpose: OpenClaw adds fields between releases, and every field we do not
// know must survive a rewrite. The document is parsed with zod (unknown keys pass through);
// each profile entry is read as `unknown` and narrowed to a credential, as OpenClaw itself
// does, so one bad entry is skipped by key and the rest of the store still counts. (Narrowing
// by hand here also keeps a status of 100 stores several milliseconds faster than a zod
// parse per entry: measured.)
import * as z from 'zod/mini';

/** `{ version, profiles: { <profileId>: credential } }`, the JSON era's and the SQLite rows' shape. */
export const StoreDocumentSchema = z.looseObject({
  version: z.optional(z.unknown()),
  profiles: z.record(z.string(), z.unknown()),
});
export type StoreDocument = z.infer<typeof StoreDocumentSchema>;

/**
 * The document as JSON.parse gave it, once it has a store's shape: zod's copy is rebuilt by
 * assignment, which drops a "__proto__" key that JSON.parse keeps as an own field, and a
 * rewrite must keep every field.
 */
export function asStoreDocument(value: unknown): StoreDocument | null {
  return StoreDocumentSchema.safeParse(value).success ? (value as StoreDocument) : null;
}

/**
 * Whether OpenClaw sees this entry as a profile. 2026.5.7 and 2026.9.6 copy each entry into a
 * plain object (`normalized[key] = credential`): one named "__proto__" becomes that object's
 * prototype, never a profile.
 */
export const isProfileId = (profileId: string): boolean => profileId !== '__proto__';

/** The entry stored under `profileId`, never one inherited. */
export function profileEntry(document: StoreDocument, profileId: string): unknown {
  return isProfileId(profileId) && Object.hasOwn(document.profiles, profileId) ? document.profiles[profileId] : undefined;
}


export type CredentialType = 'oauth' | 'token' | 'api_key' | 'unknown';

export interface Credential {
  profileId: string;
  /** As OpenClaw normalises it for status (trimmed, lower-cased): ` OpenAI-Codex ` is `openai-codex`. */
  provider: string;
  type: CredentialType;
  access: string | null;
  refresh: string | null;
  /** Epoch ms; `null` when absent or not a positive number (OpenClaw's verdict then: `missing`). */
  expires: number | null;
  accountId: string | null;
  email: string | null;
  /**
   * What is wrong with an entry OpenClaw still lists (2026.5.7 keeps an OAuth entry whose
   * `access` is a number and judges it by `expires`), one line per field; empty when sound.
   * AuthBar shows it and never writes such an entry.
   */
  malformed: string[];
  /** The entry as OpenClaw holds it after loading, for its merge rules that compare raw values. Holds secrets. */
  raw: Readonly<Record<string, unknown>>;
  /** The entry exactly as its store holds it (no `type` taken from `mode`), where read from one. Holds secrets. */
  stored?: Readonly<Record<string, unknown>>;
}

export const CODEX_PROVIDERS = new Set(['openai-codex', 'openai']);
/** The Codex CLI's own login as OpenClaw mirrors it: OpenClaw never writes it, neither do we. */
export const CODEX_CLI_PROFILE_ID = 'openai-codex:codex-cli';

const CREDENTIAL_TYPES = new Set(['oauth', 'token', 'api_key']);

/**
 * OpenClaw's `normalizeProviderId` (2026.5.7 `src/agents/provider-id.ts`): trimmed and
 * lower-cased, with its aliases; anything but a string is "".
 */
export function normalizeProviderId(value: unknown): string {
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return PROVIDER_ALIASES[normalized] ?? normalized;
}
const PROVIDER_ALIASES: Record<string, string> = {
  modelstudio: 'qwen', qwencloud: 'qwen', 'z.ai': 'zai', 'z-ai': 'zai', 'opencode-zen': 'opencode', 'opencode-go-auth': 'opencode-go',
  'kimi-code': 'kimi', 'kimi-coding': 'kimi', bedrock: 'amazon-bedrock', 'aws-bedrock': 'amazon-bedrock', bytedance: 'volcengine', doubao: 'volcengine',
};

/**
 * OpenClaw 2026.5.7 trusts `expires` only as a positive finite number of epoch ms; absent,
 * null, 0, negative, a string or NaN all make its verdict `missing` (observed).
 */
export function normalizeExpires(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

const MALFORMED_SUFFIX: Record<string, string> = {
  access: 'OpenClaw cannot use this sign-in',
  refresh: 'OpenClaw cannot use this sign-in',
  accountId: 'OpenClaw may fail on this sign-in',
  email: 'OpenClaw may fail on this sign-in',
};

function malformedFields(raw: Record<string, unknown>): string[] {
  return Object.keys(MALFORMED_SUFFIX)
    .filter((field) => raw[field] !== undefined && typeof raw[field] !== 'string')
    .map((field) => `${field} is not a string: ${MALFORMED_SUFFIX[field]}`);
}

/** A credential from an entry already shaped as OpenClaw holds it (`type`, `provider` settled). */
/** The fields of a store entry that hold secrets: searched for in anything AuthBar shows. */
export const SECRET_FIELDS = ['access', 'refresh', 'idToken', 'key', 'token'] as const;

export function credentialFrom(profileId: string, raw: Record<string, unknown>, type: CredentialType): Credential {
  return {
    profileId,
    provider: normalizeProviderId(raw.provider),
    type,
    access: text(raw.access),
    refresh: text(raw.refresh),
    expires: normalizeExpires(raw.expires),
    accountId: text(raw.accountId),
    email: text(raw.email),
    malformed: type === 'oauth' ? malformedFields(raw) : [],
    raw,
  };
}

/**
 * One store entry as OpenClaw 2026.5.7's `parseCredentialEntry` reads it, or null where it
 * drops the entry: not an object, a `type` (or, with no `type` key, `mode`) other than
 * oauth/token/api_key, or no non-blank string `provider`. The auth-profiles.json entries have
 * no fallback provider (an entry without one is dropped, whatever its profile id says); the
 * flat legacy auth.json falls back to its key. Other fields may have any type: OpenClaw keeps
 * the entry and judges it by `expires`.
 */
export function normalizeCredential(profileId: string, value: unknown, fallbackProvider?: string): Credential | null {
  if (value === null || typeof value !== 'object') return null;
  const entry: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (!('type' in entry) && typeof entry.mode === 'string') entry.type = entry.mode;
  if (typeof entry.type !== 'string' || !CREDENTIAL_TYPES.has(entry.type)) return null;
  const provider = entry.provider ?? fallbackProvider;
  if (typeof provider !== 'string' || provider.trim() === '') return null;
  entry.provider = provider;
  return { ...credentialFrom(profileId, entry, entry.type as CredentialType), stored: value as Record<string, unknown> };
}

export function isCodexOAuth(credential: Credential): boolean {
  return credential.type === 'oauth' && CODEX_PROVIDERS.has(credential.provider);
}

/**
 * Why AuthBar must not write this entry back, or null: a malformed field, or a provider
 * spelled otherwise than OpenClaw writes it (the refresh lock and the drift rules compare it
 * as stored, so a rewrite could be read differently).
 */
export function entryNotWritable(credential: Credential): string | null {
  if (credential.malformed.length > 0) return `${credential.malformed[0]}; AuthBar does not write it`;
  if (credential.raw.provider !== credential.provider) return `its provider is written ${JSON.stringify(String(credential.raw.provider)).slice(0, 40)}, which AuthBar does not rewrite`;
  return null;
}

export const isWritableEntry = (credential: Credential): boolean => entryNotWritable(credential) === null;
