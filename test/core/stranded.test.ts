// The stranding rules as pure functions, with explicit times and hand-made copies.
import { describe, expect, it } from 'vitest';
import { emptyMemory, type Memory, seenOf } from '../../main/core/authbar/memory.ts';
import type { CredentialCopy } from '../../main/core/copies.ts';
import { recordSightings } from '../../main/core/history.ts';
import { groupLineages } from '../../main/core/lineage.ts';
import { expiryStatus } from '../../main/core/status.ts';
import { findStranded } from '../../main/core/stranded.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const hash = (token: string) => `h(${token})`;

function copy(holder: string, refresh: string, accountId: string | null, expiresIn: number | null, profileId = 'openai-codex:default'): CredentialCopy {
  return {
    key: `/s/${holder}/auth-profiles.json\0${profileId}`,
    storePath: `/s/${holder}/auth-profiles.json`,
    storeKind: 'json',
    holder,
    holderConfigured: true,
    credential: { profileId, provider: 'openai-codex', type: 'oauth', access: `at-${refresh}`, refresh, expires: expiresIn === null ? null : NOW + expiresIn, accountId, email: null, malformed: [], raw: {} },
    accountId,
    shownAccountId: accountId,
    email: null,
    jwtExpiresAt: null,
    fence: null,
    writable: true,
  };
}

/** Records copies as AuthBar would see them at `at`, each store at version `v<n>`. */
function see(memory: Memory, copies: CredentialCopy[], version: string, at: number) {
  const versions = new Map(copies.map((c) => [c.storePath, `${c.storePath}:${version}:${c.credential.refresh}`]));
  recordSightings(memory, copies, versions, at, hash);
  return versions;
}

function stranded(copies: CredentialCopy[], memory: Memory, versions: Map<string, string>, needsLogin: string[] = []) {
  const result = findStranded({ copies, lineages: groupLineages(copies), memory, versions, needsLogin: new Set(needsLogin), now: NOW });
  return Object.fromEntries([...result].map(([key, s]) => [key.split('/')[2], `${s.kind}:${s.newest.holder}`]));
}

describe('findStranded', () => {
  it('is certain when another store held this very token and moved on', () => {
    const memory = { ...emptyMemory(), salt: 'x'.repeat(64) };
    see(memory, [copy('main', 'T1', 'acct', 48 * HOUR), copy('artist', 'T1', 'acct', 48 * HOUR)], 'v1', NOW - HOUR);
    const after = [copy('main', 'T1', 'acct', 48 * HOUR), copy('artist', 'T2', 'acct', 240 * HOUR)];
    expect(stranded(after, memory, see(memory, after, 'v2', NOW))).toEqual({ main: 'certain:artist' });
  });

  it('without history, only an expired or dead copy beside a live same-account one is (likely) stranded', () => {
    const memory = emptyMemory();
    const versions = new Map<string, string>();
    const fleet = [copy('main', 'A', 'acct', 48 * HOUR), copy('old', 'B', 'acct', -HOUR), copy('valid', 'C', 'acct', 10 * HOUR)];
    expect(stranded(fleet, memory, versions)).toEqual({ old: 'likely:main' });
    expect(stranded(fleet, memory, versions, [fleet[2]!.key])).toEqual({ old: 'likely:main', valid: 'likely:main' });
  });

  it('never groups copies without an account, nor across accounts, nor from a dead newest', () => {
    const memory = emptyMemory();
    const versions = new Map<string, string>();
    expect(stranded([copy('a', 'A', null, 48 * HOUR), copy('b', 'B', null, -HOUR)], memory, versions)).toEqual({});
    expect(stranded([copy('a', 'A', 'acct-1', 48 * HOUR), copy('b', 'B', 'acct-2', -HOUR)], memory, versions)).toEqual({});
    const fleet = [copy('a', 'A', 'acct', 48 * HOUR), copy('b', 'B', 'acct', -HOUR)];
    expect(stranded(fleet, memory, versions, [fleet[0]!.key])).toEqual({});
  });

  it('leaves the Codex CLI\'s own profile out, as target and as source', () => {
    const memory = emptyMemory();
    const versions = new Map<string, string>();
    const fleet = [copy('main', 'A', 'acct', 48 * HOUR, 'openai-codex:codex-cli'), copy('b', 'B', 'acct', -HOUR)];
    expect(stranded(fleet, memory, versions)).toEqual({});
  });
});

describe('recordSightings', () => {
  it('hashes only stores whose file changed, and keeps a short history newest first', () => {
    const memory = { ...emptyMemory(), salt: 'x'.repeat(64) };
    let hashed = 0;
    const counting = (t: string) => (hashed++, hash(t));
    const v1 = new Map([['/s/a/auth-profiles.json', '1'], ['/s/b/auth-profiles.json', '1']]);
    expect(recordSightings(memory, [copy('a', 'T1', 'x', HOUR), copy('b', 'U1', 'x', HOUR)], v1, NOW, counting)).toBe(true);
    expect(hashed).toBe(2);
    expect(recordSightings(memory, [copy('a', 'T1', 'x', HOUR), copy('b', 'U1', 'x', HOUR)], v1, NOW, counting)).toBe(false);
    expect(hashed).toBe(2);
    for (let i = 2; i <= 12; i++) {
      recordSightings(memory, [copy('a', `T${i}`, 'x', HOUR), copy('b', 'U1', 'x', HOUR)], new Map([['/s/a/auth-profiles.json', String(i)], ['/s/b/auth-profiles.json', '1']]), NOW + i, counting);
    }
    expect(hashed).toBe(13);
    const history = seenOf(memory, '/s/a/auth-profiles.json\0openai-codex:default');
    expect(history.map((h) => h.hash)).toEqual(['h(T12)', 'h(T11)', 'h(T10)', 'h(T9)', 'h(T8)', 'h(T7)', 'h(T6)', 'h(T5)']);
  });
});

describe('expiryStatus', () => {
  it('draws the boundaries where OpenClaw 2026.5.7 does', () => {
    const day = 24 * HOUR;
    expect(expiryStatus(null, NOW, day)).toBe('missing');
    expect(expiryStatus(NOW, NOW, day)).toBe('expired');
    expect(expiryStatus(NOW + 1, NOW, day)).toBe('expiring');
    expect(expiryStatus(NOW + day, NOW, day)).toBe('expiring');
    expect(expiryStatus(NOW + day + 1, NOW, day)).toBe('ok');
    // a tiny warn window never calls the last five minutes ok: OpenClaw refreshes inside them
    expect(expiryStatus(NOW + 4 * 60_000, NOW, 1000)).toBe('expiring');
  });
});
