// The preamble several test files shared, written once: a real token server on 127.0.0.1 for
// each test, and the temp dirs a test made, removed after it (server first, then the dirs).
import { afterEach, beforeEach } from 'vitest';
import { startTokenServer, type TokenServer } from './token-server.ts';

/** This test's token server: a live binding, a new server before each test. */
export let server: TokenServer;
const made: Array<{ cleanup(): void }> = [];

/** Registers the hooks; call once at the top level of a test file. */
export function tokenServerPerTest(): void {
  beforeEach(async () => {
    server = await startTokenServer();
  });
  afterEach(async () => {
    await server.close();
    for (const d of made.splice(0)) d.cleanup();
  });
}

/** Removed, with everything in it, after the test that made it. */
export function cleanedAfter<T extends { cleanup(): void }>(d: T): T {
  made.push(d);
  return d;
}
