// What is running for each agent now (refreshing, syncing) and how its last refresh or sync
// ended, per profile: the part of the panel's state that actions write. Keyed `<host>/<agentId>`.
import type { ProfileOutcome } from './api.ts';
import { agentKey } from './panel-api.ts';

export type Busy = 'refreshing' | 'syncing';

export class Activity {
  private readonly busy = new Map<string, Busy>();
  private readonly results = new Map<string, ProfileOutcome[]>();

  /** An action starts on these agents: their last outcomes make way for the new ones. */
  begin(host: string, agentIds: readonly string[], kind: Busy): void {
    for (const id of agentIds) {
      this.results.delete(agentKey(host, id));
      this.busy.set(agentKey(host, id), kind);
    }
  }

  started(host: string, agentId: string, kind: Busy): void {
    this.busy.set(agentKey(host, agentId), kind);
  }

  /** One profile finished: its outcome replaces that profile's previous one. */
  finished(result: ProfileOutcome): void {
    const key = agentKey(result.host, result.agentId);
    this.busy.delete(key);
    this.results.set(key, [...(this.results.get(key) ?? []).filter((r) => r.profileId !== result.profileId), result]);
  }

  end(host: string, agentIds: readonly string[]): void {
    for (const id of agentIds) this.busy.delete(agentKey(host, id));
  }

  /** The fix of the last failed outcome for an agent (or one of its profiles), if any. */
  lastFix(host: string, agentId: string, profileId: string | null): string | null {
    const failed = (this.results.get(agentKey(host, agentId)) ?? []).find((r) => r.outcome === 'failed' && r.fix && (profileId === null || r.profileId === profileId));
    return failed?.fix ?? null;
  }

  snapshot(): { busy: Record<string, Busy>; results: Record<string, ProfileOutcome[]> } {
    return { busy: Object.fromEntries(this.busy), results: Object.fromEntries(this.results) };
  }
}
