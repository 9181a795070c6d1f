// Every Codex OAuth credential in every readable store (a "copy"), and which copy each
// agent actually uses: its own profiles overlaid on main's, profile id by profile id, with
// OpenClaw's own repair rules (./openclaw/merge.ts). Pure: works on a Scan.
import { readAccessTokenClaims } from './jwt.ts';
import { crypto } from './lazy-crypto.ts';
import { cleanText } from './clean-text.ts';
import { apartFrom, carriersOf } from './secret-parts.ts';
import { type Credential, isCodexOAuth, isWritableEntry, SECRET_FIELDS } from './openclaw/credentials.ts';
import type { StoreKind, StoreRead } from './openclaw/json-store.ts';
import { type LoadedEntry, type LoadedStore, mergeStores } from './openclaw/merge.ts';
import { MAIN_AGENT_ID } from './openclaw/paths.ts';
import type { Scan } from './scan.ts';

/** One Codex OAuth profile in one store. Holds secrets: never serialize it. */
export interface CredentialCopy {
  /** `<storePath>\0<profileId>`: stable across scans. */
  key: string;
  storePath: string;
  storeKind: StoreKind;
  /** The agent whose directory holds the store. */
  holder: string;
  holderConfigured: boolean;
  credential: Credential;
  /** The stored `accountId`, else the access token's `chatgpt_account_id` claim: what decides, never shown. */
  accountId: string | null;
  /** The account id as shown (shownText; none when it carries part of a token): display only. */
  shownAccountId: string | null;
  /** The stored email as shown (shownText; none when it carries part of a token): display only. */
  email: string | null;
  /** The access token's own `exp`, shown beside a missing `expires`. */
  jwtExpiresAt: number | null;
  /** OpenClaw 2026.9's refresh fence in place of the tokens: `pending` while it refreshes. */
  fence: 'pending' | 'failed' | null;
  /** AuthBar may write this copy's store (its layout is one the tests cover). */
  writable: boolean;
}

/** `openclaw-oauth-refresh-fence:v1:<claim>:[failed:]<access|refresh>:<sha256>` (OpenClaw 2026.9.6). */
const FENCE = /^openclaw-oauth-refresh-fence:v1:([0-9a-f]{32}):(failed:)?(access|refresh):[0-9a-f]{64}$/;

/**
 * OpenClaw 2026.9 replaces both tokens with a fence while it refreshes (`pending`) and after a
 * refresh failed (`failed`). Both tokens must be fences of one claim and agree on `failed:`,
 * with `expires` exactly 1; anything else is an ordinary (expired) credential, as OpenClaw says.
 */
export function fenceOf(credential: Credential): CredentialCopy['fence'] {
  const access = FENCE.exec(credential.access ?? '');
  const refresh = FENCE.exec(credential.refresh ?? '');
  if (!access || !refresh || access[3] !== 'access' || refresh[3] !== 'refresh') return null;
  if (access[1] !== refresh[1] || Boolean(access[2]) !== Boolean(refresh[2]) || credential.expires !== 1) return null;
  return access[2] ? 'failed' : 'pending';
}

/**
 * Whether `credential` is OpenClaw's fence over the refresh token `oldRefresh`: its refresh
 * digest is OpenClaw 2026.9.6's `buildOAuthRefreshSecretDigest` of that token (sha256 of
 * `["openclaw.oauth-refresh-generation", 1, profileId, provider, "refresh", token]` as JSON),
 * so the fence stands where that token stood (OpenClaw was refreshing it, or failed to).
 */
export function fenceReplaces(credential: Credential, oldRefresh: string): boolean {
  if (fenceOf(credential) === null) return false;
  const digest = crypto()
    .createHash('sha256')
    .update(JSON.stringify(['openclaw.oauth-refresh-generation', 1, credential.profileId, credential.raw.provider, 'refresh', oldRefresh]))
    .digest('hex');
  return credential.refresh!.endsWith(`:refresh:${digest}`);
}

export interface EffectiveProfile {
  copy: CredentialCopy;
  source: 'own' | 'main';
}

export interface Inventory {
  copies: CredentialCopy[];
  /** Agent id → the Codex profiles OpenClaw would use for it. */
  effective: Map<string, EffectiveProfile[]>;
  /** Agent id → its effective store holds an `openai-codex` profile of any type (image generation's Codex path). */
  hasAnyCodexProfile: Map<string, boolean>;
}

export function copyKey(storePath: string, profileId: string): string {
  return `${storePath}\0${profileId}`;
}

/**
 * A store's own text as shown: controls, escapes and bidi marks removed (`\u202emoc.nimda@eci`
 * would be drawn as another address), and none at all past `max` characters (320: the longest
 * address SMTP allows). The panel and the terminal get nothing else.
 */
function shownText(value: string | null, max: number): string | null {
  if (value === null || value.length > max) return null;
  return cleanText(value, max + 1) || null;
}

function copyOf(credential: Credential, storePath: string, storeKind: StoreKind, holder: string, holderConfigured: boolean, writable: boolean): CredentialCopy {
  // The token's own claims matter only when the store lacks an account or an expiry.
  const tokens = [credential.access, credential.refresh];
  // A stored account id that carries part of a token is no account id (and is never shown).
  const stored = apartFrom(credential.accountId, tokens);
  const claims = stored === null || credential.expires === null ? readAccessTokenClaims(credential.access, [credential.refresh]) : { accountId: null, expiresAt: null };
  return {
    key: copyKey(storePath, credential.profileId),
    storePath,
    storeKind,
    holder,
    holderConfigured,
    credential,
    accountId: stored ?? claims.accountId,
    shownAccountId: shownText(stored ?? claims.accountId, 200),
    // (Checked against every secret of the scan, its own included, by withoutTokenText.)
    email: shownText(credential.email, 320),
    jwtExpiresAt: claims.expiresAt,
    fence: fenceOf(credential),
    // Never write an entry OpenClaw reads differently than a rewrite would leave it.
    writable: writable && isWritableEntry(credential),
  };
}

function copiesOf(read: StoreRead, holder: string, holderConfigured: boolean, writable: boolean): CredentialCopy[] {
  if (read.state !== 'ok') return [];
  return read.credentials.filter(isCodexOAuth).map((credential) => copyOf(credential, read.path, read.kind, holder, holderConfigured, writable));
}

/** Image generation's Codex path: any `openai-codex` profile (2026.5), an `openai` OAuth one (2026.9). */
const isCodexProvided = (c: Credential) => c.provider === 'openai-codex' || (c.provider === 'openai' && c.type === 'oauth');

function hasCodexProfile(read: StoreRead): boolean {
  return read.state === 'ok' && read.credentials.some(isCodexProvided);
}

/** OpenClaw's own listing order (`buildAuthHealthSummary`): provider, then profile id. */
function byProviderThenId(a: EffectiveProfile, b: EffectiveProfile): number {
  const [x, y] = [a.copy.credential, b.copy.credential];
  return x.provider !== y.provider ? x.provider.localeCompare(y.provider) : x.profileId.localeCompare(y.profileId);
}

/**
 * JSON era: OpenClaw 2026.5.7's own merge (./openclaw/merge.ts) decides what each agent uses;
 * every Codex OAuth entry of every loaded store is a copy, listed or not (stranding needs them).
 */
function buildJsonEraInventory(scan: Scan, now: number): Inventory {
  const empty: LoadedStore = { entries: new Map(), state: {} };
  const mainLoaded = scan.mainLoaded ?? empty;
  const readOnlyPaths = new Set([scan.mainStore, ...scan.agents.map((a) => a.store)].flatMap((read) => (read.state === 'ok' && read.readOnly ? [read.path] : [])));
  const copies = new Map<string, CredentialCopy>();
  const copyFor = (entry: LoadedEntry, holder: string, holderConfigured: boolean): CredentialCopy => {
    const key = copyKey(entry.path, entry.credential.profileId);
    let copy = copies.get(key);
    if (!copy) copies.set(key, (copy = copyOf(entry.credential, entry.path, entry.kind, holder, holderConfigured, entry.kind === 'json' && !readOnlyPaths.has(entry.path))));
    return copy;
  };
  const codexEntries = (loaded: LoadedStore) => [...loaded.entries.values()].filter((e) => isCodexOAuth(e.credential));
  const mainHolder = scan.agents.find((agent) => agent.store === scan.mainStore || agent.agentDir === scan.mainAgentDir);
  for (const entry of codexEntries(mainLoaded)) copyFor(entry, mainHolder?.id ?? MAIN_AGENT_ID, mainHolder?.configured ?? true);

  const effective = new Map<string, EffectiveProfile[]>();
  const hasAnyCodexProfile = new Map<string, boolean>();
  const hasCodex = (loaded: LoadedStore) => [...loaded.entries.values()].some((e) => isCodexProvided(e.credential));
  for (const agent of scan.agents) {
    const own = agent.loaded ?? empty;
    const usesMainStore = agent.store === scan.mainStore || agent.agentDir === scan.mainAgentDir;
    for (const entry of codexEntries(own)) copyFor(entry, agent.id, agent.configured);
    // A directory-only agent is not run by OpenClaw: only its own copies matter.
    const merged = usesMainStore || !agent.configured
      ? [...own.entries.values()].map((entry) => ({ entry, from: 'own' as const }))
      : [...mergeStores(mainLoaded, own, now).values()];
    const profiles = merged
      .filter(({ entry }) => isCodexOAuth(entry.credential))
      .map(({ entry, from }) => ({ copy: copyFor(entry, from === 'main' ? (mainHolder?.id ?? MAIN_AGENT_ID) : agent.id, agent.configured), source: from }))
      .sort(byProviderThenId);
    effective.set(agent.id, profiles);
    hasAnyCodexProfile.set(agent.id, hasCodex(own) || (agent.configured && hasCodex(mainLoaded)));
  }
  return { copies: [...copies.values()], effective, hasAnyCodexProfile };
}

/** A store read as a loaded store (SQLite era: the state rows play no part in what is listed). */
function loadedOf(read: StoreRead): LoadedStore {
  const entries = new Map<string, LoadedEntry>();
  if (read.state === 'ok') for (const credential of read.credentials) entries.set(credential.profileId, { credential, path: read.path, kind: read.kind });
  return { entries, state: {} };
}

export function buildInventory(scan: Scan, now: number): Inventory {
  return withoutTokenText(scan, scan.era === 'json' ? buildJsonEraInventory(scan, now) : buildSqliteEraInventory(scan, now));
}

/** Every secret a store entry holds: OAuth tokens (and an ID token), an API key or static token. */
const secretsOf = (c: Credential): unknown[] => [c.access, c.refresh, ...SECRET_FIELDS.map((field) => c.raw[field])];

/**
 * A stored account id carrying another file's secret is no account id, as one carrying the
 * copy's own is (copyOf): the access token's claim stands in, unless it carries one too.
 */
function withClaimedAccount(copy: CredentialCopy, tokens: ReadonlySet<string>): void {
  const claimed = readAccessTokenClaims(copy.credential.access, [copy.credential.refresh]).accountId;
  const shown = shownText(claimed, 200);
  const carriers = claimed === null ? new Set<string>() : carriersOf([claimed, shown], [...tokens]);
  const ok = claimed !== null && claimed !== copy.accountId && !carriers.has(claimed) && !(shown !== null && carriers.has(shown));
  copy.accountId = ok ? claimed : null;
  copy.shownAccountId = ok ? shown : null;
}

/**
 * What a copy shows (its email, account id, profile id) never carries part of a secret anywhere
 * in the scan: a store's text may hold another store's token, pasted into the wrong field. Every
 * secret of every file read is searched (stores, legacy files, credentials/oauth.json), long JWTs
 * included, in one pass (`carriersOf`). A copy whose profile id carries one is not listed at
 * all: its id is how it would be shown.
 */
function withoutTokenText(scan: Scan, inventory: Inventory): Inventory {
  const credentials: Credential[] = inventory.copies.map((copy) => copy.credential);
  const reads = [scan.mainStore, ...scan.agents.map((a) => a.store)];
  for (const loaded of [scan.mainLoaded, ...scan.agents.map((a) => a.loaded)]) {
    for (const entry of loaded?.entries.values() ?? []) credentials.push(entry.credential);
    reads.push(...(loaded?.sources ?? []));
  }
  const tokens = new Set<string>();
  for (const read of reads) {
    if (read.state !== 'ok') continue;
    credentials.push(...read.credentials);
    for (const secret of read.droppedSecrets ?? []) tokens.add(secret);
  }
  for (const credential of credentials) for (const secret of secretsOf(credential)) if (typeof secret === 'string') tokens.add(secret);
  if (scan.config.ok) for (const secret of scan.config.config.secrets) tokens.add(secret);
  // A profile id is shown cleaned on a terminal: a mark inside a token's run would vanish there.
  const shownId = (copy: CredentialCopy) => [copy.credential.profileId, cleanText(copy.credential.profileId, Number.MAX_SAFE_INTEGER)];
  // Profile ids first: a long value past carriersOf's bounds counts as a carrier, and a hidden id
  // hides its copy, where an email or account id is only left out.
  // An email is checked as stored and as shown (cleaned), as the profile id is.
  const shownEmail = (copy: CredentialCopy) => [copy.email, copy.credential.email];
  // The account id as used, not only as shown: it keys usage.json and goes out as ChatGPT-Account-Id.
  const accountIds = (copy: CredentialCopy) => [copy.accountId, copy.shownAccountId];
  const shown = [...inventory.copies.flatMap(shownId), ...inventory.copies.flatMap((copy) => [...accountIds(copy), ...shownEmail(copy)])];
  const carriers = carriersOf(shown, [...tokens]);
  if (carriers.size === 0) return inventory;
  const carries = (value: string | null) => value !== null && carriers.has(value);
  for (const copy of inventory.copies) {
    if (shownEmail(copy).some(carries)) copy.email = null;
    if (accountIds(copy).some(carries)) withClaimedAccount(copy, tokens);
  }
  const hidden = new Set(inventory.copies.filter((copy) => shownId(copy).some(carries)));
  if (hidden.size === 0) return inventory;
  return {
    copies: inventory.copies.filter((copy) => !hidden.has(copy)),
    effective: new Map([...inventory.effective].map(([id, profiles]) => [id, profiles.filter((p) => !hidden.has(p.copy))])),
    hasAnyCodexProfile: inventory.hasAnyCodexProfile,
  };
}

function buildSqliteEraInventory(scan: Scan, now: number): Inventory {
  const mainHolder = scan.agents.find((agent) => agent.store === scan.mainStore || agent.agentDir === scan.mainAgentDir);
  const mainCopies = copiesOf(scan.mainStore, mainHolder?.id ?? MAIN_AGENT_ID, mainHolder?.configured ?? true, scan.readOnlyReason === null);
  const mainLoaded = loadedOf(scan.mainStore);
  const copies: CredentialCopy[] = [...mainCopies];
  const effective = new Map<string, EffectiveProfile[]>();
  const hasAnyCodexProfile = new Map<string, boolean>();

  for (const agent of scan.agents) {
    const usesMainStore = agent.store === scan.mainStore || agent.agentDir === scan.mainAgentDir;
    const own = usesMainStore ? mainCopies : copiesOf(agent.store, agent.id, agent.configured, agent.writable);
    if (!usesMainStore) copies.push(...own);
    let profiles: EffectiveProfile[] = own.map((copy) => ({ copy, source: 'own' }));
    if (!usesMainStore && agent.configured) {
      // 2026.9.6 merges as 2026.5.7 did, keeping only the drift rule: an own profile (even an
      // older or fenced one) shadows main's of the same id.
      const byKey = new Map([...mainCopies, ...own].map((copy) => [copy.key, copy]));
      profiles = [...mergeStores(mainLoaded, loadedOf(agent.store), now, '2026.9').values()]
        .flatMap(({ entry, from }) => {
          const copy = byKey.get(copyKey(entry.path, entry.credential.profileId));
          return copy ? [{ copy, source: from }] : [];
        })
        .sort(byProviderThenId);
    }
    effective.set(agent.id, profiles);
    hasAnyCodexProfile.set(agent.id, hasCodexProfile(agent.store) || (agent.configured && hasCodexProfile(scan.mainStore)));
  }
  return { copies, effective, hasAnyCodexProfile };
}
