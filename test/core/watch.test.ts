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

interface Watched {
  d: StateDir;
  count(): number;
  /** Resolves at the next "changed" after this call. */
  next(): Promise<void>;
  watch: OpenClawWatch;
}

async function watched(options: Parameters<typeof makeStateDir>[0]): Promise<Watched> {
  const d = makeStateDir(options);
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
  cleanups.push(() => d.cleanup(), () => watch.close());
  await watch.ready;
  return {
    d,
    watch,
    count: () => changes,
    next: () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no "changed" event within 5 s')), 5000);
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

const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const doc = () => storeDocument({ 'openai-codex:default': codexCredential() });

describe('watchOpenClaw', () => {
  it('emits one debounced change for a store rewritten by temp file + rename', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }, { id: 'b', store: doc() }] });
    const changed = w.next();
    rewriteByRename(w.d.storePath('b'), doc());
    rewriteByRename(w.d.storePath('b'), doc());
    rewriteByRename(w.d.storePath('main'), doc());
    await changed;
    await quietFor(400);
    expect(w.count()).toBe(1);
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
    const d0 = makeStateDir({ agents: [{ id: 'main' }] });
    cleanups.push(() => d0.cleanup());
    const target = join(d0.root, 'vault', 'codex-store.json');
    mkdirSync(join(d0.root, 'vault'));
    writeFileSync(target, JSON.stringify(doc()));
    symlinkSync(target, d0.storePath('main'));
    let changes = 0;
    let resolveNext = () => {};
    const watch = watchOpenClaw({ env: d0.env, debounceMs: 100, onChange: () => { changes++; resolveNext(); } });
    cleanups.push(() => watch.close());
    await watch.ready;
    const changed = new Promise<void>((resolve) => (resolveNext = resolve));
    rewriteByRename(target, doc());
    await Promise.race([changed, quietFor(5000)]);
    expect(changes).toBe(1);
  });

  it('follows an agentDir override added to the config later', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }] });
    const outside = join(w.d.root, 'outside', 'agent');
    mkdirSync(outside, { recursive: true });
    let changed = w.next();
    writeFileSync(join(w.d.stateDir, 'openclaw.json'), JSON.stringify({ agents: { list: [{ id: 'main' }, { id: 'far', agentDir: outside }] } }));
    await changed;
    await quietFor(300); // the new directory is being added to the watch
    changed = w.next();
    rewriteByRename(join(outside, 'auth-profiles.json'), doc());
    await changed;
  });

  it('sees OpenClaw 2026.9 writing a SQLite store (the change lands in the WAL)', async () => {
    const { makeSqliteStateDir, openaiCredential } = await import('../helpers/sqlite-state.ts');
    const d = makeSqliteStateDir({ shared: { 'openai:default': openaiCredential({ access: 'a', refresh: 'r', expires: Date.now() + 86_400_000 }) }, agents: [{ id: 'main' }, { id: 'artist', profiles: {} }] });
    cleanups.push(() => d.cleanup());
    let changes = 0;
    let resolveNext = () => {};
    const watch = watchOpenClaw({ env: d.env, debounceMs: 100, onChange: () => { changes++; resolveNext(); } });
    cleanups.push(() => watch.close());
    await watch.ready;
    let changed = new Promise<void>((resolve) => (resolveNext = resolve));
    d.setProfile('shared', 'openai:default', openaiCredential({ access: 'b', refresh: 's', expires: Date.now() + 2 * 86_400_000 }));
    await Promise.race([changed, quietFor(5000)]);
    expect(changes).toBe(1);
    changed = new Promise<void>((resolve) => (resolveNext = resolve));
    d.setProfile('artist', 'openai:default', openaiCredential({ access: 'c', refresh: 't', expires: Date.now() + 86_400_000 }));
    await Promise.race([changed, quietFor(5000)]);
    expect(changes).toBe(2);
  });

  it('ignores lock files, temp files and unrelated agent files', async () => {
    const w = await watched({ agents: [{ id: 'main', store: doc() }] });
    writeFileSync(`${w.d.storePath('main')}.lock`, '{}');
    writeFileSync(join(w.d.agentDir('main'), 'notes.txt'), 'x');
    mkdirSync(join(w.d.stateDir, 'agents', 'main', 'sessions'), { recursive: true });
    writeFileSync(join(w.d.stateDir, 'agents', 'main', 'sessions', 's.jsonl'), 'x');
    writeFileSync(join(w.d.stateDir, 'gateway.log'), 'x');
    await quietFor(600);
    expect(w.count()).toBe(0);
  });
});
