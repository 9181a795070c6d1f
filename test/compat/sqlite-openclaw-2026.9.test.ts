// AuthBar beside the real openclaw@2026.9.6 (the SQLite era) on state dirs its own
// `doctor --fix --non-interactive` migrated (test/helpers/openclaw9-state.ts):
// (a) `authbar status` agrees with `openclaw models status --json --agent ID`, state by state;
// (b) `authbar refresh` and OpenClaw's own refresh of the same profile, started together behind
//     the test HTTPS proxy, make ONE token request between them, in either order, and OpenClaw
//     then reads and uses the new credential (image generation with no refresh of its own);
// (c) after `authbar sync`, OpenClaw reads every synced agent as ok.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqliteEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { CLI, type CliResult, runCli, statusJson } from '../helpers/cli.ts';
import { observeLock } from '../helpers/lock-observer.ts';
import { installOpenClaw, jsonIn, runOpenClaw, type OpenClawResult } from '../helpers/openclaw.ts';
import {
  copyMigrated, IMAGE_MODEL, type MigratedState, migrateJsonEra, OPENCLAW9, openaiOAuth, PROFILE, PROVIDER, type Template,
} from '../helpers/openclaw9-state.ts';
import { type OpenAiProxy, RED_SQUARE_PNG, startOpenAiProxy } from '../helpers/tls-proxy.ts';
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts';
import { codexCredential } from '../helpers/tokens.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Agents whose own database (made by doctor) holds the state under test. */
const OWN = ['ok', 'expiring', 'expired', 'missing', 'older', 'pending', 'failed'] as const;

let openclaw: string;
let server: TokenServer;
let proxy: OpenAiProxy;
let template: Template;
const states: MigratedState[] = [];
const timings: string[] = [];

beforeAll(async () => {
  [openclaw, server] = await Promise.all([installOpenClaw(OPENCLAW9), startTokenServer()]);
  proxy = await startOpenAiProxy(server);
  // The JSON era: main signed in, six agents each with a sign-in of their own account, `older`
  // with a copy of main's account that doctor drops (main's is newer) but keeps a database for,
  // `inherits` with nothing. Every expiry is days away, so doctor refreshes nothing.
  const legacy = (accountId: string, expiresInMs: number) => {
    const issued = server.issue(accountId);
    return codexCredential({ accountId, email: `${accountId}@example.com`, access: issued.access, refresh: issued.refresh, expiresInMs });
  };
  template = await migrateJsonEra(openclaw, [
    { id: 'main', credential: legacy('acct-main', 3 * DAY) },
    ...OWN.map((id) => ({ id, credential: id === 'older' ? legacy('acct-main', 2 * DAY) : legacy(`acct-${id}`, 2 * DAY) })),
    { id: 'inherits' },
  ]);
  timings.push(`doctor --fix (migration of the template): ${template.doctor.ms} ms`);
}, 600_000);

afterAll(async () => {
  await proxy?.close();
  await server?.close();
  for (const d of states) d.cleanup();
  template?.cleanup();
  if (timings.length > 0) console.log(`openclaw@${OPENCLAW9} timings:\n  ${timings.join('\n  ')}`);
});

beforeEach(() => {
  server.requests.length = 0;
  proxy.upstream.length = 0;
});
afterEach(() => {
  expect(proxy.refused, 'nothing may leave through the proxy').toEqual([]);
});

/** A fresh copy of the migrated template for one test; AuthBar's refreshes go to the token server. */
function migrated(): MigratedState {
  const d = copyMigrated(template);
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url });
  states.push(d);
  return d;
}

/** A live sign-in the token server knows (so a refresh rotates), as 2026.9 stores it. */
function signIn(accountId: string, expiresInMs: number, now = Date.now()) {
  const issued = server.issue(accountId);
  return { issued, credential: openaiOAuth({ access: issued.access, refresh: issued.refresh, expires: now + expiresInMs, accountId, email: `${accountId}@example.com` }) };
}

async function timed<T>(label: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work;
  } finally {
    timings.push(`${label}: ${Date.now() - started} ms`);
  }
}

interface Verdict {
  profileId: string;
  status: string;
  expiresAt: number | null;
}

const byId = (a: Verdict, b: Verdict) => a.profileId.localeCompare(b.profileId);

/** OpenClaw's Codex OAuth verdicts for one agent (provider `openai`, type `oauth` in 2026.9). */
function openclawVerdicts(doc: any): Verdict[] {
  return (doc.auth?.oauth?.profiles ?? [])
    .filter((p: any) => p.provider === PROVIDER && p.type === 'oauth')
    .map((p: any) => ({ profileId: p.profileId, status: p.status, expiresAt: typeof p.expiresAt === 'number' ? p.expiresAt : null }))
    .sort(byId);
}

function authbarVerdicts(report: any, agentId: string): Verdict[] {
  const agent = report.agents.find((a: any) => a.id === agentId);
  if (!agent) throw new Error(`authbar status has no agent ${agentId}`);
  return agent.profiles.map((p: any) => ({ profileId: p.profileId, status: p.status, expiresAt: p.expiresAt })).sort(byId);
}

/** `openclaw models status --json --check --agent ID`: read-only (no refresh), its verdicts and exit code. */
async function openclawStatus(d: MigratedState, agentId: string): Promise<{ code: number | null; verdicts: Verdict[]; doc: any }> {
  const result = await runOpenClaw(openclaw, ['models', 'status', '--json', '--check', '--agent', agentId], d.env, 300_000);
  expect([0, 1, 2], `openclaw models status --agent ${agentId}: ${result.stderr}`).toContain(result.code);
  const doc = jsonIn(result.stdout);
  return { code: result.code, verdicts: openclawVerdicts(doc), doc };
}

/** The live model probe (it refreshes first when needed); a long per-probe timeout so lock waits never cut it short. */
function probe(d: MigratedState, agentId: string): Promise<OpenClawResult> {
  return runOpenClaw(openclaw, ['models', 'status', '--probe', '--json', '--probe-timeout', '60000', '--agent', agentId], { ...d.env, ...proxy.env }, 300_000);
}

function generateImage(d: MigratedState, agentId: string): Promise<OpenClawResult & { outputPath: string }> {
  const outputPath = join(d.root, `image-${agentId}-${Date.now()}.png`);
  return runOpenClaw(openclaw, ['infer', 'image', 'generate', '--agent', agentId, '--prompt', 'a red square', '--output', outputPath, '--json'], { ...d.env, ...proxy.env }, 300_000)
    .then((result) => ({ ...result, outputPath }));
}

/** The bundled `authbar` CLI as a child whose pid we know (to tell its refresh lock from OpenClaw's). */
function startCli(args: string[], env: Record<string, string>, timeoutMs = 150_000): { pid: number; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { pid: child.pid!, done };
}

const FENCE = /^openclaw-oauth-refresh-fence:v1:[0-9a-f]{32}:(failed:)?refresh:[0-9a-f]{64}$/;
const fenceKind = (credential: Record<string, any> | undefined): 'pending' | 'failed' | null => {
  const match = FENCE.exec(String(credential?.refresh ?? ''));
  return match ? (match[1] ? 'failed' : 'pending') : null;
};

/** The profile's refresh lock (OpenClaw 2026.9's `locks/oauth-refresh/lock-<digest>.lock`), watched from outside. */
const refreshLockOf = (d: MigratedState) => observeLock(`${sqliteEraRefreshLockTarget(d.stateDir, PROVIDER, PROFILE)}.lock`);

/** A promise the test settles by hand: the token server holds an answer until it does. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** `step`, unless `child` ends first: then fail at once with what it printed. */
async function whileRunning<T>(child: Promise<{ code: number | null; stdout: string; stderr: string }>, name: string, step: Promise<T>): Promise<T> {
  const ended = child.then((r) => {
    throw new Error(`${name} ended (exit ${r.code}) before the test saw what it waits for:\n${r.stdout}\n${r.stderr}`);
  });
  return Promise.race([step, ended]);
}

describe(`authbar status agrees with openclaw@${OPENCLAW9} models status --json`, () => {
  // OpenClaw shows a fence (pending or failed) as `expired` with no expiry: it cannot tell them
  // apart. AuthBar reads the fence itself: pending is OpenClaw refreshing right now, failed means
  // the refresh token is gone. This is the whole mapping between the two (and nothing else differs).
  const FENCE_STATUS: Record<string, { openclaw: string; authbar: string }> = {
    pending: { openclaw: 'expired', authbar: 'refreshing' },
    failed: { openclaw: 'expired', authbar: 'needs-login' },
  };

  /** Compares every listed agent; `fences` names agents whose (only) profile is fenced. */
  async function compare(d: MigratedState, agents: string[], expected: Record<string, string>, fences: Record<string, 'pending' | 'failed'>) {
    const ours = await statusJson(d.env);
    const limit = pLimit(3);
    const results = await timed(`${agents.length}× openclaw models status --json --check (3 at a time)`, Promise.all(agents.map((id) => limit(async () => ({
      id,
      theirs: await openclawStatus(d, id),
      ourCheck: (await runCli(['status', '--check', '--agent', id], d.env)).code,
    })))));
    for (const { id, theirs, ourCheck } of results) {
      const mine = authbarVerdicts(ours, id);
      const fence = fences[id];
      expect(theirs.verdicts.map((v) => v.status), `openclaw's verdict for ${id}`).toEqual([fence ? FENCE_STATUS[fence]!.openclaw : expected[id]]);
      expect(mine.map((v) => v.status), `authbar's verdict for ${id}`).toEqual([fence ? FENCE_STATUS[fence]!.authbar : expected[id]]);
      expect(mine.map((v) => v.profileId), `profile ids of ${id}`).toEqual(theirs.verdicts.map((v) => v.profileId));
      // The expiry must agree too; for a fence it is checked on its own below (OpenClaw shows none).
      if (!fence) expect(mine, `agent ${id}`).toEqual(theirs.verdicts);
      // --check per agent. The one agreed difference: OpenClaw exits 1 for a pending fence (it
      // calls it expired); AuthBar exits 2 (`refreshing`: OpenClaw is at it now, but a fence that
      // never settles is worth a look), as its README says.
      expect(ourCheck, `--check for ${id} (openclaw: ${theirs.code})`).toBe(fence === 'pending' ? 2 : theirs.code);
    }
    return { ours, results };
  }

  it('per-agent stores: ok, expiring (2 h), expired, missing expiry, an older override of main\'s account, pending and failed fences, and an agent inheriting', async () => {
    const d = migrated();
    const now = Date.now();
    d.patchProfile('expiring', { expires: now + 2 * HOUR });
    d.patchProfile('expired', { expires: now - HOUR });
    d.patchProfile('missing', { expires: undefined });
    // Doctor dropped older's copy (main's is newer); an older same-account copy put back overrides it.
    expect(d.store('older').profiles).toEqual({});
    const shared = d.profile('shared')!;
    d.setProfile('older', PROFILE, signIn('acct-main', 12 * HOUR, now).credential);
    d.fenceProfile('pending', 'pending');
    d.fenceProfile('failed', 'failed');

    const agents = ['main', ...OWN, 'inherits'];
    const expected = { main: 'ok', ok: 'ok', expiring: 'expiring', expired: 'expired', missing: 'missing', older: 'expiring', inherits: 'ok' } as Record<string, string>;
    const { ours, results } = await compare(d, agents, expected, { pending: 'pending', failed: 'failed' });
    // The checks' exit codes OpenClaw gave, for the record (2 = expiring, 1 = a problem).
    expect(Object.fromEntries(results.map((r) => [r.id, r.theirs.code]))).toEqual({ main: 0, ok: 0, expiring: 2, expired: 1, missing: 1, older: 2, pending: 1, failed: 1, inherits: 0 });
    // Where each profile comes from: the override and fences are the agents' own, inherits reads main's.
    const source = (id: string) => ours.agents.find((a: any) => a.id === id).profiles[0];
    expect(source('older')).toMatchObject({ source: 'own', storePath: d.agentDb('older'), accountId: 'acct-main', stranded: null });
    expect(source('inherits')).toMatchObject({ source: 'main', storePath: d.stateDb, expiresAt: shared.expires });
    expect(source('pending')).toMatchObject({ fix: null, cause: 'OpenClaw is refreshing this token now' });
    expect(source('failed')).toMatchObject({ cause: 'refresh failed: sign in again', fix: 'openclaw models auth login --provider openai --agent failed' });
    // And the rows are as they were: neither side refreshed or rewrote anything.
    expect(server.requests).toEqual([]);
    expect(fenceKind(d.profile('pending'))).toBe('pending');
    expect(d.profile('expired')!.expires).toBe(now - HOUR);
  }, 600_000);

  it('the shared store itself in each state, for main and an agent inheriting it', async () => {
    const limit = pLimit(2); // two state dirs at a time (each runs three OpenClaws at once, ~300 MB each)
    const cases: Array<{ name: string; expected: string; fence?: 'pending' | 'failed'; set: (d: MigratedState) => void }> = [
      { name: 'expiring', expected: 'expiring', set: (d) => d.patchProfile('shared', { expires: Date.now() + 2 * HOUR }) },
      { name: 'expired', expected: 'expired', set: (d) => d.patchProfile('shared', { expires: Date.now() - HOUR }) },
      { name: 'missing', expected: 'missing', set: (d) => d.patchProfile('shared', { expires: undefined }) },
      { name: 'pending', expected: 'expired', fence: 'pending', set: (d) => d.fenceProfile('shared', 'pending') },
      { name: 'failed', expected: 'expired', fence: 'failed', set: (d) => d.fenceProfile('shared', 'failed') },
    ];
    await Promise.all(cases.map((c) => limit(async () => {
      const d = migrated();
      c.set(d);
      // `older` has a database but no profile of its own since doctor: it inherits like `inherits`.
      const agents = ['main', 'inherits', 'older'];
      const fences = c.fence ? Object.fromEntries(agents.map((id) => [id, c.fence!])) : {};
      await compare(d, agents, Object.fromEntries(agents.map((id) => [id, c.expected])), fences);
    })));
    expect(server.requests).toEqual([]);
  }, 600_000);

  it('reports no expiry for a fence, as OpenClaw does (its `expires: 1` is a marker, not a time)', async () => {
    const d = migrated();
    d.fenceProfile('pending', 'pending');
    d.fenceProfile('failed', 'failed');
    const ours = await statusJson(d.env);
    for (const id of ['pending', 'failed']) {
      const theirs = await openclawStatus(d, id);
      expect(theirs.verdicts, id).toEqual([{ profileId: PROFILE, status: 'expired', expiresAt: null }]);
      expect(theirs.doc.auth.oauth.profiles[0]).not.toHaveProperty('expiresAt');
      const profile = ours.agents.find((a: any) => a.id === id).profiles[0];
      // A fenced copy has no expiry to show (this once printed "20000d ago").
      expect({ expiresAt: profile.expiresAt, remainingMs: profile.remainingMs }, id).toEqual({ expiresAt: null, remainingMs: null });
    }
  }, 600_000);
});

describe(`authbar refresh beside openclaw@${OPENCLAW9}'s own refresh: one token request between them`, () => {
  /** After the race: OpenClaw reads `ok` with the new expiry, and its image generation uses the new token without refreshing. */
  async function openclawUsesTheNewCredential(d: MigratedState, agentId: string, where: 'shared' | string) {
    const stored = d.profile(where)!;
    expect(fenceKind(stored)).toBeNull();
    const after = await openclawStatus(d, agentId);
    expect(after.verdicts).toEqual([{ profileId: PROFILE, status: 'ok', expiresAt: stored.expires }]);
    expect(after.code).toBe(0);
    const ours = await statusJson(d.env);
    expect(authbarVerdicts(ours, agentId)).toEqual(after.verdicts);

    server.requests.length = 0;
    proxy.upstream.length = 0;
    const image = await timed('openclaw infer image generate', generateImage(d, agentId));
    expect(image.code, `${image.stdout}\n${image.stderr}`).toBe(0);
    expect(server.requests, 'image generation must not refresh').toEqual([]);
    const calls = proxy.upstream.filter((u) => u.host === 'chatgpt.com' && u.method === 'POST' && u.path === '/backend-api/codex/responses');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.authorization).toBe(`Bearer ${stored.access}`);
    expect(JSON.parse(calls[0]!.body).tools[0]).toMatchObject({ type: 'image_generation', model: IMAGE_MODEL.split('/')[1] });
    expect(readFileSync(image.outputPath)).toEqual(RED_SQUARE_PNG);
  }

  /** The probe's own report: the verdict before its refresh, then a live model call that worked. */
  function expectProbeOk(result: OpenClawResult, access: string) {
    expect(result.code, result.stderr).toBe(0);
    const doc = jsonIn(result.stdout);
    expect(doc.auth.probes.results).toMatchObject([{ provider: PROVIDER, profileId: PROFILE, status: 'ok' }]);
    // The model call: a refused WebSocket upgrade, then the HTTP + SSE request, with the new token.
    const model = proxy.upstream.filter((u) => u.path === '/backend-api/codex/responses');
    expect(model.map((u) => [u.method, u.upgrade])).toEqual([['GET', 'websocket'], ['POST', null]]);
    expect(model[1]!.headers['openai-beta']).toBe('responses=experimental');
    expect(model.every((u) => u.authorization === `Bearer ${access}`)).toBe(true);
    return doc;
  }

  it('AuthBar first: OpenClaw arrives while AuthBar holds the refresh lock, waits, and takes AuthBar\'s credential', async () => {
    const d = migrated();
    const agent = 'inherits'; // its sign-in is main's, in the shared store
    const { issued, credential } = signIn('acct-main', -MINUTE);
    d.setProfile('shared', PROFILE, credential);
    const lock = refreshLockOf(d);
    try {
      // AuthBar's token answer is held until OpenClaw is SEEN waiting for the lock AuthBar holds
      // (OpenClaw reads the holder's pid after each failed attempt), however long OpenClaw takes
      // to get there: 4-5 s on an idle machine, 7-10 s or more on a loaded one.
      const answer = gate();
      server.queue({ until: answer.opened });
      const started = Date.now();
      const authbar = startCli(['refresh', '--agent', agent, '--json'], d.env);
      await whileRunning(authbar.done, 'authbar refresh', server.received(1));
      lock.look();
      expect(existsSync(lock.lockPath)).toBe(true);
      expect(lock.holders).toEqual([authbar.pid]);
      const eventsBefore = lock.events();
      const openclawRun = probe(d, agent);
      await whileRunning(openclawRun, 'openclaw models status --probe', lock.readByAnother());
      timings.push(`AuthBar first: OpenClaw seen waiting on AuthBar's lock after ${Date.now() - started} ms`);
      expect(lock.holders).toEqual([authbar.pid]);
      expect(lock.events(), 'the lock stayed AuthBar\'s while OpenClaw waited').toBe(eventsBefore);
      answer.open();
      const [ours, theirs] = await Promise.all([authbar.done, openclawRun]);
      timings.push(`AuthBar first: refresh + concurrent probe, both done after ${Date.now() - started} ms`);

      expect(ours.code, ours.stderr).toBe(0);
      const report = JSON.parse(ours.stdout);
      expect(report.results).toMatchObject([{ agentId: agent, profileId: PROFILE, outcome: 'refreshed' }]);
      expect(server.requests.map((r) => [r.refreshToken, r.outcome])).toEqual([[issued.refresh, 'rotated']]);
      const stored = d.profile('shared')!;
      expect(stored.refresh).not.toBe(issued.refresh);
      expect(report.results[0].expiresAt).toBe(stored.expires);
      // OpenClaw read the expired credential (its verdict before refreshing), so it went for the
      // refresh: it took the lock after AuthBar let go, re-read, and used AuthBar's credential.
      const doc = expectProbeOk(theirs, stored.access);
      expect(openclawVerdicts(doc)).toEqual([{ profileId: PROFILE, status: 'expired', expiresAt: credential.expires }]);
      expect(lock.holders[0]).toBe(authbar.pid);
      // AuthBar's release, then OpenClaw's own take of the lock (and more): every create and
      // remove is an inotify event, while a holder for a few ms may be gone before its pid is read.
      expect(lock.events() - eventsBefore, 'the lock was taken again after AuthBar let go').toBeGreaterThanOrEqual(2);
      expect(lock.holders.slice(1).every((pid) => pid !== authbar.pid)).toBe(true);
    } finally {
      lock.stop();
    }
    expect(existsSync(lock.lockPath)).toBe(false);
    await openclawUsesTheNewCredential(d, agent, 'shared');
  }, 600_000);

  it('OpenClaw first: AuthBar, started once OpenClaw\'s pending fence is in the row, waits for it and adopts', async () => {
    const d = migrated();
    const agent = 'ok'; // its own sign-in, in its own database
    const { issued, credential } = signIn('acct-ok', -MINUTE);
    d.setProfile(agent, PROFILE, credential);
    const lock = refreshLockOf(d);
    try {
      // OpenClaw's token answer is held, so its pending fence stays in the row, until AuthBar is
      // SEEN waiting for it: AuthBar takes the refresh lock, finds the fence, and lets go again.
      const answer = gate();
      server.queue({ until: answer.opened });
      const started = Date.now();
      const openclawRun = probe(d, agent);
      // OpenClaw fences the row under the lock, lets go, then asks the token endpoint.
      await whileRunning(openclawRun, 'openclaw models status --probe', server.received(1));
      const fenceSeen = Date.now() - started;
      expect(fenceKind(d.profile(agent))).toBe('pending');
      await lock.until('OpenClaw to let go of the refresh lock', () => !existsSync(lock.lockPath));
      const eventsBefore = lock.events();
      const authbar = startCli(['refresh', '--agent', agent, '--json'], d.env);
      // Created and removed again by AuthBar (OpenClaw waits on its token answer meanwhile).
      await whileRunning(authbar.done, 'authbar refresh', lock.until('AuthBar to step aside from the fence', () => lock.events() - eventsBefore >= 2 && !existsSync(lock.lockPath)));
      expect(fenceKind(d.profile(agent))).toBe('pending');
      expect(server.requests).toHaveLength(1);
      answer.open();
      const [ours, theirs] = await Promise.all([authbar.done, openclawRun]);
      timings.push(`OpenClaw first: pending fence seen after ${fenceSeen} ms; probe + AuthBar done after ${Date.now() - started} ms`);

      expect(ours.code, ours.stderr).toBe(0);
      const report = JSON.parse(ours.stdout);
      expect(server.requests.map((r) => [r.refreshToken, r.outcome])).toEqual([[issued.refresh, 'rotated']]);
      expect(report.requests).toBe(0);
      const stored = d.profile(agent)!;
      expect(stored.refresh).not.toBe(issued.refresh);
      expect(stored.accountId).toBe('acct-ok');
      expect(report.results).toMatchObject([{ agentId: agent, profileId: PROFILE, outcome: 'adopted', expiresAt: stored.expires }]);
      const doc = expectProbeOk(theirs, stored.access);
      expect(openclawVerdicts(doc)).toEqual([{ profileId: PROFILE, status: 'expired', expiresAt: credential.expires }]);
      // The shared store was never involved.
      expect(d.profile('shared')!.refresh).not.toBe(stored.refresh);
    } finally {
      lock.stop();
    }
    await openclawUsesTheNewCredential(d, agent, agent);
  }, 600_000);
});

describe(`after authbar sync, openclaw@${OPENCLAW9} reads every synced agent as ok`, () => {
  it('per-agent copies stranded by a refresh in the shared store', async () => {
    const d = migrated();
    // main's sign-in, copied by hand into two agents' own databases (one refresh token, three stores).
    const { issued, credential } = signIn('acct-main', 2 * HOUR);
    for (const where of ['shared', 'older', 'missing']) d.setProfile(where, PROFILE, { ...credential });
    expect((await statusJson(d.env)).agents.find((a: any) => a.id === 'older').profiles[0].sharedWith).toContain('main');

    // Another process refreshes the shared store only, the way OpenClaw's protocol lets an outside
    // refresher do it: under the profile's refresh lock, one short write. (2026.9.6 itself would
    // have fenced and then dropped same-token copies; a 2026.5-era process or a restored backup does not.)
    const target = `${sqliteEraRefreshLockTarget(d.stateDir, PROVIDER, PROFILE)}.lock`;
    mkdirSync(join(d.stateDir, 'locks', 'oauth-refresh'), { recursive: true });
    writeFileSync(target, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }), { flag: 'wx', mode: 0o600 });
    try {
      const answer = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: issued.refresh, client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' }),
      }).then((r) => r.json() as Promise<{ access_token: string; refresh_token: string; expires_in: number }>);
      d.patchProfile('shared', { access: answer.access_token, refresh: answer.refresh_token, expires: Date.now() + answer.expires_in * 1000 });
    } finally {
      unlinkSync(target);
    }
    const newest = d.profile('shared')!;
    const before = Object.fromEntries(await Promise.all(['older', 'missing'].map(async (id) => [id, await openclawStatus(d, id)] as const)));
    for (const id of ['older', 'missing']) expect(before[id]!.verdicts, id).toEqual([{ profileId: PROFILE, status: 'expiring', expiresAt: credential.expires }]);
    const status = await statusJson(d.env);
    for (const id of ['older', 'missing']) {
      expect(status.agents.find((a: any) => a.id === id).profiles[0], id).toMatchObject({ stranded: 'certain', newerCopyIn: 'main', fix: `authbar sync --agent ${id}` });
    }

    server.requests.length = 0;
    const sync = await runCli(['sync', '--json'], d.env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout).results.map((r: any) => [r.agentId, r.outcome]).sort()).toEqual([['missing', 'synced'], ['older', 'synced']]);
    expect(server.requests).toEqual([]);
    for (const id of ['older', 'missing']) {
      const after = await openclawStatus(d, id);
      expect(after.verdicts, id).toEqual([{ profileId: PROFILE, status: 'ok', expiresAt: newest.expires }]);
      expect(after.code, id).toBe(0);
    }
    expect(d.profile('shared')).toEqual(newest);
    for (const id of ['older', 'missing']) expect(d.store(id).profiles, id).toEqual({});
  }, 600_000);

  it('a failed fence OpenClaw left in an agent\'s own store, beside a live shared copy of the account', async () => {
    const d = migrated();
    const agent = 'failed';
    // main's sign-in expired two hours ago; the agent's own newer copy of the account (expired an
    // hour ago) holds a refresh token the endpoint no longer accepts. So OpenClaw refreshes the
    // agent's own copy (it is newer than main's) and fails.
    const shared = signIn('acct-main', -2 * HOUR);
    d.setProfile('shared', PROFILE, shared.credential);
    const dead = signIn('acct-main', -HOUR);
    server.live.delete(dead.issued.refresh);
    d.setProfile(agent, PROFILE, dead.credential);
    const failing = await timed('openclaw models status --probe (failing refresh)', probe(d, agent));
    expect(fenceKind(d.profile(agent)), `${failing.stdout}\n${failing.stderr}`).toBe('failed');
    expect(server.requests.map((r) => r.refreshToken)).toContain(dead.issued.refresh);
    expect(failing.stdout + failing.stderr).toContain('Invalid refresh token'); // 2026.9.6 names the real cause
    expect(d.profile('shared')!.refresh).toBe(shared.issued.refresh); // main's copy was not involved
    // Then main's sign-in is refreshed: by AuthBar, since OpenClaw now keeps `openai:default` in a
    // cooldown for main too (observed: its probe says the profile "is temporarily unavailable").
    server.requests.length = 0;
    const mainRefresh = await runCli(['refresh', '--agent', 'main', '--json'], d.env);
    expect(mainRefresh.code, mainRefresh.stderr).toBe(0);
    expect(server.requests.map((r) => [r.refreshToken, r.outcome])).toEqual([[shared.issued.refresh, 'rotated']]);
    const newest = d.profile('shared')!;
    expect(newest.expires).toBeGreaterThan(Date.now() + DAY);
    expect(fenceKind(d.profile(agent))).toBe('failed');
    expect((await openclawStatus(d, agent)).verdicts).toEqual([{ profileId: PROFILE, status: 'expired', expiresAt: null }]);
    expect((await statusJson(d.env)).agents.find((a: any) => a.id === agent).profiles[0]).toMatchObject({ status: 'needs-login', stranded: 'certain', newerCopyIn: 'main' });

    server.requests.length = 0;
    const sync = await runCli(['sync', '--agent', agent, '--json'], d.env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout).results).toMatchObject([{ agentId: agent, outcome: 'synced', source: 'main' }]);
    expect(server.requests).toEqual([]);
    const after = await openclawStatus(d, agent);
    expect(after.verdicts).toEqual([{ profileId: PROFILE, status: 'ok', expiresAt: newest.expires }]);
    // An agreed difference in `--check`: OpenClaw still exits 1, not for the credential but because
    // its failed refresh of the agent's own copy disabled the profile id `openai:default` for ~10
    // minutes (`auth_permanent`) in the SHARED usage state (`authProfiles.state`), i.e. for every
    // agent, main included. AuthBar never reads or writes OpenClaw's auth state, so it says 0.
    expect(after.doc.auth.unusableProfiles).toMatchObject([{ profileId: PROFILE, kind: 'disabled', reason: 'auth_permanent' }]);
    expect(after.code).toBe(1);
    expect((await runCli(['status', '--check', '--agent', agent], d.env)).code).toBe(0);
    // As 2026.9.6's own doctor does with a superseded per-agent copy: removed, so the agent inherits.
    expect(d.store(agent).profiles).toEqual({});
  }, 600_000);
});
