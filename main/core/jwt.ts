// Claims AuthBar reads from a Codex access token without verifying it: it only needs
// them to show an expiry and to tell accounts apart, never to trust the token.
import { decodeJwt } from 'jose';

const OPENAI_AUTH_CLAIM = 'https://api.openai.com/auth';

export interface AccessTokenClaims {
  /** Epoch ms from `exp`, or null. */
  expiresAt: number | null;
  accountId: string | null;
}

export function readAccessTokenClaims(token: string | null): AccessTokenClaims {
  if (!token) return { expiresAt: null, accountId: null };
  try {
    const payload = decodeJwt(token);
    const auth = payload[OPENAI_AUTH_CLAIM] as { chatgpt_account_id?: unknown } | undefined;
    return {
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
      accountId: typeof auth?.chatgpt_account_id === 'string' ? auth.chatgpt_account_id : null,
    };
  } catch {
    return { expiresAt: null, accountId: null };
  }
}
