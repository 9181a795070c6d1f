// A loopback HTTPS proxy that stands in for OpenAI, so the real OpenClaw can be run
// against test endpoints. OpenClaw hard-codes https://auth.openai.com/oauth/token but
// sends every request through undici's EnvHttpProxyAgent: with HTTPS_PROXY pointing
// here and NODE_EXTRA_CA_CERTS trusting a CA made for this run, its CONNECT tunnels
// end at this process, which terminates TLS itself and answers as OpenAI would.
// Token requests go to a real token server (rotation and reuse rules stay in one place);
// model, image and usage requests are recorded (proof of which Bearer OpenClaw used)
// and answered with a plausible success. Nothing is ever forwarded to the internet.
// openclaw@2026.9.6's live model call (`models status --probe`) first tries a WebSocket
// upgrade of /backend-api/codex/responses (refused here with a plain HTTP answer, so it falls
// back), then POSTs the request zstd-compressed and reads a Responses SSE stream: answered
// with a one-word text reply. Bodies are recorded decoded.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext, TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { crc32, deflateSync } from 'node:zlib';
import { makeTempDir, removeTempDir } from './temp-dirs.ts';
import type { TokenServer } from './token-server.ts';

const run = promisify(execFile);
const HOSTS = ['auth.openai.com', 'chatgpt.com', 'api.openai.com'];

export interface UpstreamRequest {
  host: string;
  method: string;
  path: string;
  authorization: string | null;
  /** The request body, decoded when it was sent compressed (2026.9.6 zstd-compresses model calls). */
  body: string;
  /** All request headers (`openai-beta`, `content-encoding`, `upgrade`, ...). */
  headers: IncomingHttpHeaders;
  /** `websocket` for an upgrade attempt (refused with a plain HTTP answer), else null. */
  upgrade: string | null;
}

export interface OpenAiProxy {
  port: number;
  url: string;
  caPath: string;
  /** Merge into OpenClaw's environment. An empty NO_PROXY keeps the OpenAI hosts on the proxy. */
  env: { HTTPS_PROXY: string; NODE_EXTRA_CA_CERTS: string; NO_PROXY: string };
  /** Every request to chatgpt.com and api.openai.com, in order (refused WebSocket upgrades included). */
  upstream: UpstreamRequest[];
  /** CONNECT targets that were refused (anything but the three OpenAI hosts). */
  refused: string[];
  close(): Promise<void>;
}

/** A CA and one leaf for the three hosts, made fresh per run so no real trust is involved. */
async function makeCertificates(dir: string): Promise<{ caPath: string; key: Buffer; cert: Buffer }> {
  const at = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']; // EC: fast to generate
  await run('openssl', ['req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2',
    '-subj', '/CN=AuthBar test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ec, '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=auth.openai.com']);
  writeFileSync(at('leaf.cnf'), [
    `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`,
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'authorityKeyIdentifier=keyid', // Node's verifier links leaf to CA by key id
  ].join('\n'));
  await run('openssl', ['x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'),
    '-CAcreateserial', '-out', at('leaf.pem'), '-days', '2', '-extfile', at('leaf.cnf')]);
  return { caPath: at('ca.pem'), key: readFileSync(at('leaf.key')), cert: readFileSync(at('leaf.pem')) };
}

/** A tiny but valid PNG (8x8, red), so OpenClaw's image metadata and file writing succeed. */
function redSquarePng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const size = 8;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(size).fill([255, 0, 0]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array(size).fill(row)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

export const RED_SQUARE_PNG = redSquarePng();

/**
 * The Codex Responses stream 2026.5.7 parses for image generation: it reads the `data:`
 * lines, takes images from `response.output_item.done` items of type
 * `image_generation_call` (base64 in `result`), and usage from `response.completed`.
 */
function codexImageStream(): string {
  const item = { id: 'ig_test', type: 'image_generation_call', status: 'completed', revised_prompt: 'a red square', result: RED_SQUARE_PNG.toString('base64') };
  const events = [
    { type: 'response.created', response: { id: 'resp_test', object: 'response', status: 'in_progress', output: [] } },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { id: 'resp_test', object: 'response', status: 'completed', output: [item], usage: { input_tokens: 10, output_tokens: 1, total_tokens: 11 } } },
  ];
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
}

/** Whether a Codex Responses request asks for an image (a tool of type `image_generation`). */
function asksForImage(body: string): boolean {
  try {
    const tools = (JSON.parse(body) as { tools?: Array<{ type?: unknown }> }).tools;
    return Array.isArray(tools) && tools.some((tool) => tool?.type === 'image_generation');
  } catch {
    return false;
  }
}

export const PROBE_REPLY = 'OK';

/**
 * The smallest Codex Responses stream of a text answer, for a live model call such as
 * 2026.9.6's `models status --probe`: one assistant message saying `OK`, then completion.
 */
function codexTextStream(): string {
  const item = { id: 'msg_test', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: PROBE_REPLY, annotations: [] }] };
  const at = { item_id: item.id, output_index: 0, content_index: 0 };
  const events = [
    { type: 'response.created', response: { id: 'resp_text', object: 'response', status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } },
    { type: 'response.output_text.delta', ...at, delta: PROBE_REPLY },
    { type: 'response.output_text.done', ...at, text: PROBE_REPLY },
    { type: 'response.content_part.done', ...at, part: item.content[0] },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { id: 'resp_text', object: 'response', status: 'completed', output: [item], usage: { input_tokens: 10, output_tokens: 1, total_tokens: 11 } } },
  ];
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
}

/** A request body as text, decompressed when it says it is compressed (and this Node can). */
function decodeBody(raw: Buffer, encoding: string | undefined): string {
  try {
    switch ((encoding ?? '').trim().toLowerCase()) {
      case 'zstd':
        return typeof zlib.zstdDecompressSync === 'function' ? zlib.zstdDecompressSync(raw).toString('utf8') : raw.toString('utf8');
      case 'gzip':
        return zlib.gunzipSync(raw).toString('utf8');
      case 'br':
        return zlib.brotliDecompressSync(raw).toString('utf8');
      case 'deflate':
        return zlib.inflateSync(raw).toString('utf8');
      default:
        return raw.toString('utf8');
    }
  } catch {
    return raw.toString('utf8');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Relays a token request to the token server unchanged, and its answer back unchanged. */
function forwardToTokenServer(tokenServer: TokenServer, req: IncomingMessage, body: string, res: ServerResponse): void {
  const upstream = request(tokenServer.url, {
    method: 'POST',
    headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
  }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
    answer.pipe(res);
  });
  // The token server's 'close' behaviour drops the connection: drop OpenClaw's too.
  upstream.on('error', () => res.socket?.destroy());
  upstream.end(body);
}

/** Relays a usage request to a stand-in usage endpoint (test/helpers/usage-server.ts), headers as sent. */
function forwardToUsageServer(usageUrl: string, req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'chatgpt-account-id', 'accept']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = request(usageUrl, { method: 'GET', headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
    answer.pipe(res);
  });
  upstream.on('error', () => res.socket?.destroy());
  upstream.end();
}

export interface ProxyOptions {
  /** Answer chatgpt.com's wham/usage from this stand-in instead of the built-in reply. */
  usageUrl?: string;
  /** Answer Codex model calls with this error instead of a reply (e.g. a 429 usage limit). */
  modelError?: { status: number; body: unknown };
}

function answerUpstream(host: string, req: IncomingMessage, body: string, res: ServerResponse, options: ProxyOptions): void {
  const path = (req.url ?? '/').split('?')[0];
  if (host === 'chatgpt.com' && req.method === 'GET' && path === '/backend-api/wham/usage' && options.usageUrl) return forwardToUsageServer(options.usageUrl, req, res);
  if (host === 'chatgpt.com' && req.method === 'POST' && path === '/backend-api/codex/responses' && options.modelError) {
    return sendJson(res, options.modelError.status, options.modelError.body);
  }
  if (host === 'chatgpt.com' && req.method === 'GET' && path === '/backend-api/wham/usage') {
    const resetAt = Math.floor(Date.now() / 1000) + 3600;
    return sendJson(res, 200, { plan_type: 'plus', rate_limit: { limit_reached: false, primary_window: { used_percent: 1, limit_window_seconds: 18_000, reset_at: resetAt } } });
  }
  if (host === 'chatgpt.com' && req.method === 'POST' && path === '/backend-api/codex/responses') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    return void res.end(asksForImage(body) ? codexImageStream() : codexTextStream());
  }
  // The direct API-key route (config `models.providers.openai.apiKey`), for completeness.
  if (host === 'api.openai.com' && req.method === 'POST' && /^\/v1\/images\/(generations|edits)$/.test(path ?? '')) {
    return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: RED_SQUARE_PNG.toString('base64'), revised_prompt: 'a red square' }] });
  }
  sendJson(res, 404, { error: { message: `test proxy: no fake for ${req.method} ${host}${path}`, type: 'invalid_request_error' } });
}

export async function startOpenAiProxy(tokenServer: TokenServer, options: ProxyOptions = {}): Promise<OpenAiProxy> {
  const dir = makeTempDir('authbar-proxy-');
  const { caPath, key, cert } = await makeCertificates(dir);
  const secureContext = createSecureContext({ key, cert });
  const upstream: UpstreamRequest[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();

  // Serves the decrypted requests of every tunnel; never listens itself.
  const record = (req: IncomingMessage, body: string, upgrade: string | null) => upstream.push({
    host: (req.headers.host ?? '').replace(/:\d+$/, ''),
    method: req.method ?? '',
    path: req.url ?? '',
    authorization: req.headers.authorization ?? null,
    body,
    headers: req.headers,
    upgrade,
  });
  const inner = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host === 'auth.openai.com') {
      if (req.method === 'POST' && req.url === '/oauth/token') return forwardToTokenServer(tokenServer, req, raw.toString('utf8'), res);
      return sendJson(res, 404, { error: 'not_found' });
    }
    const body = decodeBody(raw, req.headers['content-encoding'] as string | undefined);
    record(req, body, null);
    answerUpstream(host, req, body, res, options);
  });
  // A WebSocket upgrade (2026.9.6's Codex transport tries one first): recorded, then refused
  // with a plain HTTP answer, so the client falls back to its HTTP + SSE request.
  inner.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    record(req, '', String(req.headers.upgrade ?? '').toLowerCase() || 'unknown');
    socket.on('error', () => {});
    const message = JSON.stringify({ error: { message: 'test proxy: WebSocket upgrades are refused; use HTTP', type: 'invalid_request_error' } });
    socket.end(`HTTP/1.1 426 Upgrade Required\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(message)}\r\nconnection: close\r\n\r\n${message}`);
  });

  const outer = createServer((_req, res) => sendJson(res, 405, { error: 'test proxy only tunnels (CONNECT)' }));
  outer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  outer.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    const target = req.url ?? '';
    const host = target.replace(/:\d+$/, '');
    // Refuse anything else, so a run can never reach the real internet through us.
    if (!HOSTS.includes(host) || !target.endsWith(':443')) {
      refused.push(target);
      return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    const tls = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    tls.on('error', () => socket.destroy());
    inner.emit('connection', tls);
  });

  outer.listen(0, '127.0.0.1');
  await once(outer, 'listening');
  const { port } = outer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    caPath,
    env: { HTTPS_PROXY: url, NODE_EXTRA_CA_CERTS: caPath, NO_PROXY: '' },
    upstream,
    refused,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
      removeTempDir(dir);
    },
  };
}
