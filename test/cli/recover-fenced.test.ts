// A held sign-in (R0 rotated to R1, R1 in AuthBar's recovery file) meets OpenClaw 2026.9's fence
// over the dead R0: OpenClaw tried R0 itself (pending while it asks, failed once told
// refresh_token_reused). The fence stands where R0 stood, so it is no new sign-in: R1 goes over
// a failed fence, waits while the fence is pending, and is never discarded (found by an attack
// review; before, recover called the fence "signed in again" and deleted R1's only copy).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { recoveryPath } from '../../main/core/authbar/recovery.ts';
import { CODEX_CLIENT_ID } from '../../main/core/refresh/token-client.ts';
import { CLI, runCli } from '../helpers/cli.ts';
import { cleanedAfter, killedAfter, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { fence, makeSqliteStateDir, openaiCredential, type SqliteState } from '../helpers/sqlite-state.ts';

tokenServerPerTest();

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

/** Another process holds a write transaction on the database until released. */
async function holdWrite(db: string) {
  const child = spawn(process.execPath, ['-e', `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    process.stdin.resume();
    process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
  `, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  killedAfter(child);
  await once(createInterface({ input: child.stdout! }), 'line');
  return { release: () => child.stdin!.end(), exited: once(child, 'exit') };
}

/** A rotates R0, keeps R1 in recovery/, and is killed while the database is busy. */
async function heldAfterKill() {
  const r0 = server.issue('acct-1');
  const original = openaiCredential({ access: r0.access, refresh: r0.refresh, expires: Date.now() + 60_000, accountId: 'acct-1' });
  const d: SqliteState = cleanedAfter(makeSqliteStateDir({ agents: [{ id: 'main' }], shared: { 'openai:default': original } }));
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000', AUTHBAR_FENCE_WAIT_MS: '500' });
  let answer = () => {};
  server.queue({ until: new Promise<void>((r) => (answer = r)) });
  const a = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
  killedAfter(a);
  const aExited = once(a, 'exit');
  await server.received(1);
  const busy = await holdWrite(d.stateDb);
  answer();
  await until(() => existsSync(recoveryPath(d.authbarHome, r0.refresh)));
  a.kill('SIGKILL');
  await aExited;
  busy.release();
  await busy.exited;
  const r1 = [...server.live].find(([, account]) => account === 'acct-1')![0];
  expect(readFileSync(recoveryPath(d.authbarHome, r0.refresh), 'utf8')).toContain(r1);
  return { d, r0, r1, original };
}

/** OpenClaw presents the dead R0 itself: refresh_token_reused. */
async function openClawTries(refresh: string) {
  const answer = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: CODEX_CLIENT_ID }) });
  expect(answer.status).toBe(400);
}

const heldTexts = (home: string) => {
  const dir = join(home, 'recovery');
  return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('') : '';
};

describe('a held sign-in and OpenClaw\'s fence over the dead token it replaced', () => {
  it('recover writes it over a failed fence', async () => {
    const { d, r0, r1, original } = await heldAfterKill();
    d.setProfile('shared', 'openai:default', fence(original, 'pending'));
    await openClawTries(r0.refresh);
    d.setProfile('shared', 'openai:default', fence(original, 'failed'));

    const recover = await runCli(['recover', '--json'], d.env);
    expect(recover.code, recover.stdout).toBe(0);
    expect(JSON.parse(recover.stdout).results).toMatchObject([{ agentId: 'main', outcome: 'recovered' }]);
    expect(d.profiles('shared')['openai:default'].refresh).toBe(r1);
    expect(heldTexts(d.authbarHome)).toBe('');
  }, 120_000);

  it('a refresh while the fence is pending keeps it held; once the fence failed, the next one writes it back', async () => {
    const { d, r0, r1, original } = await heldAfterKill();
    d.setProfile('shared', 'openai:default', fence(original, 'pending'));
    const waiting = await runCli(['refresh', '--all', '--json'], d.env);
    expect(JSON.stringify(d.profiles('shared')).includes(r1) || heldTexts(d.authbarHome).includes(r1), `R1 lost: ${waiting.stdout}`).toBe(true);
    expect(waiting.code).toBe(1);

    await openClawTries(r0.refresh);
    d.setProfile('shared', 'openai:default', fence(original, 'failed'));
    const run = await runCli(['refresh', '--all', '--json'], d.env);
    expect(run.code, run.stdout).toBe(0);
    expect(server.live.has(d.profiles('shared')['openai:default'].refresh)).toBe(true);
    expect(heldTexts(d.authbarHome)).toBe('');
    // The only reuse is OpenClaw's own try of R0; AuthBar never presented it.
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(1);
    expect(server.requests.filter((r) => r.refreshToken === r0.refresh)).toHaveLength(2);
  }, 120_000);
});
