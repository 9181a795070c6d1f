// A remote host's accounts, for the app's usage notices: built from the agent rows its AuthBar
// sent (already checked and cleaned: main/core/remote/remote-report.ts), since this machine
// never holds a host's tokens or asks for its usage. One per account per host, its agents and
// the image-generation ones among them, and the freshest answer among the copies. Pure.
import type { AgentReport } from '../api.ts';
import type { AccountUsageReport } from './schema.ts';

const CODEX = 'openai-codex';

export function accountsOfHosts(agents: readonly AgentReport[]): AccountUsageReport[] {
  const accounts = new Map<string, AccountUsageReport>();
  for (const agent of agents) {
    if (agent.host === 'local') continue;
    for (const profile of agent.profiles) {
      if (profile.provider !== CODEX || !profile.usage) continue;
      const who = profile.accountId ?? profile.email;
      const key = `${agent.host}\0${who ?? `${agent.id}\0${profile.profileId}`}`;
      let account = accounts.get(key);
      if (!account) {
        account = { host: agent.host, accountId: profile.accountId, email: profile.email, agents: [], imageAgents: [], usage: profile.usage };
        accounts.set(key, account);
      }
      if (!account.agents.includes(agent.id)) account.agents.push(agent.id);
      if (agent.imageGeneration.dependsOnCodex && !account.imageAgents.includes(agent.id)) account.imageAgents.push(agent.id);
      if ((profile.usage.checkedAt ?? -1) > (account.usage.checkedAt ?? -1)) account.usage = profile.usage;
    }
  }
  for (const account of accounts.values()) {
    account.agents.sort();
    account.imageAgents.sort();
  }
  return [...accounts.values()];
}
