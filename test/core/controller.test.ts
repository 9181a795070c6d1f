// The app's controller on real state dirs: "keep copies in sync" brings certainly stranded
// copies along on its own after a rotation, and only offers likely ones; the
// status follows the clock across "expiring" without any file changing.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Controller, type ControllerEvent } from '../../main/core/controller.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const PEER = join(import.meta.dirname, '../helpers/openclaw-peer.mjs');
let server: TokenServer;
let controller: Controller | null = null;
let dirs: StateDir[] = [];
beforeEach(async () => {
  server = await startTokenServer();
});
afterEach(async () => {
  await controller?.stop();
  controller = null;
  await server.close();
  for (const d of dirs) d.cleanup();
  dirs = [];
});

// Bounds only for a clear message; a loaded machine may be slow, so they are generous.
const until = async (check: () => boolean, what: string, ms = 45_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('Controller', () => {
  it('keeps copies in sync: a rotation in one agent brings the certain copies along, with one notice and no request', async () => {
    const issued = server.issue('acct-1');
    const cred = codexCredential({ accountId: 'acct-1', access: issued.access, refresh: issued.refresh, expiresInMs: 3 * HOUR });
    const d = makeStateDir({ agents: ['main', 'artist', 'coder'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) });
    dirs.push(d);
    controller = new Controller({ env: d.env, debounceMs: 50 });
    const events: ControllerEvent[] = [];
    controller.on((e) => events.push(e));
    await controller.start();
    // OpenClaw refreshes artist's copy (one request, that store only).
    await new Promise((resolve, reject) => spawn(process.execPath, [PEER, 'refresh', d.stateDir, d.storePath('artist'), 'openai-codex:default', server.url]).on('exit', (c) => (c === 0 ? resolve(c) : reject(new Error(String(c))))));
    await until(() => events.some((e) => e.type === 'auto-synced'), 'the auto-sync');
    expect(events.find((e) => e.type === 'auto-synced')).toEqual({ type: 'auto-synced', agents: ['coder', 'main'], source: 'artist' });
    const newest = d.readStore('artist').profiles['openai-codex:default'].refresh;
    expect(['main', 'coder'].map((id) => d.readStore(id).profiles['openai-codex:default'].refresh)).toEqual([newest, newest]);
    expect(server.requests).toHaveLength(1); // OpenClaw's own
    await until(() => controller!.state().report.agents.every((a) => a.profiles.every((p) => p.stranded === null)), 'a clean state');
  }, 60_000);

  it('stop() waits for a refresh in flight: the rotated sign-in is in the store when it resolves (a quit or a test cleanup comes next)', async () => {
    const issued = server.issue('acct-1');
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', access: issued.access, refresh: issued.refresh, expiresInMs: 3 * HOUR }) }) }] });
    dirs.push(d);
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '30000' });
    controller = new Controller({ env: d.env, debounceMs: 50 });
    await controller.start();
    let answer = () => {};
    server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });
    const refreshing = controller.refresh({ host: 'local', agentId: 'main' });
    await server.received(1);
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    // The token endpoint answers only once stop() was asked (and had its chance to return early).
    await new Promise((resolve) => setImmediate(resolve));
    answer();
    await stopping;
    expect(stopped).toBe(true);
    expect(server.requests.map((r) => r.outcome)).toEqual(['rotated']);
    const stored = d.readStore('main').profiles['openai-codex:default'].refresh;
    expect(server.live.has(stored)).toBe(true);
    await refreshing;
    controller = null;
  });

  it('stop() lets a token request in flight finish but starts none after it: no retry, no queued lineage', async () => {
    const a = server.issue('acct-a');
    const b = server.issue('acct-b');
    const signIn = (issued: typeof a) => storeDocument({ 'openai-codex:default': codexCredential({ accountId: issued.accountId, access: issued.access, refresh: issued.refresh, expiresInMs: 20 * 60_000 }) });
    const d = makeStateDir({ agents: [{ id: 'main', store: signIn(a) }, { id: 'artist', store: signIn(b) }] });
    dirs.push(d);
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '30000' });
    controller = new Controller({ env: d.env, debounceMs: 50 });
    await controller.start();
    let fail = () => {};
    // main's request fails (a 500) only once stop() was asked: a retry would be a new request.
    server.queue({ until: new Promise<void>((resolve) => (fail = resolve)), then: '500' });
    const refreshing = controller.refresh({ host: 'local', agentId: 'main' });
    await server.received(1);
    expect(controller.busy()).toBe(true);
    const stopping = controller.stop();
    fail();
    await stopping;
    await refreshing;
    // Asked after the stop: nothing goes out.
    await controller.refresh({ host: 'local', agentId: 'artist' });
    expect(server.requests.map((r) => r.outcome)).toEqual(['500']);
    expect(controller.busy()).toBe(false);
    controller = null;
  });

  it('one listener that throws (a notice that cannot be planned) stops neither the others nor the rescan', async () => {
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1', expiresInMs: 3 * HOUR }) }) }] });
    dirs.push(d);
    controller = new Controller({ env: d.env, debounceMs: 50 });
    const seen: string[] = [];
    controller.on(() => {
      throw new RangeError('Invalid time value');
    });
    controller.on((e) => seen.push(e.type));
    await controller.rescan();
    expect(seen).toContain('state');
  });

  it('only offers likely-stranded copies', async () => {
    const live = codexCredential({ accountId: 'acct-1', expiresInMs: 50 * HOUR });
    const expired = codexCredential({ accountId: 'acct-1', expiresInMs: -HOUR });
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': live }) }, { id: 'old', store: storeDocument({ 'openai-codex:default': expired }) }] });
    dirs.push(d);
    controller = new Controller({ env: d.env, debounceMs: 50 });
    await controller.start();
    const old = () => controller!.state().report.agents.find((a) => a.id === 'old')!.profiles[0]!;
    expect(old()).toMatchObject({ stranded: 'likely', newerCopyIn: 'main', fix: 'authbar sync --agent old' });
    // A whole rescan, keeping copies in sync included, has run since: had it synced, it would have by now.
    await controller.rescan();
    expect(d.readStore('old').profiles['openai-codex:default'].refresh).toBe(expired.refresh);
  });

  it('with "keep copies in sync" off, leaves even certain copies for the user to sync', async () => {
    const issued = server.issue('acct-1');
    const cred = codexCredential({ accountId: 'acct-1', access: issued.access, refresh: issued.refresh, expiresInMs: 3 * HOUR });
    const d = makeStateDir({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) });
    dirs.push(d);
    controller = new Controller({ env: d.env, debounceMs: 50 });
    await controller.updateSettings({ keepCopiesInSync: false });
    const events: ControllerEvent[] = [];
    controller.on((e) => events.push(e));
    await controller.start();
    await new Promise((resolve, reject) => spawn(process.execPath, [PEER, 'refresh', d.stateDir, d.storePath('artist'), 'openai-codex:default', server.url]).on('exit', (c) => (c === 0 ? resolve(c) : reject(new Error(String(c))))));
    await until(() => controller!.state().report.agents.find((a) => a.id === 'main')!.profiles[0]!.stranded === 'certain', 'main to be seen stranded');
    // The rescan that saw it stranded (and any after it) has finished, keeping copies in sync included.
    await controller.rescan();
    expect(events.some((e) => e.type === 'auto-synced')).toBe(false);
    expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(cred.refresh);
  }, 60_000);

  it('moves a status across "expiring" by the clock alone', async () => {
    // The clock and the controller's timer are held: a slow start cannot cross the boundary first.
    let clock = Date.now();
    let pending: { callback: () => void; at: number } | null = null;
    const timers = {
      setTimeout: (callback: () => void, ms: number) => (pending = { callback, at: clock + ms }),
      clearTimeout: (handle: unknown) => {
        if (pending === handle) pending = null;
      },
    };
    const expiresAt = clock + 24 * HOUR + 60_000;
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: expiresAt - clock }, clock) }) }] });
    dirs.push(d);
    controller = new Controller({ env: d.env, debounceMs: 50, now: () => clock, timers });
    await controller.start();
    expect(controller.state().report.agents[0]!.status).toBe('ok');
    // Each wake it sets is run when due on the held clock (a usage check may come first): the
    // status stays ok until the clock reaches the boundary, and turns with no file changed.
    const boundary = expiresAt - 24 * HOUR;
    for (let wakes = 1; ; wakes++) {
      const wake = pending as { callback: () => void; at: number } | null;
      if (wake === null || wakes > 10) throw new Error(`no wake planned for the boundary (wake ${wakes})`);
      expect(wake.at).toBeLessThanOrEqual(boundary + 50);
      clock = Math.max(clock, wake.at);
      pending = null;
      wake.callback();
      await until(() => pending !== null, 'the controller to plan its next wake');
      if (clock < boundary) expect(controller.state().report.agents[0]!.status).toBe('ok');
      else break;
    }
    expect(controller.state().report.agents[0]!.status).toBe('expiring');
  }, 60_000);
});
