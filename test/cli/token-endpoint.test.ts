// Where refresh tokens go. A loopback endpoint is reached directly, never through a proxy from
// the environment (a real recording proxy on 127.0.0.1 must see nothing); and an endpoint other
// than OpenAI's is said in every output: status (table and JSON), refresh, sync, the panel.
// The same for the usage endpoint, which is sent access tokens: status, usage, the panel.
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Controller } from '../../main/core/controller.ts';
import { runCli } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
let server: TokenServer;
let proxy: { url: string; seen: string[]; close(): Promise<void> };
let dirs: StateDir[] = [];
let controller: Controller | null = null;

/** An HTTP proxy that records every request it gets (line and body) and forwards none. */
async function recordingProxy(): Promise<typeof proxy> {
  const seen: string[] = [];
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}\n${body}`);
      res.writeHead(502).end();
    });
  });
  http.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => http.close(() => r())) };
}

beforeEach(async () => {
  [server, proxy] = await Promise.all([startTokenServer(), recordingProxy()]);
});
afterEach(async () => {
  await controller?.stop();
  controller = null;
  await Promise.all([server.close(), proxy.close()]);
  for (const d of dirs) d.cleanup();
  dirs = [];
});

function expiring(): StateDir {
  const issued = server.issue('acct-1');
  const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * HOUR }) }) }] });
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
  dirs.push(d);
  return d;
}

describe('the token endpoint', () => {
  it('on loopback is reached directly: HTTP_PROXY, HTTPS_PROXY and ALL_PROXY get no request and no token', async () => {
    const d = expiring();
    const viaProxy = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, https_proxy: proxy.url, ALL_PROXY: proxy.url };
    const refresh = await runCli(['refresh', '--agent', 'main', '--json'], { ...d.env, ...viaProxy });
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(JSON.parse(refresh.stdout).results[0]).toMatchObject({ outcome: 'refreshed' });
    expect(server.requests).toHaveLength(1);
    expect(proxy.seen).toEqual([]);
  });

  it('other than OpenAI\'s is a warning in status (table and JSON), refresh, sync and the panel\'s state', async () => {
    const d = expiring();
    const note = `refresh tokens go to ${server.url}, not to OpenAI's https://auth.openai.com/oauth/token (AUTHBAR_TOKEN_URL is set); unset it unless you run that endpoint`;
    expect((await runCli(['status'], d.env)).stdout).toContain(`note: ${note}\n`);
    expect(JSON.parse((await runCli(['status', '--json'], d.env)).stdout).warnings).toContain(note);
    const refresh = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(refresh.stderr).toBe(`authbar: note: ${note}\n`);
    expect(JSON.parse((await runCli(['refresh', '--agent', 'main', '--json'], d.env)).stdout).warnings).toEqual([note]);
    expect((await runCli(['sync'], d.env)).stderr).toBe(`authbar: note: ${note}\n`);
    expect(JSON.parse((await runCli(['sync', '--json'], d.env)).stdout).warnings).toEqual([note]);
    controller = new Controller({ env: d.env });
    await controller.start();
    expect(controller.state().report.warnings).toContain(note);
  });

  it('given with a password or a query shows neither', async () => {
    const d = expiring();
    const url = new URL(server.url);
    const env = { ...d.env, AUTHBAR_TOKEN_URL: `http://user:hunter2@${url.host}${url.pathname}?key=s3cret` };
    const status = await runCli(['status', '--json'], env);
    const warning = JSON.parse(status.stdout).warnings.join('\n');
    expect(warning).toContain(`refresh tokens go to http://${url.host}${url.pathname}, not to OpenAI's`);
    expect(status.stdout).not.toMatch(/hunter2|s3cret/);
  });

  it('for usage, other than OpenAI\'s is a warning in status (table and JSON), usage and the panel\'s state, with no password or query', async () => {
    const d = expiring();
    const url = new URL(server.url);
    const env = { ...d.env, AUTHBAR_USAGE_URL: `http://user:hunter2@${url.host}/backend-api/wham/usage?key=s3cret` };
    const note = `access tokens go to http://${url.host}/backend-api/wham/usage, not to OpenAI's https://chatgpt.com/backend-api/wham/usage (AUTHBAR_USAGE_URL is set); unset it unless you run that endpoint`;
    const table = await runCli(['status'], env);
    expect(table.stdout).toContain(`note: ${note}\n`);
    const json = await runCli(['status', '--json'], env);
    expect(JSON.parse(json.stdout).warnings).toContain(note);
    const usage = await runCli(['usage', '--json'], env);
    expect(JSON.parse(usage.stdout).warnings).toContain(note);
    expect(table.stdout + json.stdout + usage.stdout + usage.stderr).not.toMatch(/hunter2|s3cret/);
    controller = new Controller({ env });
    await controller.start();
    expect(controller.state().report.warnings).toContain(note);
    // Said once, not once per endpoint variable: the token endpoint's own note is still there.
    expect(controller.state().report.warnings.filter((w) => w.startsWith('access tokens go to'))).toHaveLength(1);
    expect(controller.state().report.warnings.some((w) => w.startsWith('refresh tokens go to'))).toBe(true);
  });

  it('when it is OpenAI\'s, nothing is said', async () => {
    const d = expiring();
    const env: Record<string, string> = { ...d.env };
    delete env.AUTHBAR_TOKEN_URL;
    delete env.AUTHBAR_USAGE_URL;
    expect(JSON.parse((await runCli(['status', '--json'], env)).stdout).warnings).toEqual([]);
    expect((await runCli(['status'], env)).stdout).not.toContain('note:');
  });
});
