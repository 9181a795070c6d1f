// What the desktop app runs, without Electron: the current status (re-read whenever OpenClaw's
// files change), the refresh and sync actions behind the tray and the panel, AuthBar's
// settings, and "keep copies in sync". The tray, the panel, notifications and the Playwright
// tests all drive this one object.
import { EventEmitter } from 'node:events';
import type { ProfileOutcome, RefreshEvent, StatusReport } from './api.ts';
import { resolveAuthbarHome } from './authbar/home.ts';
import type { Env } from './openclaw/paths.ts';
import { type AgentRef, agentKey, type PanelState } from './panel-api.ts';
import { readStatus } from './read-status.ts';
import { refreshAgents } from './refresh/refresh-agents.ts';
import { applyPatch, loadSettings, saveSettings, type Settings, type SettingsPatch } from './settings.ts';
import { syncStranded } from './sync.ts';
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
}

export class Controller {
  readonly env: Env;
  readonly home: string;
  private readonly now: () => number;
  private readonly events = new EventEmitter();
  private watch: OpenClawWatch | null = null;
  private report: StatusReport | null = null;
  private settings: Settings;
  private readonly busy = new Map<string, 'refreshing' | 'syncing'>();
  private readonly results = new Map<string, ProfileOutcome[]>();
  private rescanning: Promise<void> | null = null;
  private rescanAgain = false;
  private autoSyncing = false;
  readonly warnings: string[] = [];
  private readonly options: ControllerOptions;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.env = options.env;
    this.home = resolveAuthbarHome(options.env);
    this.now = options.now ?? Date.now;
    const read = loadSettings(this.home);
    this.settings = read.settings;
    if (read.warning) this.warnings.push(read.warning);
  }

  on(listener: (event: ControllerEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private emit(event: ControllerEvent): void {
    this.events.emit('event', event);
  }

  /** Reads once, then follows OpenClaw's files. */
  async start(): Promise<void> {
    await this.rescan();
    this.watch = watchOpenClaw({ env: this.env, debounceMs: this.options.debounceMs, onChange: () => void this.rescan() });
    await this.watch.ready;
  }

  async stop(): Promise<void> {
    await this.watch?.close();
    this.watch = null;
  }

  getSettings(): Settings {
    return this.settings;
  }

  getReport(): StatusReport | null {
    return this.report;
  }

  state(): PanelState {
    const report = this.report ?? emptyReport(this.now());
    return {
      report: { ...report, warnings: [...this.warnings, ...report.warnings] },
      busy: Object.fromEntries(this.busy),
      results: Object.fromEntries(this.results),
      settings: this.settings,
      lastSeen: {},
      now: this.now(),
    };
  }

  /** Re-reads everything; concurrent calls coalesce into one more read. */
  async rescan(): Promise<void> {
    if (this.rescanning) {
      this.rescanAgain = true;
      return this.rescanning;
    }
    this.rescanning = (async () => {
      do {
        this.rescanAgain = false;
        try {
          this.report = (await readStatus({ env: this.env, now: this.now() })).report;
        } catch (error) {
          this.emit({ type: 'warning', message: `could not read OpenClaw's state: ${(error as Error).message}` });
        }
        this.emit({ type: 'state', state: this.state() });
        await this.keepCopiesInSync();
      } while (this.rescanAgain);
    })().finally(() => {
      this.rescanning = null;
    });
    return this.rescanning;
  }

  /** After a rotation, copies certainly left behind are synced at once; likely ones are only offered. */
  private async keepCopiesInSync(): Promise<void> {
    if (!this.settings.keepCopiesInSync || this.autoSyncing || !this.report) return;
    const certain = this.report.agents.filter((a) => a.host === 'local' && a.profiles.some((p) => p.stranded === 'certain'));
    if (certain.length === 0) return;
    this.autoSyncing = true;
    try {
      const report = await syncStranded({ env: this.env, agents: certain.map((a) => a.id), now: this.now });
      const synced = report.results.filter((r) => r.outcome === 'synced');
      if (synced.length > 0) {
        this.emit({ type: 'auto-synced', agents: [...new Set(synced.map((r) => r.agentId))].sort(), source: synced[0]!.source ?? 'another agent' });
      }
      this.rescanAgain = true;
    } catch (error) {
      this.emit({ type: 'warning', message: `keeping copies in sync failed: ${(error as Error).message}` });
    } finally {
      this.autoSyncing = false;
    }
  }

  private track(kind: 'refreshing' | 'syncing') {
    return (event: RefreshEvent) => {
      if (event.type === 'started') this.busy.set(agentKey(event.host, event.agentId), kind);
      else {
        const key = agentKey(event.result.host, event.result.agentId);
        this.busy.delete(key);
        this.results.set(key, [...(this.results.get(key) ?? []).filter((r) => r.profileId !== event.result.profileId), event.result]);
        this.emit({ type: 'outcome', result: event.result });
      }
      this.emit({ type: 'state', state: this.state() });
    };
  }

  private async run(kind: 'refreshing' | 'syncing', agents: string[] | 'all', work: (onEvent: (e: RefreshEvent) => void) => Promise<unknown>): Promise<void> {
    const ids = agents === 'all' ? (this.report?.agents.filter((a) => a.configured && a.host === 'local').map((a) => a.id) ?? []) : agents;
    for (const id of ids) {
      this.results.delete(agentKey('local', id));
      this.busy.set(agentKey('local', id), kind);
    }
    this.emit({ type: 'state', state: this.state() });
    try {
      await work(this.track(kind));
    } catch (error) {
      this.emit({ type: 'warning', message: (error as Error).message });
    } finally {
      for (const id of ids) this.busy.delete(agentKey('local', id));
      await this.rescan();
    }
  }

  refresh(ref: AgentRef): Promise<void> {
    return this.run('refreshing', [ref.agentId], (onEvent) => refreshAgents({ env: this.env, agents: [ref.agentId], onEvent, now: this.now }));
  }

  refreshAll(options: { ifNeeded?: boolean } = {}): Promise<void> {
    return this.run('refreshing', 'all', (onEvent) => refreshAgents({ env: this.env, agents: 'all', ifNeeded: options.ifNeeded, onEvent, now: this.now }));
  }

  sync(agentId: string | null): Promise<void> {
    return this.run('syncing', agentId === null ? 'all' : [agentId], (onEvent) => syncStranded({ env: this.env, agents: agentId === null ? 'all' : [agentId], onEvent, now: this.now }));
  }

  /** The command that fixes an agent (or one of its profiles), as the panel's copy button gives it. */
  fixCommand(ref: AgentRef, profileId: string | null): string | null {
    const agent = this.report?.agents.find((a) => a.host === ref.host && a.id === ref.agentId);
    if (!agent) return null;
    const profile = profileId === null ? undefined : agent.profiles.find((p) => p.profileId === profileId);
    return profile?.fix ?? agent.fix;
  }

  agentDir(ref: AgentRef): string | null {
    return this.report?.agents.find((a) => a.host === ref.host && a.id === ref.agentId)?.agentDir ?? null;
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const next = applyPatch(this.settings, patch);
    await saveSettings(this.home, next);
    this.settings = next;
    this.emit({ type: 'state', state: this.state() });
    if (patch.keepCopiesInSync) await this.rescan();
    return next;
  }
}

function emptyReport(now: number): StatusReport {
  return { version: '', stateDir: '', configPath: '', generatedAt: new Date(now).toISOString(), warnAfterMs: 0, agents: [], warnings: [] };
}
