// A real OAuth token endpoint on 127.0.0.1 that behaves like auth.openai.com's for the
// refresh grant: it rotates refresh tokens (each is single-use), rejects a reused one
// with `refresh_token_reused`, and can be told to fail in the ways the network does.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessToken, refreshToken } from './tokens.ts';

export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/** How the next request is answered. */
export type Behaviour =
  | 'ok'
  /** Answered 500 (a request the endpoint may have taken: never tried again). */
  | '500'
  /** Answered 503 or 429: the endpoint says it did not take the request (tried again). */
  | '503'
  | '429'
  | '401'
  | 'hang'
  | 'close'
  | 'garbage'
  | 'missing-fields'
  | { delayMs: number }
  /** Held until `until` settles (the test saw what it waits for), then answered as 'ok' is (or as `then` says). */
  | { until: Promise<unknown>; then?: '500' }
  /** Rotates as 'ok' does, with these fields of the answer replaced (undefined: left out). */
  | { answerWith: Record<string, unknown> };

export interface Issued {
  access: string;
  refresh: string;
  accountId: string;
}

export interface TokenRequest {
  at: number;
  grantType: string | null;
  clientId: string | null;
  refreshToken: string | null;
  outcome: 'rotated' | 'reused' | 'unknown' | Exclude<Behaviour, 'ok' | object>;
}

export interface TokenServer {
  url: string;
  /** Every request received, in order. */
  requests: TokenRequest[];
  /** Mint a live credential, as a fresh `openclaw models auth login` would. */
  issue(accountId: string): Issued;
  /** Answer the next requests this way, in order; then back to normal. */
  queue(...behaviours: Behaviour[]): void;
  /** Resolves once `count` requests have arrived in all (an event, not a poll). */
  received(count: number): Promise<void>;
  /** Seconds until a newly issued access token expires. */
  expiresInSeconds: number;
  /** The refresh tokens that were rotated away (presenting one again is a reuse). */
  used: Set<string>;
  /** Lineage heads: refresh tokens that are currently valid. */
  live: Map<string, string>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startTokenServer(): Promise<TokenServer> {
  const live = new Map<string, string>(); // refresh token → account
  const used = new Set<string>();
  const behaviours: Behaviour[] = [];
  const requests: TokenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const notify = () => {
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const form = new URLSearchParams(body);
    const record: TokenRequest = {
      at: Date.now(),
      grantType: form.get('grant_type'),
      clientId: form.get('client_id'),
      refreshToken: form.get('refresh_token'),
      outcome: 'unknown',
    };
    requests.push(record);
    notify();
    if (req.method !== 'POST' || req.url !== '/oauth/token') return json(res, 404, { error: 'not_found' });

    const behaviour = behaviours.shift() ?? 'ok';
    if (typeof behaviour === 'object' && 'until' in behaviour) {
      await behaviour.until.catch(() => undefined);
      if (behaviour.then === '500') {
        record.outcome = '500';
        return json(res, 500, { error: 'server_error' });
      }
    }
    else if (typeof behaviour === 'object' && 'delayMs' in behaviour) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    else if (typeof behaviour === 'string' && behaviour !== 'ok') {
      record.outcome = behaviour;
      switch (behaviour) {
        case '500':
          return json(res, 500, { error: 'server_error' });
        case '503':
          return json(res, 503, { error: 'temporarily_unavailable' });
        case '429':
          return json(res, 429, { error: 'rate_limited' });
        case '401':
          return json(res, 401, { error: { message: 'Unauthorized', code: 'invalid_token' } });
        case 'hang':
          hanging.add(res);
          return;
        case 'close':
          req.socket.destroy();
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('<html>definitely not json');
        case 'missing-fields':
          return json(res, 200, { token_type: 'Bearer' });
      }
    }

    const presented = record.refreshToken ?? '';
    if (record.grantType !== 'refresh_token' || record.clientId !== CODEX_CLIENT_ID) {
      return json(res, 400, { error: 'invalid_request', error_description: 'unsupported grant or client' });
    }
    if (used.has(presented)) {
      record.outcome = 'reused';
      return json(res, 400, {
        error: 'invalid_grant',
        error_description: 'Your refresh token has already been used to generate a new access token. Please try signing in again.',
        code: 'refresh_token_reused',
      });
    }
    const accountId = live.get(presented);
    if (accountId === undefined) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
    live.delete(presented);
    used.add(presented);
    record.outcome = 'rotated';
    const next = mint(accountId);
    json(res, 200, {
      access_token: next.access,
      refresh_token: next.refresh,
      id_token: next.access,
      expires_in: api.expiresInSeconds,
      token_type: 'Bearer',
      ...(typeof behaviour === 'object' && 'answerWith' in behaviour ? behaviour.answerWith : {}),
    });
  });

  const mint = (accountId: string): Issued => {
    const issued = { access: accessToken(accountId, Date.now() + api.expiresInSeconds * 1000), refresh: refreshToken(), accountId };
    live.set(issued.refresh, accountId);
    return issued;
  };

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const api: TokenServer = {
    url: `http://127.0.0.1:${port}/oauth/token`,
    requests,
    issue: mint,
    queue: (...b) => behaviours.push(...b),
    received: (count) => (requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
    expiresInSeconds: 10 * 86_400,
    used,
    live,
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
