// The preamble several test files shared, written once: a real token server on 127.0.0.1 for
// each test, and what a test started or made, ended after it: its child processes killed, then
// the server closed, then its temp dirs removed.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { setAsideDir } from '../../main/core/authbar/set-aside.ts';
import { openaiCredential } from './sqlite-state.ts';
import { makeStateDir, type StateDir } from './state-dir.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';
import { codexCredential } from './tokens.ts';

/** This test's token server: a live binding, a new server before each test. */
export let server: TokenServer;
const made: Array<{ cleanup(): void }> = [];
const started: ChildProcess[] = [];

/** Registers the hooks; call once at the top level of a test file. */
export function tokenServerPerTest(): void {
  beforeEach(async () => {
    server = await startTokenServer();
  });
  afterEach(async () => {
    for (const child of started.splice(0)) child.kill('SIGKILL');
    await server.close();
    for (const d of made.splice(0)) d.cleanup();
  });
}

/** Removed, with everything in it, after the test that made it. */
export function cleanedAfter<T extends { cleanup(): void }>(d: T): T {
  made.push(d);
  return d;
}

/** Killed (SIGKILL) after the test that started it, if it still runs. */
export function killedAfter(child: ChildProcess): ChildProcess {
  started.push(child);
  return child;
}

/** A Codex sign-in this test's token server knows, as a fresh login would leave it. */
export function signIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return codexCredential({ accountId, access: issued.access, refresh: issued.refresh, expiresInMs, email: `${accountId}@example.com` });
}

/** The server takes this sign-in's refresh token as rotated away: presenting it is a reuse. */
export function rotatedAway(credential: { refresh: string }): void {
  server.used.add(credential.refresh);
  server.live.delete(credential.refresh);
}

/** A state dir (either era) that refreshes against this test's server, removed after the test. */
export function forServer<T extends { env: Record<string, string>; cleanup(): void }>(d: T): T {
  Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '1500' });
  return cleanedAfter(d);
}

/** A JSON-era state dir that refreshes against this test's server, removed after the test. */
export const stateDirForServer = (options: Parameters<typeof makeStateDir>[0]): StateDir => forServer(makeStateDir(options));

/** Every file under `dir` (a state dir and AuthBar's home, recovery files included) whose text holds `text`. */
export function filesHolding(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesHolding(path, text));
    else if (readFileSync(path, 'utf8').includes(text)) found.push(path);
  }
  return found;
}

/** An OpenClaw 2026.9 (`openai`) sign-in the test's token server issued, expiring `expiresInMs` from now. */
export function sqliteSignIn(accountId: string, expiresInMs: number) {
  const issued = server.issue(accountId);
  return openaiCredential({ access: issued.access, refresh: issued.refresh, expires: Date.now() + expiresInMs, accountId, email: `${accountId}@example.com` });
}

/** The set-aside records in AuthBar's home (file names; none when the dir is absent). */
export function setAsideRecords(home: string): string[] {
  try {
    return readdirSync(setAsideDir(home));
  } catch {
    return [];
  }
}
