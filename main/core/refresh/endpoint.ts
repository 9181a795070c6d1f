// Which endpoints tokens go to, said wherever AuthBar reports anything: a refresh token (or an
// access token, to the usage endpoint) sent anywhere but OpenAI's is handed to whoever runs it.
// AUTHBAR_TOKEN_URL and AUTHBAR_USAGE_URL exist for tests and proxies; set in a shell profile by
// someone else, they would be invisible.
// Kept apart from token-client.ts so `status` can say it without loading an HTTP client.
import type { Env } from '../openclaw/paths.ts';

export const CODEX_TOKEN_URL = 'https://auth.openai.com/oauth/token';
/** Where the Codex CLI (and OpenClaw 2026.5.7) asks a plan's usage windows. */
export const WHAM_USAGE_URL = 'https://chatgpt.com/backend-api/wham/usage';

/**
 * How long one token request may take, unless AUTHBAR_TOKEN_TIMEOUT_MS says otherwise: well
 * under OpenClaw's own 120 s per refresh call, and under its 180 s refresh-lock staleness.
 */
export const DEFAULT_TOKEN_TIMEOUT_MS = 30_000;

/** One token request's bound, from the environment (here, not in token-client.ts: the app's quit reads it too). */
export function tokenTimeoutMs(env: Env): number {
  const timeout = Number(env.AUTHBAR_TOKEN_TIMEOUT_MS);
  return Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TOKEN_TIMEOUT_MS;
}

/** Plain http is allowed only to these hosts. Here, not in token-client.ts: importing that loads undici. */
export const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/;

/**
 * The endpoint in `env[name]` (tests, proxies), else `official`: https, or plain http on a
 * loopback address only, so a token never crosses a network in clear.
 */
export function checkedEndpointUrl(env: Env, name: 'AUTHBAR_TOKEN_URL' | 'AUTHBAR_USAGE_URL', official: string): string {
  const raw = env[name]?.trim() || official;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} "${raw}" is not a URL; unset it to use ${official}`);
  }
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname)))) {
    throw new Error(`${name} must be https:// or http:// on a loopback address, not ${url.protocol}//${url.host}; unset it to use ${official}`);
  }
  return url.toString();
}

/** A one-line warning when AUTHBAR_TOKEN_URL points elsewhere; null for the official endpoint. */
export function tokenEndpointWarning(env: Env): string | null {
  return elsewhere(env, 'AUTHBAR_TOKEN_URL', CODEX_TOKEN_URL, 'refresh tokens');
}

/**
 * The same for AUTHBAR_USAGE_URL: the plan's usage is asked with each sign-in's access token,
 * which is as good as the sign-in until it expires.
 */
export function usageEndpointWarning(env: Env): string | null {
  return elsewhere(env, 'AUTHBAR_USAGE_URL', WHAM_USAGE_URL, 'access tokens');
}

/** Both warnings, in the order AuthBar reports them. */
export function endpointWarnings(env: Env): string[] {
  return [tokenEndpointWarning(env), usageEndpointWarning(env)].filter((w): w is string => w !== null);
}

function elsewhere(env: Env, name: 'AUTHBAR_TOKEN_URL' | 'AUTHBAR_USAGE_URL', official: string, what: string): string | null {
  const raw = env[name]?.trim();
  if (!raw || raw === official) return null;
  let shown: string;
  try {
    const url = new URL(raw);
    // Never echo credentials or a query that may be in the URL: scheme, host and path only.
    shown = `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    shown = 'a value that is not a URL';
  }
  if (shown === official) return null;
  return `${what} go to ${shown}, not to OpenAI's ${official} (${name} is set); unset it unless you run that endpoint`;
}
