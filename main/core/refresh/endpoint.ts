// Which token endpoint refresh tokens go to, said wherever AuthBar reports anything: a refresh
// token sent anywhere but OpenAI's endpoint is handed to whoever runs it. AUTHBAR_TOKEN_URL
// exists for tests and proxies; set in a shell profile by someone else, it would be invisible.
// Kept apart from token-client.ts so `status` can say it without loading an HTTP client.
import type { Env } from '../openclaw/paths.ts';

export const CODEX_TOKEN_URL = 'https://auth.openai.com/oauth/token';

/** Plain http is allowed only to these hosts. Here, not in token-client.ts: importing that loads undici. */
export const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/;

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
