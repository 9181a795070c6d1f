// Which profiles OpenClaw 2026.5.7 uses for an agent: main's store overlaid by the agent's own,
// profile id by profile id (any credential type shadows main's), then its two repair rules
// (`mergeAuthProfileStores` → `reconcileMainStoreOAuthProfileDrift`):
// - an own `<provider>:default` OAuth profile gives way to main's newer usable profile of the
//   same identity under another id (the drift left by older logins);
// - an own OAuth profile that auth-state marks as failing on auth (cooldown/disabled reason or
//   failure counts of `auth`, `auth_permanent`, `session_expired`) and references by order or
//   lastGood gives way to main's usable one (openai-codex only).
// OpenClaw 2026.9.6 keeps the first rule (main's candidates exclude `setup.replacement` entries
// and refresh fences; providers arrive normalised) and drops the second.
// Pure, and deliberately literal: the rules compare raw stored values the way OpenClaw does.
import { type Credential, normalizeProviderId } from './credentials.ts';
import type { StoreKind, StoreRead } from './json-store.ts';

export interface LoadedEntry {
  credential: Credential;
  /** The file the entry came from (auth-profiles.json, a legacy auth.json, credentials/oauth.json). */
  path: string;
  kind: StoreKind;
}

/** OpenClaw's `coerceAuthProfileState`: order (lists of non-blank strings), lastGood, usageStats. */
export interface AuthState {
  order?: Record<string, string[]>;
  lastGood?: Record<string, unknown>;
  usageStats?: Record<string, unknown>;
}

export interface LoadedStore {
  /** Profile id → entry, in the store's own order. */
  entries: Map<string, LoadedEntry>;
  state: AuthState;
  /** Every file read for it, entries another file shadows included (their secrets are searched too). */
  sources?: StoreRead[];
}

function coerceOrder(raw: unknown): Record<string, string[]> | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const order: Record<string, string[]> = {};
  for (const [provider, value] of Object.entries(raw)) {
    if (!Array.isArray(value)) continue;
    const list = value.map((id) => (typeof id === 'string' ? id.trim() : '')).filter(Boolean);
    if (list.length > 0) order[provider] = list;
  }
  return Object.keys(order).length > 0 ? order : undefined;
}

export function coerceAuthState(raw: unknown): AuthState {
  if (!raw || typeof raw !== 'object') return {};
  const record = raw as Record<string, unknown>;
  const object = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined);
  return { order: coerceOrder(record.order), lastGood: object(record.lastGood), usageStats: object(record.usageStats) };
}

function mergeRecord<T extends object>(base: T | undefined, override: T | undefined): T | undefined {
  if (!base && !override) return undefined;
  return { ...base, ...override } as T;
}

/** A store's own state fields overlaid by its auth-state.json (OpenClaw's `loadPersistedAuthProfileStore`). */
export function mergeAuthState(base: AuthState, override: AuthState): AuthState {
  return {
    order: mergeRecord(base.order, override.order),
    lastGood: mergeRecord(base.lastGood, override.lastGood),
    usageStats: mergeRecord(base.usageStats, override.usageStats),
  };
}

const USABLE_MARGIN_MS = 5 * 60_000;
const rawOf = (entry: LoadedEntry) => entry.credential.raw;
const isOAuth = (entry: LoadedEntry | undefined) => entry?.credential.raw.type === 'oauth';
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const expiresOrZero = (entry: LoadedEntry) => (finite(rawOf(entry).expires) ? (rawOf(entry).expires as number) : 0);

const FENCE_PREFIX = 'openclaw-oauth-refresh-fence:';

/** `hasUsableOAuthCredential`: OAuth, a non-blank string access token (not a 2026.9 fence), and more than 5 minutes left. */
function isUsable(entry: LoadedEntry, now: number): boolean {
  const { type, access, expires } = rawOf(entry);
  return type === 'oauth' && typeof access === 'string' && access.trim() !== '' && !access.startsWith(FENCE_PREFIX) && finite(expires) && expires > 0 && expires - now > USABLE_MARGIN_MS;
}

function isNewerUsable(existing: LoadedEntry, candidate: LoadedEntry, now: number): boolean {
  if (!isUsable(candidate, now)) return false;
  if (!isUsable(existing, now)) return true;
  const a = rawOf(existing).expires;
  const b = rawOf(candidate).expires;
  return finite(b) && (!finite(a) || b > a);
}

// OpenClaw trims these with `value?.trim()`, which throws on a non-string (its status then
// fails as a whole); AuthBar reads a non-string as no identity.
const identityToken = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const emailToken = (value: unknown) => identityToken(value)?.toLowerCase();
const hasIdentity = (c: Readonly<Record<string, unknown>>) => identityToken(c.accountId) !== undefined || emailToken(c.email) !== undefined;

function sameIdentity(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const [accountA, accountB] = [identityToken(a.accountId), identityToken(b.accountId)];
  if (accountA !== undefined && accountB !== undefined) return accountA === accountB;
  const [emailA, emailB] = [emailToken(a.email), emailToken(b.email)];
  return emailA !== undefined && emailB !== undefined && emailA === emailB;
}

function identityConflict(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const [accountA, accountB] = [identityToken(a.accountId), identityToken(b.accountId)];
  if (accountA !== undefined && accountB !== undefined && accountA !== accountB) return true;
  const [emailA, emailB] = [emailToken(a.email), emailToken(b.email)];
  return emailA !== undefined && emailB !== undefined && emailA !== emailB;
}

const EQUIVALENCE_FIELDS = ['provider', 'access', 'refresh', 'expires', 'email', 'enterpriseUrl', 'projectId', 'accountId', 'idToken'];

/** Which OpenClaw's rules: 2026.5.7 (JSON era) or 2026.9.6 (SQLite era). */
export type MergeRules = '2026.5' | '2026.9';

/** `isSafeToAdoptMainStoreOAuthIdentity` (2026.5.7 compares the provider as stored; 2026.9.6 stores it normalised). */
function safeToAdopt(existing: LoadedEntry, incoming: LoadedEntry, rules: MergeRules): boolean {
  const a = rawOf(existing);
  const b = rawOf(incoming);
  const sameProvider = rules === '2026.5' ? a.provider === b.provider : existing.credential.provider === incoming.credential.provider;
  if (a.type !== 'oauth' || !sameProvider) return false;
  if (EQUIVALENCE_FIELDS.every((field) => a[field] === b[field])) return true;
  return !hasIdentity(a) || sameIdentity(a, b);
}

function byExpiryThenId([leftId, left]: [string, LoadedEntry], [rightId, right]: [string, LoadedEntry]): number {
  const diff = expiresOrZero(right) - expiresOrZero(left);
  return diff !== 0 ? diff : leftId.localeCompare(rightId);
}

const isSetupReplacement = (entry: LoadedEntry) => Boolean((rawOf(entry).setup as { replacement?: unknown } | undefined)?.replacement);

function replacementForDrift(base: LoadedStore, profileId: string, own: LoadedEntry, now: number, rules: MergeRules): string | undefined {
  const provider = own.credential.provider;
  const candidates = [...base.entries]
    .filter(([id, entry]) => id !== profileId && isOAuth(entry) && entry.credential.provider === provider && !(rules === '2026.9' && isSetupReplacement(entry)))
    .filter(([, entry]) => isNewerUsable(own, entry, now))
    .sort(byExpiryThenId);
  const exact = candidates.filter(([, entry]) => safeToAdopt(own, entry, rules));
  if (exact.length > 0) return !hasIdentity(rawOf(own)) && exact.length > 1 ? undefined : exact[0]![0];
  if (isUsable(own, now)) return undefined;
  const fallback = candidates.filter(([, entry]) => !identityConflict(rawOf(own), rawOf(entry)));
  return fallback.length === 1 ? fallback[0]![0] : undefined;
}

const INVALIDATION_REASONS = new Set(['auth', 'auth_permanent', 'session_expired']);

function hasInvalidationSignal(stats: unknown): boolean {
  if (!stats) return false;
  const s = stats as Record<string, unknown>;
  if ((s.cooldownReason && INVALIDATION_REASONS.has(s.cooldownReason as string)) || (s.disabledReason && INVALIDATION_REASONS.has(s.disabledReason as string))) return true;
  return Object.entries((s.failureCounts ?? {}) as object).some(([reason, count]) => INVALIDATION_REASONS.has(reason) && typeof count === 'number' && count > 0);
}

function referencedByState(state: AuthState, profileId: string): boolean {
  return Object.values(state.order ?? {}).some((ids) => ids.includes(profileId)) || Object.values(state.lastGood ?? {}).some((id) => id === profileId);
}

function providerValue<T>(values: Record<string, T> | undefined, provider: string): T | undefined {
  for (const [key, value] of Object.entries(values ?? {})) if (normalizeProviderId(key) === provider) return value;
  return undefined;
}

function replacementForInvalidated(base: LoadedStore, override: LoadedStore, profileId: string, own: LoadedEntry, now: number): string | undefined {
  const provider = own.credential.provider;
  if (provider !== 'openai-codex' || !referencedByState(override.state, profileId) || !hasInvalidationSignal(override.state.usageStats?.[profileId])) return undefined;
  const candidates = [...base.entries]
    .filter(([id, entry]) => id !== profileId && isOAuth(entry) && entry.credential.provider === provider && isUsable(entry, now))
    .sort(byExpiryThenId);
  if (candidates.length === 0) return undefined;
  const ids = new Set(candidates.map(([id]) => id));
  const ordered = providerValue(base.state.order, provider)?.find((id) => ids.has(id));
  if (ordered) return ordered;
  const lastGood = providerValue(base.state.lastGood, provider);
  if (typeof lastGood === 'string' && ids.has(lastGood)) return lastGood;
  return candidates.length === 1 ? candidates[0]![0] : undefined;
}

export interface MergedEntry {
  entry: LoadedEntry;
  /** `main`: the entry comes from the store every agent inherits from. */
  from: 'own' | 'main';
}

/** The profiles OpenClaw uses for an agent whose own store is `override`. */
export function mergeStores(base: LoadedStore, override: LoadedStore, now: number, rules: MergeRules = '2026.5'): Map<string, MergedEntry> {
  const fromBase = (entry: LoadedEntry): MergedEntry => ({ entry, from: 'main' });
  const merged = new Map<string, MergedEntry>([...base.entries].map(([id, entry]) => [id, fromBase(entry)]));
  const { order, lastGood, usageStats } = override.state;
  if (override.entries.size === 0 && !order && !lastGood && !usageStats) return merged;
  for (const [id, entry] of override.entries) merged.set(id, { entry, from: 'own' });

  const replacements = new Map<string, string>();
  for (const [profileId, own] of override.entries) {
    if (!isOAuth(own)) continue;
    const isLegacyDefault = profileId === `${own.credential.provider}:default`;
    const replacement = isLegacyDefault
      ? replacementForDrift(base, profileId, own, now, rules)
      : rules === '2026.5' ? replacementForInvalidated(base, override, profileId, own, now) : undefined;
    if (replacement) replacements.set(profileId, replacement);
  }
  for (const [legacyId, replacementId] of replacements) {
    const baseEntry = base.entries.get(legacyId);
    if (baseEntry) merged.set(legacyId, fromBase(baseEntry));
    else merged.delete(legacyId);
    const baseReplacement = base.entries.get(replacementId);
    const current = merged.get(replacementId)?.entry;
    if (baseReplacement && (!current || (isOAuth(current) && isOAuth(baseReplacement) && isNewerUsable(current, baseReplacement, now)))) {
      merged.set(replacementId, fromBase(baseReplacement));
    }
  }
  return merged;
}
