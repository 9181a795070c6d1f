// A differential campaign: state dir after state dir from one seed, judged by AuthBar and the
// real OpenClaw, tallied; each disagreement shrunk to a minimal state dir (within a budget).
import { type Files, generateStateDir } from './generate.ts';
import { agrees, type AgentJudgement, judge, profileAgreement } from './judge.ts';
import { shrink } from './shrink.ts';

export interface Disagreement {
  seed: string;
  agentId: string;
  ours: AgentJudgement['ours'];
  theirs: AgentJudgement['theirs'];
  /** The state dir shrunk to what still disagrees (or as generated when not shrunk). */
  files: Files;
}

export interface CampaignOptions {
  openclaw: string;
  seed: string;
  count: number;
  deadline: number;
  shrink: boolean;
  /** Tries per shrink (each one a real OpenClaw run). */
  shrinkTries?: number;
  log?: (line: string) => void;
}

export interface Summary {
  stateDirs: number;
  agents: number;
  agentsAgreeing: number;
  profiles: number;
  profilesAgreeing: number;
  checks: number;
  checksAgreeing: number;
  /** Agents on which OpenClaw itself failed (no JSON answer): not compared. */
  openclawFailures: string[];
  disagreements: Disagreement[];
  text: string;
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);

export async function runFidelity(options: CampaignOptions): Promise<Summary> {
  const log = options.log ?? (() => {});
  const s: Omit<Summary, 'text'> = { stateDirs: 0, agents: 0, agentsAgreeing: 0, profiles: 0, profilesAgreeing: 0, checks: 0, checksAgreeing: 0, openclawFailures: [], disagreements: [] };
  for (let i = 0; i < options.count && Date.now() < options.deadline; i++) {
    const seed = `${options.seed}:${i}`;
    const files = generateStateDir(seed, Date.now());
    const judged = await judge(files, { openclaw: options.openclaw });
    s.stateDirs++;
    for (const agent of judged.agents) {
      if (agent.theirs === null) {
        s.openclawFailures.push(`${seed} ${agent.agentId}: ${agent.theirError}`);
        continue;
      }
      s.agents++;
      const { total, same } = profileAgreement(agent);
      s.profiles += total;
      s.profilesAgreeing += same;
      s.checks++;
      if (agent.theirCheck === agent.ourCheck) s.checksAgreeing++;
      if (agrees(agent)) {
        s.agentsAgreeing++;
        continue;
      }
      log(`DISAGREE ${seed} agent ${agent.agentId}\n  authbar:  ${JSON.stringify(agent.ours)}\n  openclaw: ${JSON.stringify(agent.theirs)}`);
      const shrunk = options.shrink && Date.now() < options.deadline
        ? await shrink(files, agent.agentId, { openclaw: options.openclaw, maxTries: options.shrinkTries ?? 60, deadline: options.deadline })
        : { files, tries: 0 };
      if (shrunk.tries > 0) log(`  shrunk in ${shrunk.tries} tries to:\n${JSON.stringify(shrunk.files, null, 2).replace(/^/gm, '    ')}`);
      s.disagreements.push({ seed, agentId: agent.agentId, ours: agent.ours, theirs: agent.theirs, files: shrunk.files });
    }
    log(`${seed}: ${judged.agents.length} agents, ${judged.agents.filter(agrees).length} agree`);
  }
  const text = [
    `seed ${options.seed}: ${s.stateDirs} state dirs, ${s.agents} agents compared (openclaw@2026.5.7 models status --json --agent ID)`,
    `  Codex OAuth profiles (id, status, expiry): ${s.profilesAgreeing}/${s.profiles} agree (${pct(s.profilesAgreeing, s.profiles)})`,
    `  agents, whole profile list: ${s.agentsAgreeing}/${s.agents} (${pct(s.agentsAgreeing, s.agents)})`,
    `  --check from OpenClaw's view: ${s.checksAgreeing}/${s.checks} (${pct(s.checksAgreeing, s.checks)})`,
    `  OpenClaw itself failed on ${s.openclawFailures.length} agents (not compared)${s.openclawFailures.length ? `:\n    ${s.openclawFailures.join('\n    ')}` : ''}`,
  ].join('\n');
  return { ...s, text };
}
