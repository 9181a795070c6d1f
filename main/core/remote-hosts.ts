// The remote hosts the app follows, one live SSH stream each (main/core/remote/host-stream.ts):
// their last reports, whether they answer, and what the panel shows of them. Split out of the
// Controller, which holds this machine's state, the actions and the settings.
import type { AgentReport, HostReport, StatusReport } from './api.ts';
import type { Env } from './openclaw/paths.ts';
import { type HostStream, openHostStream } from './remote/host-stream.ts';
import { tagAgents } from './remote/remote-status.ts';
import type { Host } from './settings.ts';
import { VERSION } from './version.ts';

interface Followed {
  host: Host;
  stream: HostStream | null;
  report: StatusReport | null;
  /** When its last report arrived. */
  seenAt: number | null;
  reachable: boolean;
  checkedAt: number;
  error: string | null;
}

export interface RemoteView {
  agents: AgentReport[];
  hosts: HostReport[];
  /** Hosts that stopped answering → when their rows were last current: greyed, not notified about. */
  lastSeen: Record<string, number>;
}

export class RemoteHosts {
  private readonly followed = new Map<string, Followed>();
  private readonly options: { env: Env; now: () => number; onChange(): void };

  constructor(options: { env: Env; now: () => number; onChange(): void }) {
    this.options = options;
  }

  follow(host: Host): void {
    const remote: Followed = { host, stream: null, report: null, seenAt: null, reachable: true, checkedAt: this.options.now(), error: null };
    this.followed.set(host.name, remote);
    // The stream may answer before openHostStream returns (a host it refuses at once).
    remote.stream = openHostStream({
      host,
      env: this.options.env as NodeJS.ProcessEnv,
      version: VERSION,
      now: this.options.now,
      onEvent: (event) => {
        remote.checkedAt = event.at;
        if (event.type === 'report') Object.assign(remote, { report: event.report, seenAt: event.at, reachable: true, error: null });
        else Object.assign(remote, { reachable: false, error: event.error });
        this.options.onChange();
      },
    });
  }

  unfollow(name: string): void {
    this.followed.get(name)?.stream?.stop();
    this.followed.delete(name);
  }

  /** Every stream reconnects now (resume from sleep, unlock, network back). */
  reconnect(): void {
    for (const remote of this.followed.values()) remote.stream?.reconnect();
  }

  stop(): void {
    for (const remote of this.followed.values()) remote.stream?.stop();
    this.followed.clear();
  }

  get size(): number {
    return this.followed.size;
  }

  host(name: string): Host | undefined {
    return this.followed.get(name)?.host;
  }

  agent(host: string, agentId: string): AgentReport | undefined {
    return this.followed.get(host)?.report?.agents.find((a) => a.id === agentId);
  }

  /** What the panel shows of the hosts: their agents (tagged with the host), status and staleness. */
  view(): RemoteView {
    const agents: AgentReport[] = [];
    const hosts: HostReport[] = [];
    const lastSeen: Record<string, number> = {};
    for (const remote of this.followed.values()) {
      if (remote.report) agents.push(...tagAgents(remote.report.agents, remote.host.name));
      // A host that stopped answering keeps its rows, greyed, and is not notified about.
      if (!remote.reachable) lastSeen[remote.host.name] = remote.seenAt ?? 0;
      hosts.push({ name: remote.host.name, reachable: remote.reachable, checkedAt: new Date(remote.checkedAt).toISOString(), error: remote.error });
    }
    return { agents, hosts, lastSeen };
  }
}
