// The Codex OAuth token endpoint, refresh grant only (as openclaw 2026.5.7 and 2026.9.6 send it).
// One call rotates the refresh token: the old one is dead the moment the server answers,
// so callers must write the answer to every copy that held the old one.
import pRetry, { AbortError } from 'p-retry';
import { Agent, type Dispatcher, EnvHttpProxyAgent, errors, request } from 'undici';
import { readAccessTokenClaims } from '../jwt.ts';
import { apartFrom } from '../secret-parts.ts';
import type { Env } from '../openclaw/paths.ts';
import { checkedEndpointUrl, CODEX_TOKEN_URL, LOOPBACK, tokenTimeoutMs } from './endpoint.ts';
import { textWithin, TooLarge } from '../bounded-body.ts';

export { CODEX_TOKEN_URL };
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
export const DEFAULT_TRIES = 3;

export type FailureKind = 'transient' | 'needs-login' | 'bad-response';

export interface RefreshFailure {
  kind: FailureKind;
  /** One line, never a token. */
  cause: string;
}

export interface FreshTokens {
  access: string;
  refresh: string;
  expires: number;
  accountId: string | null;
}

export type TokenResult = { ok: true; tokens: FreshTokens } | { ok: false; failure: RefreshFailure };

export interface TokenEndpoint {
  url: string;
  timeoutMs: number;
  tries: number;
  /** Backoff before the first retry; doubled each time, with jitter. */
  minRetryDelayMs: number;
  /**
   * The caller's fetch. The app passes Electron's net.fetch (the system proxy and the OS
   * certificate store, which apps started from the Finder or at login lack otherwise); the
   * CLI leaves it out and gets undici with the environment's proxy settings.
   */
  fetch?: typeof fetch;
}


/**
 * `AUTHBAR_TOKEN_URL` points AuthBar at another endpoint (tests, proxies): only https, or
 * plain http on a loopback address, so a refresh token never crosses a network in clear.
 */
export function tokenEndpointFrom(env: Env): TokenEndpoint {
  const url = checkedEndpointUrl(env, 'AUTHBAR_TOKEN_URL', CODEX_TOKEN_URL);
  return {
    url,
    timeoutMs: tokenTimeoutMs(env),
    tries: DEFAULT_TRIES,
    minRetryDelayMs: 500,
  };
}

/** OAuth error codes and phrases that mean the refresh token itself is dead (OpenClaw's list, §3). */
const DEAD_TOKEN = /invalid_grant|refresh_token_reused|refresh_token_invalidated|token_expired|invalid refresh token|revoked|sign(?:ing)? in again|log(?:ging)? in again/i;

/**
 * The answer's error code, when it is one word: it is shown and kept as a cause. Never one that
 * carries part of the refresh token presented (an endpoint or proxy may echo what it was sent).
 */
function errorCodeOf(body: unknown, presented: string): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : null;
  for (const value of [b.code, nested?.code, typeof b.error === 'string' ? b.error : null, nested?.type]) {
    if (typeof value === 'string' && /^[a-z_]{3,64}$/.test(value) && apartFrom(value, [presented]) !== null) return value;
  }
  return null;
}

function describeBody(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : null;
  const text = [b.code, b.error, b.error_description, nested?.code, nested?.message].filter((v) => typeof v === 'string').join(' ');
  return text;
}

/** A token answer is a few KB; this bounds what a broken or hostile one can make AuthBar hold. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * A failure that may pass. `unsent` when the request certainly never reached the endpoint (no
 * connection, no name) or the endpoint said it did not take it (429, 503): only then is it
 * tried again in this run. Once a refresh token may have arrived, the endpoint may have rotated
 * it, and a second try would present a rotated-away token (refresh_token_reused, which can cost
 * the whole token family): a lost answer, a timeout, a closed connection, a 500, 502 or 504.
 */
class Transient extends Error {
  readonly unsent: boolean;
  constructor(message: string, unsent = false) {
    super(message);
    this.unsent = unsent;
  }
}

/** Connection errors that happen before a byte of the request is sent. */
const UNSENT_CODES = /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)$/;
/** The same, as Chromium's net stack (Electron's net.fetch) names them. */
const UNSENT_NET_ERRORS = /ERR_CONNECTION_REFUSED|ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|ERR_ADDRESS_UNREACHABLE|ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|ECONNREFUSED|ENOTFOUND|EAI_AGAIN/;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

function networkCause(error: unknown, timeoutMs: number): string {
  if (error instanceof errors.ConnectTimeoutError) return `could not connect within ${seconds(timeoutMs)}`;
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || (error as Error | null)?.name === 'TimeoutError') {
    return `no answer within ${seconds(timeoutMs)}`;
  }
  const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the token endpoint\'s host could not be resolved';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'the connection was closed before an answer';
  return `network error (${code ?? (error as Error).message})`;
}

function unsent(error: unknown): boolean {
  if (error instanceof errors.ConnectTimeoutError) return true;
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return typeof code === 'string' && UNSENT_CODES.test(code);
}

/** One POST through the caller's fetch: the same status and body as undici's request gives. */
async function postWithFetch(fetchFn: typeof fetch, endpoint: TokenEndpoint, body: string, signal?: AbortSignal): Promise<{ statusCode: number; text: () => Promise<string> }> {
  let response: Response;
  try {
    response = await fetchFn(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs)]) : AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (error) {
    // Only the error's name reaches the cause: a fetch error never carries the request body.
    const said = `${(error as Error).message} ${String((error as { cause?: { code?: unknown; message?: unknown } }).cause?.code ?? '')} ${String((error as { cause?: { message?: unknown } }).cause?.message ?? '')}`;
    throw new Transient(
      (error as Error).name === 'TimeoutError' ? `no answer within ${seconds(endpoint.timeoutMs)}` : `network error (${(error as Error).message.split('\n')[0]!.slice(0, 120)})`,
      (error as Error).name !== 'TimeoutError' && UNSENT_NET_ERRORS.test(said),
    );
  }
  return { statusCode: response.status, text: () => textWithin(response.body as AsyncIterable<Uint8Array> | null, MAX_ANSWER_BYTES) };
}

async function attempt(refreshToken: string, endpoint: TokenEndpoint, dispatcher: Dispatcher, now: () => number, signal?: AbortSignal): Promise<TokenResult> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CODEX_CLIENT_ID }).toString();
  let response: { statusCode: number; text: () => Promise<string> };
  if (endpoint.fetch) response = await postWithFetch(endpoint.fetch, endpoint, form, signal);
  else {
    // The whole attempt, answer read to its end, within the endpoint's timeout: undici's own
    // limits are per phase (connect, headers, each gap in the body), and a trickled answer would
    // pass them all. Past --timeout, only this bounds a request already sent.
    const within = AbortSignal.timeout(endpoint.timeoutMs);
    try {
      const answer = await request(endpoint.url, {
        method: 'POST',
        dispatcher,
        signal: signal ? AbortSignal.any([signal, within]) : within,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
      });
      response = { statusCode: answer.statusCode, text: () => textWithin(answer.body, MAX_ANSWER_BYTES) };
    } catch (error) {
      throw new Transient(networkCause(error, endpoint.timeoutMs), unsent(error));
    }
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (error instanceof TooLarge) return { ok: false, failure: { kind: 'bad-response', cause: 'the token endpoint answered with more than 16 MiB' } };
    throw new Transient(networkCause(error, endpoint.timeoutMs));
  }
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: judged by status below
  }
  const status = response.statusCode;
  if (status >= 500 || status === 429) throw new Transient(`HTTP ${status} from the token endpoint`, status === 429 || status === 503);
  if (status >= 400) {
    const code = errorCodeOf(body, refreshToken);
    const said = describeBody(body);
    if (status === 401 || DEAD_TOKEN.test(said)) {
      const reason = /refresh_token_reused|already been used/i.test(said) ? 'refresh_token_reused' : (code ?? `HTTP ${status}`);
      return { ok: false, failure: { kind: 'needs-login', cause: reason } };
    }
    return { ok: false, failure: { kind: 'bad-response', cause: `HTTP ${status}${code ? ` ${code}` : ''} from the token endpoint` } };
  }
  const fields = body !== null && typeof body === 'object' ? (body as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown }) : null;
  const refresh = typeof fields?.refresh_token === 'string' && fields.refresh_token !== '' ? fields.refresh_token : null;
  if (refresh === null) {
    // No new refresh token: nothing rotated that could be lost, and the old one is kept as it is.
    return { ok: false, failure: { kind: 'bad-response', cause: fields === null ? 'the token endpoint answered 200 with something that is not JSON' : 'the token endpoint answered 200 without a refresh_token' } };
  }
  const access = typeof fields!.access_token === 'string' ? fields!.access_token : '';
  if (access === '' && refresh === refreshToken) {
    // The same refresh token back and no access token: nothing rotated, nothing worth a write.
    return { ok: false, failure: { kind: 'bad-response', cause: 'the token endpoint answered 200 without an access_token' } };
  }
  // The endpoint rotated, so the old token is dead: the answer is kept whatever else it lacks
  // (OpenClaw 2026.5.7 refuses it and loses the sign-in). Without a usable expires_in the access
  // token's own exp stands; without an access token, none: expired now, so the next refresh
  // uses the new refresh token rather than a sign-in that cannot be used.
  const claims = readAccessTokenClaims(access, [refresh]);
  const lifetime = typeof fields!.expires_in === 'number' && Number.isFinite(fields!.expires_in) && fields!.expires_in > 0 ? fields!.expires_in * 1000 : null;
  const at = now();
  const claimed = claims.expiresAt !== null && Number.isFinite(claims.expiresAt) && claims.expiresAt > 0 ? claims.expiresAt : at;
  const expires = access === '' ? at : Math.min(lifetime !== null ? at + lifetime : claimed, at + MAX_LIFETIME_MS);
  return { ok: true, tokens: { access, refresh, expires, accountId: claims.accountId } };
}

/** No answer's expiry is believed past this (an answer of 1e306 seconds made it Infinity). */
const MAX_LIFETIME_MS = 366 * 86_400_000;

const triesSaid = (tries: number) => (tries > 1 ? `${tries} tries; ` : '');

/** Why a run was stopped: the reason its caller gave (`--timeout`'s own words), else `otherwise`. */
export function abortCause(signal: AbortSignal, otherwise = 'cancelled'): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' && reason.message ? reason.message : otherwise;
}

/**
 * One refresh, retried with backoff and jitter only while the refresh token certainly has not
 * reached the endpoint (see Transient): presenting it again once it may have been rotated, or
 * once rejected (4xx), only risks the whole token family.
 */
export async function exchangeRefreshToken(
  refreshToken: string,
  endpoint: TokenEndpoint,
  options: {
    /** Cuts an attempt in flight too: its answer, a rotated sign-in, may then be lost. Tests only. */
    signal?: AbortSignal;
    /**
     * Starts no further attempt, but lets one in flight finish and its answer count (a quitting
     * app, the CLI's --timeout): once sent, the request may have rotated the sign-in.
     */
    stopRetrying?: AbortSignal;
    /**
     * An attempt starts only if it can end (the endpoint's timeout) by `at` (wall clock, ms):
     * while AuthBar holds OpenClaw's refresh lock, before another process may call it stale.
     */
    finishBy?: { at: number; why: string; clock?: () => number };
    /**
     * A try after the first starts only if it can end (the endpoint's timeout) by `at` (wall
     * clock, ms): the CLI's --timeout, so a hanging endpoint costs one try's time, not two.
     */
    retriesEndBy?: { at: number; why: string };
    /** Called as each try is sent (the run's count of token requests). */
    onTry?: () => void;
    now?: () => number;
  } = {},
): Promise<TokenResult> {
  const timeouts = { connect: { timeout: endpoint.timeoutMs }, headersTimeout: endpoint.timeoutMs, bodyTimeout: endpoint.timeoutMs };
  // A loopback endpoint is on this machine: never through HTTP(S)_PROXY, which would receive the
  // refresh token in the clear (a plain-http request body), whatever NO_PROXY says.
  const dispatcher: Dispatcher = LOOPBACK.test(new URL(endpoint.url).hostname) ? new Agent(timeouts) : new EnvHttpProxyAgent(timeouts);
  const { signal, stopRetrying, finishBy, retriesEndBy } = options;
  let tries = 0;
  /** Why no further try could start in time, once that is so. */
  let late: string | null = null;
  let lastFailure = '';
  try {
    // The signals are checked before each attempt, never handed to p-retry: p-retry also checks
    // it after a successful attempt and would throw a rotated credential away.
    return await pRetry(() => {
      if (signal?.aborted || stopRetrying?.aborted) throw new AbortError('cancelled');
      const clock = finishBy?.clock ?? Date.now;
      if (finishBy && clock() + endpoint.timeoutMs > finishBy.at) late = finishBy.why;
      else if (tries > 0 && retriesEndBy && clock() + endpoint.timeoutMs > retriesEndBy.at) late = retriesEndBy.why;
      if (late !== null) throw new AbortError('late');
      tries++;
      options.onTry?.();
      return attempt(refreshToken, endpoint, dispatcher, options.now ?? Date.now, signal).catch((error: unknown) => {
        if (error instanceof Transient) lastFailure = error.message;
        throw error;
      });
    }, {
      retries: endpoint.tries - 1,
      minTimeout: endpoint.minRetryDelayMs,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof Transient && error.unsent && !signal?.aborted && !stopRetrying?.aborted,
    });
  } catch (error) {
    if (signal?.aborted) return { ok: false, failure: { kind: 'transient', cause: abortCause(signal) } };
    if (late !== null) return { ok: false, failure: { kind: 'transient', cause: tries === 0 ? `${late}; nothing was requested` : `${lastFailure} (${triesSaid(tries)}not tried again: ${late})` } };
    if (stopRetrying?.aborted) {
      const why = abortCause(stopRetrying, 'stopping');
      return { ok: false, failure: { kind: 'transient', cause: tries > 0 ? `${lastFailure} (${triesSaid(tries)}not tried again: ${why})` : `${why}; nothing was requested` } };
    }
    if (error instanceof Transient && !error.unsent) {
      return { ok: false, failure: { kind: 'transient', cause: `${error.message} (${triesSaid(tries)}not tried again: the request may have reached the endpoint, and a second try could present a refresh token it rotated)` } };
    }
    if (error instanceof Transient) return { ok: false, failure: { kind: 'transient', cause: `${error.message} (after ${tries} tries)` } };
    if (error instanceof AbortError) return { ok: false, failure: { kind: 'transient', cause: 'cancelled' } };
    throw error;
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}
