// What the app knows of the plan's usage between rescans: the asks waiting for the next one
// (demand wins over background), the accounts and their usage as last read, and when the
// background should next ask, never sooner than 5 minutes after its last ask whatever the
// files say (a cache that cannot be written must not make the app spin). The controller folds
// wakeAt() into its one deadline timer; the asking itself is ./usage/report.ts.
import type { StatusReport } from './api.ts';
import type { Env } from './openclaw/paths.ts';
import type { StatusSnapshot } from './read-status.ts';
import type { FetchLike } from './usage/client.ts';
import { withUsage, type WithUsage } from './usage/report.ts';
import { type AskReason, MIN_INTERVAL_MS } from './usage/schedule.ts';
import type { AccountUsageReport } from './usage/schema.ts';

export class UsageFollow {
  /** This machine's accounts with their usage, as the usage notifications plan them. */
  accounts: AccountUsageReport[] = [];
  private pending: AskReason | null = null;
  private nextAskAt: number | null = null;
  private lastBackgroundAt = Number.NEGATIVE_INFINITY;
  private readonly env: Env;
  private readonly fetch: FetchLike | undefined;

  constructor(env: Env, fetch: FetchLike | undefined) {
    this.env = env;
    this.fetch = fetch;
  }

  request(reason: AskReason): void {
    if (reason === 'demand' || this.pending === null) this.pending = reason;
  }

  /** The ask the next rescan makes, if any; taking it clears it. */
  take(now: number): AskReason | null {
    const reason = this.pending;
    this.pending = null;
    if (reason === 'background') this.lastBackgroundAt = now;
    return reason;
  }

  /** The report with what is known (the cached answers, OpenClaw's record), asking no one. */
  async known(snapshot: StatusSnapshot, now: number): Promise<StatusReport> {
    return this.apply(await withUsage(snapshot, { env: this.env, now, ask: null })).report;
  }

  /** Asks the due accounts; the report when anything was asked, else null (nothing changed). */
  async ask(snapshot: StatusSnapshot, reason: AskReason, now: number): Promise<StatusReport | null> {
    const asked = this.apply(await withUsage(snapshot, { env: this.env, now, ask: reason, fetch: this.fetch }));
    return asked.requests > 0 ? asked.report : null;
  }

  /** When the background should next ask; null when no account would be asked. */
  wakeAt(): number | null {
    return this.nextAskAt === null ? null : Math.max(this.nextAskAt, this.lastBackgroundAt + MIN_INTERVAL_MS);
  }

  private apply(read: WithUsage): WithUsage {
    this.accounts = read.accounts;
    this.nextAskAt = read.nextAskAt;
    return read;
  }
}
