// What the desktop app runs, without Electron: the current status of this machine (re-read
// whenever OpenClaw's files change, and when a countdown crosses into "expiring" or
// "expired") and of every remote host (main/core/remote-hosts.ts), the refresh and sync
// actions behind the commands of the tray and the panel, AuthBar's settings, and "keep copies
// in sync", and the plan's usage per account (asked on demand when the panel or the tray menu
// opens, and in the background by main/core/usage/schedule.ts, folded into the one deadline
// timer). State snapshots are pure (state() changes nothing); sequence numbers are assigned
// where states are sent. The tray, the panel, notifications and the Playwright tests all drive
// this one object.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { AgentReport, ProfileOutcome, RefreshEvent, RefreshReport, StatusReport } from './api.ts';
import { resolveAuthbarHome, settingsPath } from './authbar/home.ts';
import { tildePath } from './ui/home-path.ts';
import { watchedAgents } from './ui/tray-state.ts';
import type { Env } from './openclaw/paths.ts';
import { Activity, type Busy } from './activity.ts';
import { type AgentRef, type PanelState } from './panel-api.ts';
import { readStatus } from './read-status.ts';
import { refreshAgents } from './refresh/refresh-agents.ts';
import type { RotationGuard } from './refresh/refresh-lineage.ts';
import { RemoteHosts } from './remote-hosts.ts';
import { remoteAction } from './remote/remote-status.ts';
import { applyPatch, type Host, loadSettings, saveSettings, type Settings, type SettingsPatch } from './settings.ts';
import { syncStranded } from './sync.ts';
import { UsageFollow } from './usage-follow.ts';
import { accountsOfHosts } from './usage/host-accounts.ts';
import type { AskReason } from './usage/schedule.ts';
import type { AccountUsageReport } from './usage/schema.ts';
import { nextExpiryChange } from './verdict.ts';
import { VERSION } from './version.ts';
import { type OpenClawWatch, watchOpenClaw } from './watch.ts';

export type ControllerEvent =
  | { type: 'state'; state: PanelState }
  /** Copies certainly stranded by a rotation were brought along by "keep copies in sync". */
  | { type: 'auto-synced'; agents: string[]; source: string }
  | { type: 'outcome'; result: ProfileOutcome }
  | { type: 'warning'; message: string };

export interface ControllerOptions {
  env: Env;
  now?: () => number;
  /** Debounce for file changes (ms). */
  debounceMs?: number;
  /** How refreshes and usage asks reach the network (the app passes Electron's net.fetch); undici when absent. */
  fetch?: typeof fetch;
  /** Timers for the boundary rescan (the bench counts wake-ups through these). */
  timers?: Timers;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The longest a timer can wait (Node fires a longer one at once). No shorter cap: an idle app
 * wakes only at its next deadline; sleep and unlock, which timers do not see, make the app
 * rescan at once (main/app/main.ts).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_NOTICES = 5;

export class Controller {
  readonly env: Env;
  readonly home: string;
  readonly warnings: string[] = [];
  private readonly options: ControllerOptions;
  private readonly now: () => number;
  private readonly listeners = new Set<(event: ControllerEvent) => void>();
  private watch: OpenClawWatch | null = null;
  private report: StatusReport | null = null;
  private settings: Settings;
  private readonly remotes: RemoteHosts;
  private readonly activity = new Activity();
  private notices: string[] = [];
  private seq = 0;
  private rescanning: Promise<void> | null = null;
  private rescanAgain = false;
  private autoSyncing = false;
  /** Refreshes and syncs in flight, with their host: stop() waits for them, so a rotated sign-in reaches its store first. */
  private readonly runs = new Map<Promise<void>, string>();
  /** Aborted by stop(): no token request starts after it; one in flight finishes and is written. */
  private readonly quitting = new AbortController();
  private readonly guard: RotationGuard = {
    enter: () => (this.quitting.signal.aborted ? null : { now: () => {}, release: () => {} }),
  };
  private boundaryTimer: unknown;
  private readonly usage: UsageFollow;
  private readonly timers: Timers;
  /** What the panel must say above everything (start-up failure, notices the OS could not show). */
  private banner: string | null = null;
  /** No settings file yet: the panel welcomes and asks before anything changes the OS. */
  private firstLaunch: boolean;
  private started = false;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.env = options.env;
    this.home = resolveAuthbarHome(options.env);
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };
    this.firstLaunch = !existsSync(settingsPath(this.home));
    this.usage = new UsageFollow(options.env, options.fetch);
    this.remotes = new RemoteHosts({ env: options.env, now: this.now, onChange: () => this.emitState() });
    const read = loadSettings(this.home);
    this.settings = read.settings;
    if (read.warning) this.warnings.push(read.warning);
  }

  on(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Every listener hears every event: one that throws (a notice that cannot be planned) is
   * logged and skipped, never stopping the others or the rescan that emitted it.
   */
  private emit(event: ControllerEvent): void {
    if (event.type === 'warning') this.notices = [...this.notices, event.message].slice(-MAX_NOTICES);
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error(`authbar: a ${event.type} listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Sequence numbers are assigned here, where states are sent: state() itself changes nothing. */
  private emitState(): void {
    this.seq++;
    this.emit({ type: 'state', state: this.state() });
  }

  /** A problem the user must see that is not about one agent; null clears it. */
  setBanner(text: string | null): void {
    if (text === this.banner) return;
    this.banner = text;
    this.emitState();
  }

  /** A command that failed where nobody awaits it (the tray menu): shown in the panel's notices. */
  warn(message: string): void {
    this.emit({ type: 'warning', message });
    this.emitState();
  }

  /** Reads once, then follows OpenClaw's files and every configured host. */
  async start(): Promise<void> {
    this.started = true;
    await this.rescan();
    this.watch = watchOpenClaw({ env: this.env, debounceMs: this.options.debounceMs, onChange: () => void this.rescan() });
    for (const host of this.settings.hosts) this.remotes.follow(host);
    await this.watch.ready;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.quitting.abort();
    if (this.boundaryTimer) this.timers.clearTimeout(this.boundaryTimer);
    this.boundaryTimer = undefined;
    this.remotes.stop();
    await this.watch?.close();
    this.watch = null;
    // A refresh whose answer is on its way ends with the new sign-in in the stores (or, cut off,
    // in the recovery file only); a read (or usage ask) still running would write AuthBar's
    // files after the caller is done with the home (a quit, or a test's temp dir removed).
    while (this.runs.size > 0) await Promise.allSettled([...this.runs.keys()]);
    await this.settled();
  }

  /**
   * Whether a refresh or sync on this machine is in flight (a quit then waits for it:
   * main/app/main.ts); a host's run holds none of this machine's tokens.
   */
  busy(): boolean {
    return [...this.runs.values()].includes('local');
  }

  /** Reconnect every host at once (resume from sleep, network back). */
  reconnectHosts(): void {
    this.remotes.reconnect();
  }

  getSettings(): Settings {
    return this.settings;
  }

  getReport(): StatusReport | null {
    return this.report;
  }

  state(): PanelState {
    const local = this.report ?? emptyReport(this.now());
    const remote = this.remotes.view();
    const report: StatusReport = {
      ...local,
      agents: [...local.agents, ...remote.agents],
      warnings: [...this.warnings, ...local.warnings, ...remote.hosts.flatMap((h) => (h.error ? [h.error] : []))],
      ...(remote.hosts.length > 0 ? { hosts: remote.hosts } : {}),
    };
    return {
      report,
      stateDirShown: tildePath(local.stateDir, userHome(this.env), process.platform),
      configPathShown: tildePath(local.configPath, userHome(this.env), process.platform),
      ...this.activity.snapshot(),
      settings: this.settings,
      lastSeen: remote.lastSeen,
      notices: this.notices,
      banner: this.banner,
      firstLaunch: this.firstLaunch,
      seq: this.seq,
      now: this.now(),
    };
  }

  /** Every account's usage, as last read: this machine's, then each host's from its rows (no token in them). */
  usageAccounts(): AccountUsageReport[] {
    // As for expiry notices: configured agents, on hosts whose answer is current (not greyed).
    const remote = this.remotes.view();
    return [...this.usage.accounts, ...accountsOfHosts(watchedAgents(remote, remote.lastSeen))];
  }

  /**
   * Asks the plan's usage of the accounts that are due: 'demand' when someone looks (the panel
   * or the tray menu opened), 'background' at the schedule's deadline. The 5-minute floor and
   * the back-offs hold either way (main/core/usage/schedule.ts).
   */
  askUsage(reason: AskReason): Promise<void> {
    this.usage.request(reason);
    return this.rescan();
  }

  /** Resolves once no rescan (and no usage ask) is running. */
  async settled(): Promise<void> {
    while (this.rescanning) await this.rescanning;
  }

  /** Re-reads this machine; concurrent calls coalesce into one more read. */
  async rescan(): Promise<void> {
    if (this.rescanning) {
      this.rescanAgain = true;
      return this.rescanning;
    }
    this.rescanning = (async () => {
      do {
        this.rescanAgain = false;
        const ask = this.usage.take(this.now());
        let snapshot: Awaited<ReturnType<typeof readStatus>> | null = null;
        try {
          snapshot = await readStatus({ env: this.env, now: this.now() });
          // What is known first (the cached answers, OpenClaw's record): a slow usage endpoint
          // must not hold back the state a file change brought.
          this.report = await this.usage.known(snapshot, this.now());
        } catch (error) {
          this.emit({ type: 'warning', message: `could not read OpenClaw's state: ${(error as Error).message}` });
        }
        this.scheduleBoundaryRescan();
        this.emitState();
        if (ask && snapshot) await this.checkUsage(snapshot, ask);
        await this.keepCopiesInSync();
      } while (this.rescanAgain);
    })().finally(() => {
      this.rescanning = null;
    });
    return this.rescanning;
  }

  private async checkUsage(snapshot: Awaited<ReturnType<typeof readStatus>>, ask: AskReason): Promise<void> {
    try {
      const asked = await this.usage.ask(snapshot, ask, this.now());
      if (asked === null) return;
      this.report = asked;
      this.scheduleBoundaryRescan();
      this.emitState();
    } catch (error) {
      this.emit({ type: 'warning', message: `could not check the plan's usage: ${(error as Error).message}` });
    }
  }

  /**
   * Statuses move with time alone: read again when the next one crosses "expiring" or
   * "expired", when a readiness lifts by itself (a plan limit's reset, a cooldown's end), and
   * ask usage in the background when the schedule says (one timer, to the soonest of these).
   */
  private scheduleBoundaryRescan(): void {
    if (this.boundaryTimer) this.timers.clearTimeout(this.boundaryTimer);
    this.boundaryTimer = undefined;
    if (!this.started || !this.report) return;
    const now = this.now();
    let next: number | null = null;
    for (const agent of this.report.agents) {
      for (const profile of agent.profiles) {
        const at = nextExpiryChange(profile.expiresAt, now, this.report.warnAfterMs);
        if (at !== null && (next === null || at < next)) next = at;
      }
      const until = agent.readiness?.until;
      if (typeof until === 'number' && until > now && (next === null || until < next)) next = until;
    }
    const ask = this.usage.wakeAt();
    if (ask !== null && (next === null || ask < next)) next = ask;
    // Every wake asks in the background: only the accounts that are due go out (the schedule).
    if (next !== null) this.boundaryTimer = this.timers.setTimeout(() => void this.askUsage('background'), Math.min(Math.max(next - now, 0) + 50, MAX_TIMER_MS));
  }

  /** After a rotation, copies certainly left behind are synced at once; likely ones are only offered. */
  private async keepCopiesInSync(): Promise<void> {
    if (!this.settings.keepCopiesInSync || this.autoSyncing || !this.report) return;
    const certain = this.report.agents.filter((a) => a.writable && a.profiles.some((p) => p.stranded === 'certain'));
    if (certain.length === 0) return;
    this.autoSyncing = true;
    try {
      const report = await syncStranded({ env: this.env, agents: certain.map((a) => a.id), now: this.now });
      const synced = report.results.filter((r) => r.outcome === 'synced');
      if (synced.length > 0) {
        this.emit({ type: 'auto-synced', agents: [...new Set(synced.map((r) => r.agentId))].sort(), source: synced[0]!.source ?? 'another agent' });
        this.rescanAgain = true;
      }
    } catch (error) {
      this.emit({ type: 'warning', message: `keeping copies in sync failed: ${(error as Error).message}` });
    } finally {
      this.autoSyncing = false;
    }
  }

  private track(kind: Busy) {
    return (event: RefreshEvent) => {
      if (event.type === 'started') this.activity.started(event.host, event.agentId, kind);
      else {
        this.activity.finished(event.result);
        this.emit({ type: 'outcome', result: event.result });
        // Each finished profile is re-read at once: the pill moves with its result line.
        if (event.result.host === 'local') void this.rescan();
      }
      this.emitState();
    };
  }

  private run(kind: Busy, host: string, ids: string[], work: (onEvent: (e: RefreshEvent) => void) => Promise<RefreshReport | unknown>): Promise<void> {
    // Quitting: nothing new starts (a host's run would only make the quit wait for ssh).
    if (this.quitting.signal.aborted) return Promise.resolve();
    const running = this.runNow(kind, host, ids, work);
    this.runs.set(running, host);
    void running.finally(() => this.runs.delete(running));
    return running;
  }

  private async runNow(kind: Busy, host: string, ids: string[], work: (onEvent: (e: RefreshEvent) => void) => Promise<RefreshReport | unknown>): Promise<void> {
    this.activity.begin(host, ids, kind);
    this.emitState();
    const onEvent = this.track(kind);
    try {
      const report = await work(onEvent);
      // Remote actions report at the end, in one piece.
      if (host !== 'local') for (const result of (report as RefreshReport).results) onEvent({ type: 'finished', result });
    } catch (error) {
      this.emit({ type: 'warning', message: (error as Error).message });
    } finally {
      this.activity.end(host, ids);
      if (host === 'local') await this.rescan();
      else this.emitState();
    }
  }

  private remoteHost(name: string): Host {
    const host = this.remotes.host(name);
    if (!host) throw new Error(`no host named ${name}; add it with: authbar hosts add ${name} USER@HOST`);
    return host;
  }

  refresh(ref: AgentRef): Promise<void> {
    if (ref.host !== 'local') {
      return this.run('refreshing', ref.host, [ref.agentId], () => remoteAction(this.remoteHost(ref.host), ['refresh', '--agent', ref.agentId], this.env as NodeJS.ProcessEnv, VERSION));
    }
    return this.run('refreshing', 'local', [ref.agentId], (onEvent) => refreshAgents({ env: this.env, agents: [ref.agentId], onEvent, now: this.now, fetch: this.options.fetch, guard: this.guard, stopRetrying: this.quitting.signal }));
  }

  refreshAll(options: { ifNeeded?: boolean } = {}): Promise<void> {
    const ids = this.report?.agents.filter((a) => a.configured).map((a) => a.id) ?? [];
    return this.run('refreshing', 'local', ids, (onEvent) => refreshAgents({ env: this.env, agents: 'all', ifNeeded: options.ifNeeded, onEvent, now: this.now, fetch: this.options.fetch, guard: this.guard, stopRetrying: this.quitting.signal }));
  }

  sync(host: string, agentId: string | null): Promise<void> {
    if (host !== 'local') {
      const args = agentId === null ? ['sync'] : ['sync', '--agent', agentId];
      return this.run('syncing', host, agentId === null ? [] : [agentId], () => remoteAction(this.remoteHost(host), args, this.env as NodeJS.ProcessEnv, VERSION));
    }
    return this.run('syncing', 'local', agentId === null ? [] : [agentId], (onEvent) => syncStranded({ env: this.env, agents: agentId === null ? 'all' : [agentId], onEvent, now: this.now }));
  }

  private agent(ref: AgentRef): AgentReport | undefined {
    if (ref.host === 'local') return this.report?.agents.find((a) => a.id === ref.agentId);
    return this.remotes.agent(ref.host, ref.agentId);
  }

  /**
   * The command that fixes an agent (or one of its profiles): the last failed outcome's fix
   * first, else the report's. For a remote host, the command to run there, through ssh.
   */
  fixCommand(ref: AgentRef, profileId: string | null): string | null {
    const failed = this.activity.lastFix(ref.host, ref.agentId, profileId);
    if (failed) return failed;
    const agent = this.agent(ref);
    if (!agent) return null;
    const profile = profileId === null ? undefined : agent.profiles.find((p) => p.profileId === profileId);
    // A remote agent's fixes were rebuilt on arrival with the ssh command in front (remote-report.ts).
    return profile?.fix ?? agent.fix ?? agent.profiles.find((p) => p.fix)?.fix ?? null;
  }

  /** An agent's auth folder and store, on this machine only. */
  authFolder(ref: AgentRef): { agentDir: string; storePath: string } | null {
    const agent = ref.host === 'local' ? this.agent(ref) : undefined;
    return agent ? { agentDir: agent.agentDir, storePath: agent.storePath } : null;
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    await this.saveSettings(applyPatch(this.settings, patch));
    if (patch.keepCopiesInSync) await this.rescan();
    return this.settings;
  }

  private async saveSettings(next: Settings): Promise<void> {
    await saveSettings(this.home, next);
    this.settings = next;
    this.firstLaunch = false;
    this.emitState();
  }

  async addHost(host: Host): Promise<void> {
    if (this.settings.hosts.some((h) => h.name === host.name)) throw new Error(`a host named ${host.name} exists already; remove it first`);
    await this.saveSettings({ ...this.settings, hosts: [...this.settings.hosts, host] });
    if (this.started) this.remotes.follow(host);
    this.emitState();
  }

  async removeHost(name: string): Promise<void> {
    if (!this.settings.hosts.some((h) => h.name === name)) throw new Error(`no host named ${name}`);
    this.remotes.unfollow(name);
    await this.saveSettings({ ...this.settings, hosts: this.settings.hosts.filter((h) => h.name !== name) });
  }
}

function emptyReport(now: number): StatusReport {
  return { version: VERSION, stateDir: '', configPath: '', generatedAt: new Date(now).toISOString(), warnAfterMs: 0, agents: [], warnings: [] };
}

/** The user's home as their shell has it (HOME; USERPROFILE on Windows), for showing paths as `~/…`. */
function userHome(env: Env): string {
  return (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
}
