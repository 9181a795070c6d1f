// A loopback stand-in for `GET https://chatgpt.com/backend-api/wham/usage`, answering with the
// shapes the real openclaw packages read (2026.5.7 / 2026.9.6 `provider-usage.fetch.codex` and
// `auth-profiles/usage`): both windows, a missing rate_limit, a null secondary window, string
// balances, an exhausted window in an additional limit, and the failures OpenClaw classifies
// (401, 403, 429, 5xx, garbage). It records each request's headers, so a test can check the
// Bearer and ChatGPT-Account-Id it was sent (and never print them).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeStateDir, type StateDir, storeDocument } from './state-dir.ts';
import { codexCredential, secretsIn } from './tokens.ts';

export const SHAPES = ['both', 'week-by-gap', 'day', 'missing-windows', 'null-secondary', 'string-balance', 'high', 'exhausted', 'additional-exhausted', '401', '403', '429', '500', 'garbage', 'array', 'huge'] as const;
export type Shape = (typeof SHAPES)[number];

export interface UsageRequest {
  /** The server's clock (the injected one in schedule tests) when the request arrived. */
  at: number;
  method: string;
  path: string;
  authorization: string | null;
  accountId: string | null;
}

export interface UsageServer {
  url: string;
  requests: UsageRequest[];
  /** The answer for every request from now on (default `both`). */
  answer: Shape;
  /** Answers by ChatGPT-Account-Id, before `answer` (a panel with several accounts in different states). */
  byAccount: Map<string, Shape>;
  /** Answers for the next requests, in order; then `answer` again. */
  queue(...shapes: Shape[]): void;
  /** The JSON body a shape has at `nowMs` (for expectations); null for non-JSON answers. */
  body(shape: Shape, nowMs: number): unknown;
  close(): Promise<void>;
}

const HOUR = 3600;

/** Seconds, as the endpoint gives them. Reset times are whole seconds after `nowMs`. */
export function usageBody(shape: Shape, nowMs: number): unknown {
  const now = Math.floor(nowMs / 1000);
  const primary = (used: number) => ({ used_percent: used, limit_window_seconds: 5 * HOUR, reset_after_seconds: 3 * HOUR + 720, reset_at: now + 3 * HOUR + 720 });
  const week = (used: number) => ({ used_percent: used, limit_window_seconds: 7 * 24 * HOUR, reset_after_seconds: 4 * 24 * HOUR, reset_at: now + 4 * 24 * HOUR });
  switch (shape) {
    case 'both':
      return { plan_type: 'plus', rate_limit: { allowed: true, limit_reached: false, primary_window: primary(22), secondary_window: week(61) }, credits: { has_credits: false, unlimited: false, balance: 0 } };
    case 'week-by-gap':
      // No window lengths: OpenClaw assumes 3 h and 24 h, and calls the second "Week" when it resets 3+ days after the first.
      return { plan_type: 'pro', rate_limit: { primary_window: { used_percent: 5, reset_at: now + HOUR }, secondary_window: { used_percent: 40, reset_at: now + HOUR + 3 * 24 * HOUR } } };
    case 'day':
      return { plan_type: 'team', rate_limit: { primary_window: primary(8), secondary_window: { used_percent: 33, limit_window_seconds: 24 * HOUR, reset_at: now + 20 * HOUR } } };
    case 'missing-windows':
      return { plan_type: 'free', rate_limit: { allowed: true, limit_reached: false } };
    case 'null-secondary':
      return { plan_type: 'plus', rate_limit: { limit_reached: false, primary_window: primary(47), secondary_window: null } };
    case 'string-balance':
      return { plan_type: 'team', rate_limit: { primary_window: primary(10), secondary_window: week(30) }, credits: { has_credits: true, balance: '7.25' } };
    case 'high':
      return { plan_type: 'plus', rate_limit: { primary_window: primary(30), secondary_window: week(96) } };
    case 'exhausted':
      return { plan_type: 'plus', rate_limit: { limit_reached: true, primary_window: primary(100), secondary_window: week(70) } };
    case 'additional-exhausted':
      return { plan_type: 'plus', rate_limit: { primary_window: primary(12), secondary_window: week(20) }, additional_rate_limits: [{ limit_name: 'codex_other', rate_limit: { limit_reached: true, primary_window: { used_percent: 100, limit_window_seconds: 5 * HOUR, reset_at: now + 2 * HOUR } } }] };
    case 'array':
      return [1, 2, 3];
    default:
      return null;
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

export async function startUsageServer(options: { clock?: () => number } = {}): Promise<UsageServer> {
  const clock = options.clock ?? Date.now;
  const requests: UsageRequest[] = [];
  const queued: Shape[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({
      at: clock(),
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization ?? null,
      accountId: (req.headers['chatgpt-account-id'] as string | undefined) ?? null,
    });
    if (req.method !== 'GET' || !path.endsWith('/wham/usage')) return send(res, 404, JSON.stringify({ detail: 'Not Found' }));
    const accountId = (req.headers['chatgpt-account-id'] as string | undefined) ?? '';
    const shape = queued.shift() ?? api.byAccount.get(accountId) ?? api.answer;
    switch (shape) {
      case '401':
        return send(res, 401, JSON.stringify({ detail: 'Could not validate credentials' }));
      case '403':
        return send(res, 403, JSON.stringify({ detail: 'Forbidden' }));
      case '429':
        return send(res, 429, JSON.stringify({ detail: 'Too Many Requests' }));
      case '500':
        return send(res, 500, 'Internal Server Error', 'text/plain');
      case 'garbage':
        return send(res, 200, '<html><body>Just a moment...</body></html>', 'text/html');
      case 'huge':
        // A usage report padded to 4 MiB: valid JSON, far past anything the endpoint sends.
        return send(res, 200, JSON.stringify(usageBody('both', clock())).replace('{', `{${' '.repeat(4 * 1024 * 1024)}`));
      default:
        return send(res, 200, JSON.stringify(usageBody(shape, clock())));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const api: UsageServer = {
    url: `http://127.0.0.1:${port}/backend-api/wham/usage`,
    requests,
    answer: 'both',
    byAccount: new Map(),
    queue: (...shapes) => queued.push(...shapes),
    body: usageBody,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}

const USAGE_PROFILE = 'openai-codex:default';

/**
 * The usage tests' team: main has its own account; coder and artist share a copy of acct-team;
 * image generation rides on Codex. The env points AuthBar's usage asks at `usageUrl`.
 */
export function usageTeam(usageUrl: string, options: { teamExpiresInMs: number; mainExpiresInMs: number; now?: number }): { d: StateDir; env: Record<string, string>; secrets: string[] } {
  const team = codexCredential({ accountId: 'acct-team', email: 'team@example.com', expiresInMs: options.teamExpiresInMs }, options.now);
  const stores = {
    main: storeDocument({ [USAGE_PROFILE]: codexCredential({ accountId: 'acct-main', email: 'me@example.com', expiresInMs: options.mainExpiresInMs }, options.now) }),
    coder: storeDocument({ [USAGE_PROFILE]: team }),
    artist: storeDocument({ [USAGE_PROFILE]: { ...team } }),
  };
  const d = makeStateDir({
    imageGenerationModel: 'openai/gpt-image-2',
    agents: [{ id: 'main', default: true, store: stores.main }, { id: 'coder', store: stores.coder }, { id: 'artist', store: stores.artist }],
  });
  return { d, env: { ...d.env, AUTHBAR_USAGE_URL: usageUrl }, secrets: secretsIn(stores) };
}
