// What a usage request needs from a stored credential, and whether it may be sent at all: never
// with an expired (or missing, or fenced) access token. Light on purpose: a plain status decides
// "usage unknown: token expired" with it and loads no HTTP client.
import type { UsageError } from './schema.ts';

/** What the request needs from a stored credential. Holds a secret: never serialize it. */
export interface UsageCredential {
  access: string | null;
  accountId: string | null;
  /** Epoch ms; null when the store has none. */
  expires: number | null;
  /** OpenClaw 2026.9's refresh fence in place of the tokens. */
  fenced: boolean;
}

/** Whether asking with this credential could work at all: never with an expired access token. */
export function unusableCredential(credential: UsageCredential, now: number, refreshCommand: string | null): UsageError | null {
  if (credential.fenced || !credential.access || credential.expires === null || credential.expires <= now) {
    return { kind: 'token-expired', cause: 'usage unknown: token expired', fix: refreshCommand, retryAfter: null };
  }
  return null;
}
