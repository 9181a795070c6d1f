// Every Codex OAuth credential in every readable store (a "copy"), and which copy each
// agent actually uses: its own profiles overlaid on main's, profile id by profile id
// (../shared/openclaw-auth.md §1). Pure: works on a Scan.
import { readAccessTokenClaims } from './jwt.ts';
import { type Credential, isCodexOAuth } from './openclaw/credentials.ts';
import type { StoreKind, StoreRead } from './openclaw/json-store.ts';
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
  /** The stored `accountId`, else the access token's `chatgpt_account_id` claim. */
  accountId: string | null;
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

function copiesOf(read: StoreRead, holder: string, holderConfigured: boolean, writable: boolean): CredentialCopy[] {
  if (read.state !== 'ok') return [];
  return read.credentials.filter(isCodexOAuth).map((credential) => {
    // The token's own claims matter only when the store lacks an account or an expiry.
    const claims = credential.accountId === null || credential.expires === null ? readAccessTokenClaims(credential.access) : { accountId: null, expiresAt: null };
    return {
      key: copyKey(read.path, credential.profileId),
      storePath: read.path,
      storeKind: read.kind,
      holder,
      holderConfigured,
      credential,
      accountId: credential.accountId ?? claims.accountId,
      jwtExpiresAt: claims.expiresAt,
      fence: fenceOf(credential),
      writable,
    };
  });
}

/** Image generation's Codex path: any `openai-codex` profile (2026.5), an `openai` OAuth one (2026.9). */
function hasCodexProfile(read: StoreRead): boolean {
  return read.state === 'ok' && read.credentials.some((c) => c.provider === 'openai-codex' || (c.provider === 'openai' && c.type === 'oauth'));
}

const USABLE_MARGIN_MS = 5 * 60_000;

function identity(copy: CredentialCopy): string | null {
  return copy.accountId ?? copy.credential.email;
}

/**
 * OpenClaw 2026.5.7 (`reconcileMainStoreOAuthProfileDrift`, observed): an agent's own
 * `<provider>:default` OAuth profile is hidden when main holds a usable, newer profile of the
 * same identity under another id; main's `:default` (if any) shows instead.
 */
function hiddenByMainDrift(own: CredentialCopy, mainCopies: CredentialCopy[], now: number): boolean {
  const { provider, profileId, expires } = own.credential;
  if (profileId !== `${provider}:default`) return false;
  return mainCopies.some((m) =>
    m.credential.provider === provider &&
    m.credential.profileId !== profileId &&
    m.credential.access !== null &&
    (m.credential.expires ?? 0) > now + USABLE_MARGIN_MS &&
    (identity(own) === null || identity(own) === identity(m)) &&
    (m.credential.expires ?? 0) > (expires ?? 0));
}

export function buildInventory(scan: Scan, now: number): Inventory {
  const mainHolder = scan.agents.find((agent) => agent.store === scan.mainStore || agent.agentDir === scan.mainAgentDir);
  const mainCopies = copiesOf(scan.mainStore, mainHolder?.id ?? MAIN_AGENT_ID, mainHolder?.configured ?? true, scan.readOnlyReason === null);
  const copies: CredentialCopy[] = [...mainCopies];
  const effective = new Map<string, EffectiveProfile[]>();
  const hasAnyCodexProfile = new Map<string, boolean>();

  for (const agent of scan.agents) {
    const usesMainStore = agent.store === scan.mainStore || agent.agentDir === scan.mainAgentDir;
    const own = usesMainStore ? mainCopies : copiesOf(agent.store, agent.id, agent.configured, agent.writable);
    if (!usesMainStore) copies.push(...own);
    // 2026.5's drift rule; 2026.9 shows an agent's own profile even when older or fenced (observed).
    const shown = usesMainStore || !agent.configured || scan.era === 'sqlite' ? own : own.filter((copy) => !hiddenByMainDrift(copy, mainCopies, now));
    const ownIds = new Set(shown.map((copy) => copy.credential.profileId));
    const profiles: EffectiveProfile[] = shown.map((copy) => ({ copy, source: 'own' }));
    // A directory-only agent is not run by OpenClaw: only its own copies matter.
    if (!usesMainStore && agent.configured) {
      for (const copy of mainCopies) {
        if (!ownIds.has(copy.credential.profileId)) profiles.push({ copy, source: 'main' });
      }
    }
    effective.set(agent.id, profiles);
    hasAnyCodexProfile.set(agent.id, hasCodexProfile(agent.store) || (agent.configured && hasCodexProfile(scan.mainStore)));
  }
  return { copies, effective, hasAnyCodexProfile };
}
