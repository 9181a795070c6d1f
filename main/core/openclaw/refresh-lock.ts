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

const PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;

/**
 * OpenClaw 2026.9's lock digest: two 64-bit FNV-1a lanes over the UTF-8 bytes of
 * `JSON.stringify([provider, profileId])`; lane 2 xors each byte plus a constant.
 */
export function sqliteEraLockDigest(provider: string, profileId: string): string {
  let lane1 = 14695981039346656037n;
  let lane2 = 11160318154034397263n;
  for (const byte of Buffer.from(JSON.stringify([provider, profileId]), 'utf8')) {
    lane1 = ((lane1 ^ BigInt(byte)) * PRIME) & MASK;
    lane2 = ((lane2 ^ (BigInt(byte) + 11400714819323198485n)) * PRIME) & MASK;
  }
  return lane1.toString(16).padStart(16, '0') + lane2.toString(16).padStart(16, '0');
}

/** OpenClaw 2026.9.x: `<stateDir>/locks/oauth-refresh/lock-<digest>` (+ `.lock`). */
export function sqliteEraRefreshLockTarget(stateDir: string, provider: string, profileId: string): string {
  return join(refreshLocksDir(stateDir), `lock-${sqliteEraLockDigest(provider, profileId)}`);
}
