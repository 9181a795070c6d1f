// `authbar status` reads files and prints: it must not initialise an HTTP client. undici's
// initialisation (http, tls, http2, zlib) was a third of `status --json`'s CPU when a constant
// imported from the token client pulled it in (measured with --cpu-prof). Asserted by what
// Node loaded, never by time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { codexCredential } from '../helpers/tokens.ts';

let dirs: StateDir[] = [];
let temps: string[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  dirs = [];
  temps = [];
});

describe('status stays lean', () => {
  it('status --json and the table load no HTTP client (no http, tls, http2 or zlib)', async () => {
    const d = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ accountId: 'acct-1' }) }) }] });
    dirs.push(d);
    const probeDir = mkdtempSync(join(tmpdir(), 'authbar-test-'));
    temps.push(probeDir);
    const probe = join(probeDir, 'modules.mjs');
    writeFileSync(probe, "process.on('exit', () => process.stderr.write(`loaded=${process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(',')}\\n`));\n");
    for (const args of [['status', '--json'], ['status']]) {
      const result = await runCli(args, { ...d.env, NODE_OPTIONS: `--import ${probe}` });
      expect(result.code, result.stderr).toBe(0);
      const loaded = /loaded=(.*)/.exec(result.stderr)?.[1]?.split(',') ?? [];
      expect(loaded).toContain('fs'); // the probe saw the run
      expect(loaded.filter((m) => ['http', 'https', 'tls', 'http2', 'zlib'].includes(m))).toEqual([]);
    }
  });
});
