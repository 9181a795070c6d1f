import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenClawWatch, watchOpenClaw } from '../../main/core/watch.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

interface Watched<D = StateDir> {
  d: D;
  count(): number;
  /** Resolves at the next "changed" after this call. */
  next(): Promise<void>;
  watch: OpenClawWatch;
}

async function watched(options: Parameters<typeof makeStateDir>[0], setup?: (d: StateDir) => void): Promise<Watched<StateDir>> {
  const d = makeStateDir(options);
  cleanups.push(() => d.cleanup());
  setup?.(d);
  return follow(d);
}

/** Watches `d` (cleaned up after the test), once the watcher is ready. */
async function follow<D extends { env: Record<string, string> }>(d: D): Promise<Watched<D>> {
  let changes = 0;
  let waiters: Array<() => void> = [];
  const watch = watchOpenClaw({
    env: d.env,
    debounceMs: 100,
    onChange: () => {
      changes++;
      for (const w of waiters) w();
      waiters = [];
    },
  });
  cleanups.push(() => watch.close());
  await watch.ready;
  return {
    d,
    watch,
    count: () => changes,
    next: () =>
      new Promise<void>((resolve, reject) => {
        // Only a bound for a clear message (a loaded machine can be slow): nothing waits on it.
        const timer = setTimeout(() => reject(new Error('no "changed" event within 30 s')), 30_000);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** OpenClaw's write: a temp file beside the store, renamed over it. */
function rewriteByRename(path: string, document: unknown): void {
  const tmp = `${path}.${Math.random().toString(16).slice(2)}.tmp`;
  writeFileSync(tmp, JSON.stringify(document, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

const doc = () => storeDocument({ 'openai-codex:default': codexCredential() });

describe('watchOpenClaw', () => {
  it('emits one debounced change for a store rewritten by temp file + rename', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }, { id: 'b', store: doc() }] });
    const changed = w.next();
    rewriteByRename(w.d.storePath('b'), doc());
    rewriteByRename(w.d.storePath('b'), doc());
    rewriteByRename(w.d.storePath('main'), doc());
    await changed;
    expect(w.count()).toBe(1);
    // No second change for the burst: the next one is the marker's. (A fixed quiet time would
    // prove nothing on a machine that stalls; a later event the watcher must report does.)
    const marker = w.next();
    rewriteByRename(w.d.storePath('main'), doc());
    await marker;
    expect(w.count()).toBe(2);
  });

  it('sees openclaw.json edits, new agents and deleted agents', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }, { id: 'gone', store: doc() }] });
    let changed = w.next();
    writeFileSync(join(w.d.stateDir, 'openclaw.json'), '{ agents: { list: [ { id: "main" } ] } }');
    await changed;

    changed = w.next();
    mkdirSync(join(w.d.stateDir, 'agents', 'newbie', 'agent'), { recursive: true });
    await changed;

    changed = w.next();
    rewriteByRename(join(w.d.stateDir, 'agents', 'newbie', 'agent', 'auth-profiles.json'), doc());
    await changed;

    changed = w.next();
    rmSync(join(w.d.stateDir, 'agents', 'gone'), { recursive: true });
    await changed;
  });

  it('follows a symlinked store to its target', async () => {
    const w = await watched({ agents: [{ id: 'main' }] }, (d) => {
      const target = join(d.root, 'vault', 'codex-store.json');
      mkdirSync(join(d.root, 'vault'));
      writeFileSync(target, JSON.stringify(doc()));
      symlinkSync(target, d.storePath('main'));
    });
    const changed = w.next();
    rewriteByRename(join(w.d.root, 'vault', 'codex-store.json'), doc());
    await changed;
    expect(w.count()).toBe(1);
  });

  it('follows an agentDir override added to the config later', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }] });
    const outside = join(w.d.root, 'outside', 'agent');
    mkdirSync(outside, { recursive: true });
    let changed = w.next();
    writeFileSync(join(w.d.stateDir, 'openclaw.json'), JSON.stringify({ agents: { list: [{ id: 'main' }, { id: 'far', agentDir: outside }] } }));
    await changed;
    // The new directory joins the watch a moment after that change (chokidar's add() says not
    // when): write until a write is seen, each attempt waiting for the change, never a set time.
    for (let attempt = 1; ; attempt++) {
      changed = w.next();
      rewriteByRename(join(outside, 'auth-profiles.json'), doc());
      const seen = await Promise.race([changed.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false))]);
      if (seen) break;
      if (attempt === 30) throw new Error('a store in the new agentDir was never seen');
    }
  });

  it('sees OpenClaw 2026.9 writing a SQLite store (the change lands in the WAL)', async () => {
    const { makeSqliteStateDir, openaiCredential } = await import('../helpers/sqlite-state.ts');
    const d = makeSqliteStateDir({ shared: { 'openai:default': openaiCredential({ access: 'a', refresh: 'r', expires: Date.now() + 86_400_000 }) }, agents: [{ id: 'main' }, { id: 'artist', profiles: {} }] });
    cleanups.push(() => d.cleanup());
    const w = await follow(d);
    let changed = w.next();
    d.setProfile('shared', 'openai:default', openaiCredential({ access: 'b', refresh: 's', expires: Date.now() + 2 * 86_400_000 }));
    await changed;
    expect(w.count()).toBe(1);
    changed = w.next();
    d.setProfile('artist', 'openai:default', openaiCredential({ access: 'c', refresh: 't', expires: Date.now() + 86_400_000 }));
    await changed;
    expect(w.count()).toBe(2);
  });

  it('ignores lock files, temp files and unrelated agent files', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }] });
    writeFileSync(`${w.d.storePath('main')}.lock`, '{}');
    writeFileSync(join(w.d.agentDir('main'), 'notes.txt'), 'x');
    mkdirSync(join(w.d.stateDir, 'agents', 'main', 'sessions'), { recursive: true });
    writeFileSync(join(w.d.stateDir, 'agents', 'main', 'sessions', 's.jsonl'), 'x');
    writeFileSync(join(w.d.stateDir, 'gateway.log'), 'x');
    // Then one write that counts: the only change reported is that one.
    const marker = w.next();
    rewriteByRename(w.d.storePath('main'), doc());
    await marker;
    expect(w.count()).toBe(1);
  });
});
