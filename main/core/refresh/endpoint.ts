// Which token endpoint refresh tokens go to, said wherever AuthBar reports anything: a refresh
// token sent anywhere but OpenAI's endpoint is handed to whoever runs it. AUTHBAR_TOKEN_URL
// exists for tests and proxies; set in a shell profile by someone else, it would be invisible.
// Kept apart from token-client.ts so `status` can say it without loading an HTTP client.
import type { Env } from '../openclaw/paths.ts';

export const CODEX_TOKEN_URL = 'https://auth.openai.com/oauth/token';

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
  const raw = env.AUTHBAR_TOKEN_URL?.trim();
  if (!raw || raw === CODEX_TOKEN_URL) return null;
  let shown: string;
  try {
    const url = new URL(raw);
    // Never echo credentials or a query that may be in the URL: scheme, host and path only.
    shown = `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    shown = 'a value that is not a URL';
  }
  if (shown === CODEX_TOKEN_URL) return null;
  return `refresh tokens go to ${shown}, not to OpenAI's ${CODEX_TOKEN_URL} (AUTHBAR_TOKEN_URL is set); unset it unless you run that endpoint`;
}
