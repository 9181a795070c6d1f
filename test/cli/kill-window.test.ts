// SIGKILL in the window between the token endpoint's answer and the store writes (issue 13 §1).
// The answer is the only live copy of the sign-in then: AuthBar writes it to its recovery file
// before any store, so whenever the kill lands, the new credential ends in a store or there.
// The kill is timed from the recovery file appearing (the CLI has read the answer) plus a
// random 0-40 ms. So that it lands in the window on a machine of any speed, another process
// takes one random store's lock (as OpenClaw does while it writes) after the request arrived
// and before it is answered: AuthBar waits for that store, so the kill falls among the writes
// before it, or in that wait, never after the run. Then the kill is timed from the recovery
// file's own temp appearing. (The bytes still in flight between the server and the
// client cannot be kept by any client: OpenClaw has the same window.) What such kills leave
// behind is test/cli/recovery-temps.test.ts.
// `npm test` runs a few rounds; `npm run stress` runs 100 (AUTHBAR_KILL_ROUNDS).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.ts';
import { type HeldLock, holdLock } from '../helpers/peer.ts';
import { cleanedAfter, killedAfter, server, tokenServerPerTest } from '../helpers/per-test.ts';
import { makeStateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

const ROUNDS = Number(process.env.AUTHBAR_KILL_ROUNDS) > 0 ? Number(process.env.AUTHBAR_KILL_ROUNDS) : 6;
tokenServerPerTest();

const recoveryFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('SIGKILL between the answer and the write', () => {
  it(`over ${ROUNDS} kills, every run ends with the new credential in a store or in AuthBar's recovery file`, async () => {
    const issued = server.issue('acct-0');
    const cred = codexCredential({ accountId: 'acct-0', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * 3_600_000 });
    const ids = ['main', ...Array.from({ length: 7 }, (_, i) => `copy-${i + 1}`)];
    const d = cleanedAfter(makeStateDir({ agents: ids.map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...cred } }) })) }));
    // The answer waits for the lock holder to start (a process): a loaded machine gets its time.
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '30000' });
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const storeTexts = () => ids.map((id) => readFileSync(d.storePath(id), 'utf8'));
    const recoveryTexts = () => recoveryFiles(recoveryDir).map((f) => readFileSync(join(recoveryDir, f), 'utf8'));

    let killedInWindow = 0;
    let heldOnly = 0; // killed before any store was written: only the recovery file had it
    let partly = 0; // killed among the store writes
    for (let round = 0; round < ROUNDS; round++) {
      // Once the request is in, a store's lock is taken before the answer goes out: never before
      // the request, or the run would wait for it while re-reading, before any answer.
      let holder: HeldLock | null = null;
      const locked = ids[Math.floor(Math.random() * ids.length)]!;
      server.queue({ until: server.received(server.requests.length + 1).then(async () => (holder = await holdLock(d.storePath(locked), killedAfter))) });
      const child = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
      killedAfter(child);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Only this round's answer counts: not a file left by the last kill (this run recovers and deletes it first).
      const before = new Set(recoveryFiles(recoveryDir));
      const watcher = watch(recoveryDir);
      let killAt: Promise<void> | null = null;
      watcher.on('change', (_type, name) => {
        const file = String(name);
        if (killAt || !file.endsWith('.json') || before.has(file) || !existsSync(join(recoveryDir, file))) return;
        killAt = new Promise((resolve) => setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, Math.random() * 40));
      });
      const signal = await exited;
      watcher.close();
      if (signal === 'SIGKILL') killedInWindow++;
      expect(holder, `round ${round}: the store lock was never taken`).not.toBeNull();
      holder!.release();
      await holder!.exited;

      // The account's one live refresh token is somewhere AuthBar or OpenClaw can use it.
      const live = [...server.live].filter(([, account]) => account === 'acct-0').map(([token]) => token);
      expect(live, `round ${round}`).toHaveLength(1);
      const inStores = storeTexts().filter((t) => t.includes(live[0]!)).length;
      const held = recoveryTexts().some((t) => t.includes(live[0]!));
      expect(inStores > 0 || held, `round ${round}: the rotated token was lost`).toBe(true);
      if (held) heldOnly += inStores === 0 ? 1 : 0;
      if (held && inStores > 0 && inStores < ids.length) partly++;
      for (const id of ids) {
        expect(() => JSON.parse(readFileSync(d.storePath(id), 'utf8'))).not.toThrow();
        expect(statSync(d.storePath(id)).mode & 0o777).toBe(0o600);
      }
    }
    // Every kill landed in the window: no run could end while a store it must write was locked.
    expect(killedInWindow).toBe(ROUNDS);
    console.log(`kill-window: ${ROUNDS} runs killed after the answer (${heldOnly} before any store write, ${partly} among the store writes)`);

    // One clean run: held sign-ins go back into the stores, every copy ends on one live token, no reuse ever.
    const final = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(final.code, final.stderr).toBe(0);
    expect(recoveryFiles(recoveryDir)).toEqual([]);
    const refreshes = new Set(ids.map((id) => d.readStore(id).profiles['openai-codex:default'].refresh));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
    expect(existsSync(recoveryDir)).toBe(true);
  }, 120_000 + ROUNDS * 10_000);
});

// The same kill timed from the recovery file's temp appearing, with no delay: it lands in that
// file's own write (its fsync is the slow step), or just after it. The new credential then ends
// in a store, in the recovery file or in its whole temp; it is gone only when the kill came
// before the temp's bytes were written (an empty temp: as in flight, no client closes that).
describe('SIGKILL while the recovery file itself is written', () => {
  it(`over ${ROUNDS} kills, the answer is lost only if no byte of it reached the disk`, async () => {
    const ids = ['main', 'copy-1', 'copy-2'];
    const signInAll = () => {
      const issued = server.issue('acct-0');
      const cred = codexCredential({ accountId: 'acct-0', access: issued.access, refresh: issued.refresh, expiresInMs: 2 * 3_600_000 });
      for (const id of ids) d.writeStore(id, storeDocument({ 'openai-codex:default': { ...cred } }));
    };
    const d = cleanedAfter(makeStateDir({ agents: ids.map((id) => ({ id })) }));
    signInAll();
    Object.assign(d.env, { AUTHBAR_TOKEN_URL: server.url, AUTHBAR_TOKEN_TIMEOUT_MS: '5000' });
    const recoveryDir = join(d.authbarHome, 'recovery');
    mkdirSync(recoveryDir, { recursive: true, mode: 0o700 });
    const texts = (names: string[]) => names.map((f) => {
      try {
        return readFileSync(join(recoveryDir, f), 'utf8');
      } catch {
        return '';
      }
    });
    const counts = { inStores: 0, inFile: 0, inTemp: 0, lostBeforeWrite: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawn(process.execPath, [CLI, 'refresh', '--all'], { env: d.env, stdio: 'ignore' });
      killedAfter(child);
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const before = new Set(readdirSync(recoveryDir));
      const watcher = watch(recoveryDir);
      // The first temp is the pre-flight's probe (created and removed before the request); the second is the write.
      const seen = new Set<string>();
      watcher.on('change', (_type, name) => {
        if (!String(name).endsWith('.tmp') || before.has(String(name))) return;
        seen.add(String(name));
        if (seen.size === 2) child.kill('SIGKILL');
      });
      await exited;
      watcher.close();

      const live = [...server.live].filter(([, account]) => account === 'acct-0').map(([token]) => token);
      expect(live, `round ${round}`).toHaveLength(1);
      const names = readdirSync(recoveryDir);
      const temps = names.filter((n) => n.endsWith('.tmp') && !before.has(n));
      if (ids.some((id) => readFileSync(d.storePath(id), 'utf8').includes(live[0]!))) counts.inStores++;
      else if (texts(names.filter((n) => n.endsWith('.json'))).some((t) => t.includes(live[0]!))) counts.inFile++;
      else if (texts(temps).some((t) => t.includes(live[0]!))) counts.inTemp++;
      else {
        // Lost: only when this round's temp holds none of the answer, and the old token is dead.
        expect(temps.length, `round ${round}: the rotated token was lost`).toBeGreaterThan(0);
        expect(texts(temps).every((t) => !t.includes('"refresh"')), `round ${round}: lost with its bytes on disk`).toBe(true);
        counts.lostBeforeWrite++;
        server.live.delete(live[0]!); // nobody holds it: as good as gone
        signInAll(); // the user signs in again, as they would
      }
    }
    console.log(`kill-window (temp): ${JSON.stringify(counts)} over ${ROUNDS} rounds`);
    const final = await runCli(['refresh', '--all'], d.env, { timeoutMs: 60_000 });
    expect(final.code, final.stderr).toBe(0);
    expect(readdirSync(recoveryDir).filter((n) => n.endsWith('.json'))).toEqual([]);
    const refreshes = new Set(ids.map((id) => d.readStore(id).profiles['openai-codex:default'].refresh));
    expect(refreshes.size).toBe(1);
    expect(server.live.has([...refreshes][0]!)).toBe(true);
    expect(server.requests.filter((r) => r.outcome === 'reused')).toHaveLength(0);
  }, 120_000 + ROUNDS * 10_000);
});
