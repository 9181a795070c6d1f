// Where OpenClaw's per-profile OAuth refresh lock lives. Every agent refreshing the same
// profile id takes the same lock, which is what stops two processes presenting one
// single-use refresh token twice (the `refresh_token_reused` storm, openclaw#26322).
// The naming changed across releases: this is pinned to the versions whose stores we write.
import { crypto } from '../lazy-crypto.ts';
import { join } from 'node:path';
import { refreshLocksDir } from './paths.ts';

/** OpenClaw 2026.5.x: `<stateDir>/locks/oauth-refresh/sha256-<sha256(provider \0 profileId)>` (+ `.lock`). */
export function jsonEraRefreshLockTarget(stateDir: string, provider: string, profileId: string): string {
  const digest = crypto().createHash('sha256').update(`${provider}\0${profileId}`).digest('hex');
  return join(refreshLocksDir(stateDir), `sha256-${digest}`);
}
