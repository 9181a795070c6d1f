// Tokens AuthBar itself knows are dead are never presented and never copied over a live
// sign-in (found by a review): the old token of a rotation whose successor AuthBar holds (its
// recovery file), and a token AuthBar's history saw another store move on from, even once that
// store's newer token has died too.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, statusJson } from '../helpers/cli.ts';
import { rotatedAway, server, signIn, stateDirForServer, tokenServerPerTest } from '../helpers/per-test.ts';
import { storeDocument } from '../helpers/state-dir.ts';

const HOUR = 3_600_000;
tokenServerPerTest();

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** An immutable dir refuses writes even to root (the only way to make a store refuse them to root). */
function immutable(dir: string, on: boolean): void {
  const run = spawnSync('chattr', [on ? '+i' : '-i', dir]);
  if (on && run.status !== 0) throw new Error(`chattr +i is needed to make a store refuse writes (root, on ext4 or similar): ${run.stderr}`);
}

describe('a token AuthBar knows is dead', () => {
  it('the old token of a rotation AuthBar holds is never copied over another agent\'s live sign-in', async () => {
    const mainCred = signIn('acct-1', 5 * HOUR);
    const artistCred = signIn('acct-1', 2 * HOUR); // a separate sign-in of the same account, live
    const d = stateDirForServer({ agents: [{ id: 'main' }, { id: 'artist', store: storeDocument({ 'openai-codex:default': artistCred }) }] });
    // main's store lives in a dir that will refuse the write of its refreshed sign-in.
    const vault = join(d.root, 'vault');
    mkdirSync(vault);
    writeFileSync(join(vault, 'auth-profiles.json'), `${JSON.stringify(storeDocument({ 'openai-codex:default': mainCred }), null, 2)}\n`, { mode: 0o600 });
    symlinkSync(join(vault, 'auth-profiles.json'), d.storePath('main'));
    try {
      let open!: () => void;
      server.queue({ until: new Promise<void>((resolve) => (open = resolve)) });
      const child = spawn(process.execPath, [CLI, 'refresh', '--agent', 'main'], { env: d.env, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await until(() => server.requests.length === 1);
      immutable(vault, true);
      open();
      await exited;
      expect(readdirSync(join(d.authbarHome, 'recovery'))).toHaveLength(1);
      expect(server.live.has(mainCred.refresh)).toBe(false); // main's token is dead; its successor is held

      await runCli(['refresh', '--agent', 'artist'], d.env);
      expect(d.readStore('artist').profiles['openai-codex:default'].refresh).not.toBe(mainCred.refresh);
      expect(server.requests.slice(1).map((r) => r.refreshToken)).not.toContain(mainCred.refresh);
      immutable(vault, false);
      await runCli(['recover'], d.env);
      expect(server.live.has(d.readStore('artist').profiles['openai-codex:default'].refresh)).toBe(true);
    } finally {
      immutable(vault, false);
    }
  }, 60_000);

  it('a token AuthBar saw rotated away is never presented, even once the store that moved on from it holds a dead token', async () => {
    const shared = signIn('acct-1', 2 * HOUR);
    const d = stateDirForServer({ agents: ['main', 'artist'].map((id) => ({ id, store: storeDocument({ 'openai-codex:default': { ...shared } }) })) });
    await statusJson(d.env); // AuthBar sees both holding the same token
    // OpenClaw refreshes artist's copy (the token rotates there; main is left behind).
    const next = signIn('acct-1', 5 * 24 * HOUR);
    rotatedAway(shared);
    d.writeStore('artist', storeDocument({ 'openai-codex:default': next }));
    const seen = await statusJson(d.env);
    expect(seen.agents.find((a: { id: string }) => a.id === 'main').profiles[0].stranded).toBe('certain');
    // artist's token is later proved dead (rotated on another machine): a refresh of artist says so.
    rotatedAway(next);
    await runCli(['refresh', '--agent', 'artist'], d.env);
    const before = server.requests.length;
    const run = await runCli(['refresh', '--agent', 'main'], d.env);
    expect(server.requests.slice(before).map((r) => r.refreshToken)).not.toContain(shared.refresh);
    expect(run.stderr).toContain('agent main, profile openai-codex:default: needs-login: this refresh token was rotated away in another store');
  });
});
