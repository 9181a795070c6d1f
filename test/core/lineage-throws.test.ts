// One lineage of a refresh throws (another agent's dir refuses its store lock: EPERM, as a
// read-only dir or a full disk does) while another lineage's token request is out. That answer
// must still end in a store or the recovery file, whoever runs it: the plain CLI, the installed
// app's `AuthBar --cli`, or the app quitting. Found by a review: the run rejected as a whole, the
// app's `--cli` exited at once, and the app's quit stopped waiting.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller, type ControllerEvent } from '../../main/core/controller.ts';
import { lockPathFor } from '../../main/core/openclaw/lock.ts';
import { jsonEraRefreshLockTarget } from '../../main/core/openclaw/refresh-lock.ts';
import { CLI } from '../helpers/cli.ts';
import { filesHolding, server, signIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { storeDocument } from '../helpers/state-dir.ts';

const HOUR = 3_600_000;
const ENTRY = join(import.meta.dirname, '..', '..', 'dist', 'app', 'main.cjs');
const NO_ELECTRON = join(import.meta.dirname, '..', 'helpers', 'electron-forbidden.cjs');
tokenServerPerTest();

let controller: Controller | null = null;
afterEach(async () => {
  await controller?.stop();
  controller = null;
});


async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** An immutable dir refuses new files even to root (the only way to make it refuse them to root). */
function immutable(dir: string, on: boolean): void {
  const run = spawnSync('chattr', [on ? '+i' : '-i', dir]);
  if (on && run.status !== 0) throw new Error(`chattr +i is needed to make a dir refuse files (root, on ext4 or similar): ${run.stderr}`);
}

/**
 * artist waits on OpenClaw's refresh lock (held by this live process) while main's request goes
 * out and is held; then artist's dir refuses new files and OpenClaw lets go, so artist's lineage
 * meets EPERM with main's answer still to come.
 */
function fleet() {
  const a = signIn('acct-a', 2 * HOUR);
  const b = signIn('acct-b', 2 * HOUR);
  const d = stateDirForServer({ agents: [
    { id: 'artist', store: storeDocument({ 'openai-codex:a': a }) },
    { id: 'main', store: storeDocument({ 'openai-codex:default': b }) },
  ] });
  d.env.AUTHBAR_TOKEN_TIMEOUT_MS = '30000'; // one try: the answer is held by the test, never timed out
  const refreshLock = lockPathFor(jsonEraRefreshLockTarget(d.stateDir, 'openai-codex', 'openai-codex:a'));
  mkdirSync(join(refreshLock, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(refreshLock, JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }, null, 2), { mode: 0o600 });
  let answer!: () => void;
  server.queue({ until: new Promise<void>((resolve) => (answer = resolve)) });
  return { d, b, answer: () => answer(), letArtistGo: () => rmSync(refreshLock), artistDir: d.agentDir('artist') };
}

const successorOf = (account: string) => [...server.live].find(([, acct]) => acct === account)![0];

describe('a lineage that throws while another\'s rotation is in flight', () => {
  for (const [name, command] of [['the plain CLI', [CLI]], ['the installed app\'s AuthBar --cli', ['--require', NO_ELECTRON, ENTRY, '--cli']]] as const) {
    it(`${name}: refresh --all keeps main's rotated sign-in, and says what failed where`, async () => {
      const { d, b, answer, letArtistGo, artistDir } = fleet();
      const child = spawn(process.execPath, [...command, 'refresh', '--all'], { env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (out += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        await server.received(1); // main's request is out: its token is being rotated
        expect(server.requests[0]!.refreshToken).toBe(b.refresh);
        immutable(artistDir, true);
        letArtistGo();
        await until(() => out.includes('EPERM')); // artist's lineage met the refusal
        answer();
        const code = await exited;
        immutable(artistDir, false);
        expect(server.live.has(b.refresh)).toBe(false);
        expect(filesHolding(d.root, successorOf('acct-b'))).not.toEqual([]);
        expect(d.readStore('main').profiles['openai-codex:default'].refresh).toBe(successorOf('acct-b'));
        expect(code).toBe(1);
        expect(out).toMatch(/agent artist, profile openai-codex:a: unwritable: .*EPERM/);
        expect(out).toMatch(/^main\s+openai-codex:default\s+refreshed/m);
      } finally {
        immutable(artistDir, false);
        answer();
        child.kill();
      }
    }, 60_000);
  }

  it('the app: quitting waits for main\'s answer even though artist\'s lineage of the same Refresh all threw', async () => {
    const { d, b, answer, letArtistGo, artistDir } = fleet();
    controller = new Controller({ env: d.env, debounceMs: 50 });
    const events: ControllerEvent[] = [];
    controller.on((e) => events.push(e));
    await controller.start();
    try {
      void controller.refreshAll();
      await server.received(1);
      immutable(artistDir, true);
      letArtistGo();
      await until(() => events.some((e) => (e.type === 'warning' && e.message.includes('EPERM')) || (e.type === 'outcome' && e.result.agentId === 'artist' && e.result.outcome === 'failed')));
      // The user quits: main.ts exits once stop() resolves, so by then main's answer must be in a file.
      let heldAtStop: string[] | null = null;
      const stopping = controller.stop().then(() => {
        heldAtStop = filesHolding(d.root, successorOf('acct-b'));
      });
      await new Promise((resolve) => setImmediate(resolve));
      answer();
      await stopping;
      controller = null;
      expect(server.live.has(b.refresh)).toBe(false);
      expect(heldAtStop).not.toEqual([]);
    } finally {
      immutable(artistDir, false);
      answer();
    }
  }, 60_000);
});
