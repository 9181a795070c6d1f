// The shapes inside an OpenClaw auth store (../shared/openclaw-auth.md §2, §6).
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

/** The flat legacy `auth.json`: `{ "<provider>": credential }`. Read, never written. */
export const LegacyDocumentSchema = z.record(z.string(), z.unknown());

export type CredentialType = 'oauth' | 'token' | 'api_key' | 'unknown';

export interface Credential {
  profileId: string;
  provider: string;
  type: CredentialType;
  access: string | null;
  refresh: string | null;
  /** Epoch ms; `null` when absent or not a positive number (OpenClaw's verdict then: `missing`). */
  expires: number | null;
  accountId: string | null;
  email: string | null;
}

export const CODEX_PROVIDERS = new Set(['openai-codex', 'openai']);
/** The Codex CLI's own login as OpenClaw mirrors it: OpenClaw never writes it, neither do we. */
export const CODEX_CLI_PROFILE_ID = 'openai-codex:codex-cli';

interface RawCredential {
  type?: string;
  /** Older stores say `mode` instead of `type`. */
  mode?: string;
  provider?: string;
  access?: string;
  refresh?: string;
  expires?: unknown;
  accountId?: string;
  email?: string;
}

const STRING_FIELDS = ['type', 'mode', 'provider', 'access', 'refresh', 'accountId', 'email'] as const;

/** An object whose known fields have the right types (others pass through untouched), or null. */
function asRawCredential(value: unknown): RawCredential | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    if (raw[field] !== undefined && typeof raw[field] !== 'string') return null;
  }
  return raw as RawCredential;
}

function normalizeType(raw: RawCredential): CredentialType {
  const type = raw.type ?? raw.mode;
  if (type === 'oauth' || type === 'token' || type === 'api_key') return type;
  return 'unknown';
}

/**
 * OpenClaw 2026.5.7 trusts `expires` only as a positive finite number of epoch ms; absent,
 * null, 0, negative, a string or NaN all make its verdict `missing` (observed).
 */
export function normalizeExpires(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function text(value: string | undefined): string | null {
  return value !== undefined && value !== '' ? value : null;
}

export function normalizeCredential(profileId: string, value: unknown): Credential | null {
  const raw = asRawCredential(value);
  if (!raw) return null;
  const provider = raw.provider ?? profileId.split(':')[0] ?? '';
  return {
    profileId,
    provider,
    type: normalizeType(raw),
    access: text(raw.access),
    refresh: text(raw.refresh),
    expires: normalizeExpires(raw.expires),
    accountId: text(raw.accountId),
    email: text(raw.email),
  };
}

export function isCodexOAuth(credential: Credential): boolean {
  return credential.type === 'oauth' && CODEX_PROVIDERS.has(credential.provider);
}
