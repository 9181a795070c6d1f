// One `wham/usage` request for one sign-in, and what its answer means (./wham.ts). The request
// is the only I/O here and `fetch` is injected; a test points `AUTHBAR_USAGE_URL` at a loopback
// stand-in. The access token goes in the Authorization header and nowhere else: not in a
// cause, not in a log, not in the cache.
import type { Env } from '../openclaw/paths.ts';
// From endpoint.ts, not token-client.ts: that one loads undici, a third of `status`'s CPU (--cpu-prof).
import { checkedEndpointUrl, WHAM_USAGE_URL } from '../refresh/endpoint.ts';
import { MIN_INTERVAL_MS } from './schedule.ts';
import type { UsageError } from './schema.ts';
import { type UsageCredential, unusableCredential } from './credential.ts';
import { type ParsedUsage, parseUsageResponse, WHAM_BACKOFF } from './wham.ts';
import { textWithin, TooLarge } from '../bounded-body.ts';

/** Longer than OpenClaw's 3 s: a CLI on a loaded laptop should not call a slow answer an error. */
export const DEFAULT_USAGE_TIMEOUT_MS = 10_000;
/** Ceiling of the doubling back-off after repeated 429 / 5xx / network failures. */
export const MAX_TRANSIENT_BACKOFF_MS = 60 * 60_000;

export interface UsageEndpoint {
  url: string;
  timeoutMs: number;
}

/**
 * `AUTHBAR_USAGE_URL` points AuthBar at another usage endpoint (tests, proxies), under the rule
 * `AUTHBAR_TOKEN_URL` follows: https, or plain http on a loopback address only, so an access
 * token never crosses a network in clear.
 */
export function usageEndpointFrom(env: Env): UsageEndpoint {
  const url = checkedEndpointUrl(env, 'AUTHBAR_USAGE_URL', WHAM_USAGE_URL);
  const timeout = Number(env.AUTHBAR_USAGE_TIMEOUT_MS);
  return { url, timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_USAGE_TIMEOUT_MS };
}

export type { UsageCredential };
export { unusableCredential };

export type UsageResult = { ok: true; usage: ParsedUsage } | { ok: false; error: UsageError };

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; signal: AbortSignal }) => Promise<{ status: number; body?: AsyncIterable<Uint8Array> | null; text(): Promise<string> }>;

export interface FetchUsageOptions {
  endpoint: UsageEndpoint;
  now: number;
  fetch?: FetchLike;
  /** 0..1; the jitter of a transient back-off. */
  random?: () => number;
  /** Transient failures in a row before this one (the back-off doubles with each). */
  failuresBefore?: number;
  /** The command that refreshes this sign-in, for the "token expired" fix. */
  refreshCommand?: string;
  /** The command that signs in again, for 401 / 403. */
  loginCommand?: string;
}

/** 429 / 5xx / network: 5 min doubling per failure in a row, capped at 1 h, ±20 % jitter. */
export function transientBackoffMs(failuresBefore: number, random: () => number): number {
  const base = Math.min(MIN_INTERVAL_MS * 2 ** Math.max(0, failuresBefore), MAX_TRANSIENT_BACKOFF_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

let defaultFetch: FetchLike | null = null;
/** undici's fetch through the environment's proxy settings, as the token client and OpenClaw use. */
async function environmentFetch(): Promise<FetchLike> {
  if (defaultFetch) return defaultFetch;
  const { EnvHttpProxyAgent, fetch } = await import('undici');
  const dispatcher = new EnvHttpProxyAgent();
  defaultFetch = (url, init) => fetch(url, { ...init, dispatcher });
  return defaultFetch;
}

function failure(kind: UsageError['kind'], cause: string, fix: string | null, retryAfter: number): UsageResult {
  return { ok: false, error: { kind, cause, fix, retryAfter } };
}

/** A usage answer is a few KB: past this it is refused unread. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export async function fetchUsage(credential: UsageCredential, options: FetchUsageOptions): Promise<UsageResult> {
  const { now, endpoint } = options;
  const unusable = unusableCredential(credential, now, options.refreshCommand ?? null);
  if (unusable) return { ok: false, error: unusable };
  const random = options.random ?? Math.random;
  const transient = (cause: string, kind: UsageError['kind'] = 'transient') =>
    failure(kind, cause, null, now + transientBackoffMs(options.failuresBefore ?? 0, random));
  const headers: Record<string, string> = { authorization: `Bearer ${credential.access}`, accept: 'application/json' };
  if (credential.accountId) headers['chatgpt-account-id'] = credential.accountId;
  const doFetch = options.fetch ?? (await environmentFetch());
  let status: number;
  let text: string;
  try {
    const response = await doFetch(endpoint.url, { method: 'GET', headers, signal: AbortSignal.timeout(endpoint.timeoutMs) });
    status = response.status;
    // Read with a bound where there is a stream (undici's fetch and Electron's net.fetch both give one).
    text = response.body === undefined ? await response.text() : await textWithin(response.body, MAX_ANSWER_BYTES);
  } catch (error) {
    const name = (error as Error).name;
    if (error instanceof TooLarge) return failure('bad-response', 'the usage endpoint answered with more than 1 MiB', null, now + MIN_INTERVAL_MS);
    return transient(name === 'TimeoutError' || name === 'AbortError' ? `no answer from the usage endpoint within ${endpoint.timeoutMs / 1000} s` : 'the usage endpoint could not be reached');
  }
  // OpenClaw's classification (2026.5.7 and 2026.9.6 alike): 401 is `wham_token_expired`
  // (12 h), 403 `wham_account_dead` (24 h). Asking again sooner only repeats the answer.
  if (status === 401) {
    return failure('unauthorized', 'the usage endpoint rejected the access token (HTTP 401); OpenClaw backs off 12 h', options.loginCommand ?? null, now + WHAM_BACKOFF.unauthorized);
  }
  if (status === 403) {
    return failure('forbidden', 'the usage endpoint refused this account (HTTP 403); OpenClaw treats it as dead for 24 h', options.loginCommand ?? null, now + WHAM_BACKOFF.forbidden);
  }
  if (status === 429) return transient('the usage endpoint is rate limiting (HTTP 429)', 'rate-limited');
  if (status >= 500) return transient(`the usage endpoint failed (HTTP ${status})`);
  if (status < 200 || status >= 300) return failure('bad-response', `the usage endpoint answered HTTP ${status}`, null, now + Math.max(WHAM_BACKOFF.httpError, MIN_INTERVAL_MS));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return failure('bad-response', 'the usage endpoint answered with something that is not JSON', null, now + MIN_INTERVAL_MS);
  }
  const parsed = parseUsageResponse(body, now, [credential.access]);
  return parsed.ok ? parsed : failure('bad-response', parsed.cause, null, now + MIN_INTERVAL_MS);
}
