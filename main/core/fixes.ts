// The exact command that fixes each problem, in one place so the CLI, the app's
// "Copy fix command" and every error line say the same thing.
import type { ProfileStatus } from './api.ts';

/**
 * The sign-in command for one agent. The Codex provider id is `openai-codex` up to 2026.6 and
 * `openai` from 2026.9. OpenClaw 2026.5.7 rejects `models auth login --agent X` ("unknown
 * option '--agent'": `--agent` belongs to `models auth` there), while 2026.9.6 accepts it.
 */
export function loginCommand(agentId: string, provider: string): string {
  return provider === 'openai'
    ? `openclaw models auth login --provider openai --agent ${agentId}`
    : `openclaw models auth --agent ${agentId} login --provider openai-codex`;
}

/** For a state dir AuthBar only reads: OpenClaw's own refresh (it refreshes inside the last 5 minutes). */
export const openclawRefreshCommand = (agentId: string): string => `openclaw models status --probe --agent ${agentId}`;

export interface FixFacts {
  agentId: string;
  /** AuthBar may write this agent's store. */
  writable?: boolean;
  /** The agent whose store holds the credential (main's, for an inherited profile). */
  holder: string;
  provider: string;
  status: ProfileStatus;
  stranded: boolean;
}

export function fixCommand({ agentId, holder, provider, status, stranded, writable = true }: FixFacts): string | null {
  if (stranded && writable) return `authbar sync --agent ${agentId}`;
  if (status === 'needs-login') return loginCommand(holder, provider);
  if (status === 'refreshing') return null; // OpenClaw is refreshing it right now
  if (!writable) return status === 'ok' ? null : openclawRefreshCommand(agentId);
  if (status === 'expired' || status === 'missing' || status === 'expiring') return `authbar refresh --agent ${agentId}`;
  return null;
}
