// The exact command that fixes each problem, in one place so the CLI, the app's
// "Copy fix command" and every error line say the same thing.
import type { ProfileStatus } from './api.ts';

/**
 * The sign-in command for one agent. `--agent` belongs to `models auth`, not to `login`:
 * OpenClaw 2026.5.7 rejects `models auth login --agent X` with "unknown option '--agent'"
 * (observed), so this is the form that works. The provider id for Codex OAuth is
 * `openai-codex` up to 2026.6, `openai` from 2026.9.
 */
export function loginCommand(agentId: string, provider: string): string {
  const id = provider === 'openai' ? 'openai' : 'openai-codex';
  return `openclaw models auth --agent ${agentId} login --provider ${id}`;
}

export interface FixFacts {
  agentId: string;
  /** The agent whose store holds the credential (main's, for an inherited profile). */
  holder: string;
  provider: string;
  status: ProfileStatus;
  stranded: boolean;
}

export function fixCommand({ agentId, holder, provider, status, stranded }: FixFacts): string | null {
  if (status === 'needs-login') return loginCommand(holder, provider);
  if (stranded) return `authbar sync --agent ${agentId}`;
  if (status === 'expired' || status === 'missing' || status === 'expiring') return `authbar refresh --agent ${agentId}`;
  return null;
}
