// Test credentials that look like the real thing: an unsigned JWT access token carrying
// `exp` and the ChatGPT account claim, and random refresh tokens. Every token is unique
// and recognisable, so leak tests can grep every output for them.
import { randomBytes } from 'node:crypto';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * OpenClaw 2026.5.7 decodes the payload with atob, which throws on base64url's `-` and `_`
 * (and then drops the refreshed credential): pad the claims until the payload has neither.
 */
export function accessToken(accountId: string | null, expiresAtMs: number): string {
  const claims: Record<string, unknown> = { exp: Math.floor(expiresAtMs / 1000), iat: Math.floor(Date.now() / 1000) };
  if (accountId) claims['https://api.openai.com/auth'] = { chatgpt_account_id: accountId };
  let payload = b64(claims);
  for (let pad = 0; /[-_]/.test(payload); pad++) payload = b64({ ...claims, pad: 'x'.repeat(pad) });
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.${randomBytes(24).toString('base64url')}`;
}

export function refreshToken(): string {
  return `rt_${randomBytes(24).toString('hex')}`;
}

export interface CodexCredentialOptions {
  accountId?: string | null;
  email?: string;
  expiresInMs?: number | null;
  refresh?: string;
  access?: string;
  extra?: Record<string, unknown>;
}

/** A Codex OAuth credential as OpenClaw 2026.5.x stores it. */
export function codexCredential(options: CodexCredentialOptions = {}, now = Date.now()) {
  const accountId = options.accountId === undefined ? 'acct-default' : options.accountId;
  const expiresInMs = options.expiresInMs === undefined ? 3 * 86_400_000 : options.expiresInMs;
  const expires = expiresInMs === null ? undefined : now + expiresInMs;
  return {
    type: 'oauth',
    provider: 'openai-codex',
    access: options.access ?? accessToken(accountId, expires ?? now + 3600_000),
    refresh: options.refresh ?? refreshToken(),
    ...(expires === undefined ? {} : { expires }),
    ...(accountId ? { accountId } : {}),
    ...(options.email ? { email: options.email } : {}),
    ...options.extra,
  };
}

/** Every secret in a store document, for leak checks. */
export function secretsIn(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string' && (key === 'access' || key === 'refresh' || key === 'key' || key === 'token')) found.push(v);
    else if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(child, k);
  };
  walk(value);
  return found;
}
