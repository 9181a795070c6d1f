// Which copies are one sign-in. Two grains, because they answer different questions:
// - a *token lineage*: copies holding the same refresh token. One refresh rotates it for
//   all of them, so they must be refreshed once and written together.
// - an *account lineage*: copies of the same ChatGPT account (`accountId`, else the JWT
//   claim). Copies without an account are never grouped by account.
// Pure.
import type { CredentialCopy } from './copies.ts';

export interface Lineages {
  /** Copy key → the copies sharing its refresh token (itself included). */
  byToken: Map<string, CredentialCopy[]>;
  /** Copy key → the copies of its account, or of its token when it has no account. */
  byAccount: Map<string, CredentialCopy[]>;
}

function groupBy(copies: CredentialCopy[], keyOf: (copy: CredentialCopy) => string | null): Map<string, CredentialCopy[]> {
  const groups = new Map<string, CredentialCopy[]>();
  const result = new Map<string, CredentialCopy[]>();
  for (const copy of copies) {
    const key = keyOf(copy);
    if (key === null) {
      result.set(copy.key, [copy]);
      continue;
    }
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(copy);
    result.set(copy.key, group);
  }
  return result;
}

export function groupLineages(copies: CredentialCopy[]): Lineages {
  const byToken = groupBy(copies, (copy) => (copy.credential.refresh ? `refresh:${copy.credential.refresh}` : null));
  // An account lineage also takes in copies that share a token with an account-bearing copy.
  const accountOf = new Map<string, string | null>();
  for (const copy of copies) {
    const account = copy.accountId ?? byToken.get(copy.key)!.find((peer) => peer.accountId)?.accountId ?? null;
    accountOf.set(copy.key, account);
  }
  const byAccount = groupBy(copies, (copy) => {
    const account = accountOf.get(copy.key);
    return account ? `account:${account}` : null;
  });
  for (const copy of copies) {
    if (!accountOf.get(copy.key)) byAccount.set(copy.key, byToken.get(copy.key)!);
  }
  return { byToken, byAccount };
}
