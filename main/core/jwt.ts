// Claims AuthBar reads from a Codex access token without verifying it: it only needs
// them to show an expiry and to tell accounts apart, never to trust the token.
import { decodeJwt } from 'jose';
import { sharesSecretPart } from './secret-parts.ts';

const OPENAI_AUTH_CLAIM = 'https://api.openai.com/auth';

export interface AccessTokenClaims {
  /** Epoch ms from `exp`, or null. */
  expiresAt: number | null;
  accountId: string | null;
}

/** An account id as OpenAI issues them (a UUID, `acct-…`): no spaces, no controls, no markup. */
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;

/**
 * The claims, from an unverified token: the account claim is the issuer's text, so it counts only
 * as a plain id that carries no part of `besides` (the refresh token beside it).
 */
export function readAccessTokenClaims(token: string | null, besides: ReadonlyArray<string | null> = []): AccessTokenClaims {
  if (!token) return { expiresAt: null, accountId: null };
  try {
    const payload = decodeJwt(token);
    const auth = payload[OPENAI_AUTH_CLAIM] as { chatgpt_account_id?: unknown } | undefined;
    const claimed = auth?.chatgpt_account_id;
    const accountId = typeof claimed === 'string' && ACCOUNT_ID.test(claimed) && !sharesSecretPart(claimed, [token, ...besides]) ? claimed : null;
    return { expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null, accountId };
  } catch {
    return { expiresAt: null, accountId: null };
  }
}
