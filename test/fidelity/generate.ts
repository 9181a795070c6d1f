// Random JSON-era OpenClaw state dirs that nobody tuned AuthBar to, from a seed: agents in
// several config shapes (defaults, agentDir overrides, upper-case ids, directory-only agents),
// inheritance, profile id aliases, legacy auth.json and credentials/oauth.json, auth-state.json
// with failing profiles, odd field types, BOMs, truncated files and broken entries.
// A state dir is plain data (relative path → file text) so a disagreement can be shrunk.
import { createHash } from 'node:crypto';

export type Files = Record<string, string>;

/** mulberry32 over a string seed: the same seed gives the same state dirs on every machine. */
export function rng(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;
/**
 * Expiry offsets far from every boundary a verdict depends on (0, OpenClaw's 5-minute refresh
 * margin, the 24 h warn window), so the seconds between AuthBar's read and OpenClaw's do not
 * change a verdict.
 */
const OFFSETS = [-30 * HOUR, -2 * HOUR, HOUR, 6 * HOUR, 30 * HOUR, 80 * HOUR];
const ACCOUNTS = ['acct-a', 'acct-b', 'acct-c'];
const AGENT_IDS = ['main', 'coder', 'artist', 'ops', 'writer', 'qa'];

export interface Generator {
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  token(prefix: string): string;
}

export function generator(seed: string): Generator {
  const next = rng(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    token: (prefix) => `${prefix}${Array.from({ length: 24 }, () => '0123456789abcdef'[int(16)]).join('')}`,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function accessToken(g: Generator, accountId: string, expires: number): string {
  const claims = { exp: Math.floor(expires / 1000), 'https://api.openai.com/auth': { chatgpt_account_id: accountId } };
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.${g.token('sig')}`;
}

/** One Codex OAuth credential, sometimes with an odd field (the classes of issue 16). */
function codexEntry(g: Generator, now: number, account: string): Record<string, unknown> {
  const expires = now + g.pick(OFFSETS) + g.int(20 * 60_000);
  const entry: Record<string, unknown> = {
    type: 'oauth',
    provider: 'openai-codex',
    access: accessToken(g, account, expires),
    refresh: g.token('rt_'),
    expires,
    accountId: account,
    email: `${account}@example.com`,
  };
  if (g.chance(0.15)) delete entry.accountId;
  if (g.chance(0.15)) delete entry.email;
  if (g.chance(0.3)) {
    switch (g.int(15)) {
      case 0: entry.access = g.int(99999); break;
      case 1: entry.refresh = { nested: g.token('') }; break;
      case 2: entry.email = g.int(7); break;
      case 3: delete entry.expires; break;
      case 4: entry.expires = String(expires); break;
      case 5: entry.expires = 0; break;
      case 6: entry.expires = expires + 0.5; break;
      case 7: entry.provider = g.pick(['OpenAI-Codex', ' openai-codex ', 'OPENAI-CODEX']); break;
      case 8: delete entry.provider; break;
      case 9: delete entry.type; entry.mode = 'oauth'; break;
      case 10: entry.type = g.pick(['weird', null, 'OAuth']); break;
      case 11: entry.expires = -5; break;
      case 12: entry.provider = 'openai'; break;
      case 13: entry.accountId = g.int(99999); break;
      default: entry.access = ''; break;
    }
  }
  return entry;
}

function profileId(g: Generator, account: string): string {
  return g.pick(['openai-codex:default', 'openai-codex:default', `openai-codex:${account}@example.com`, 'openai-codex:work', 'openai-codex:codex-cli']);
}

function otherEntry(g: Generator): [string, unknown] {
  switch (g.int(6)) {
    case 0: return ['openai-codex:default', { type: 'token', provider: 'openai-codex', token: g.token('tok_') }];
    case 1: return ['openai-codex:default', { type: 'api_key', provider: 'openai-codex', key: g.token('sk-') }];
    case 2: return ['anthropic:default', { type: 'api_key', provider: 'anthropic', key: g.token('sk-ant-') }];
    case 3: return [g.pick(['openai-codex:default', 'openai-codex:work']), g.pick(['not an object', 42, null, []])];
    case 4: return ['openai:default', { type: 'api_key', provider: 'openai', key: g.token('sk-') }];
    default: return ['openai-codex:work', { type: 'oauth' }];
  }
}

function profilesDocument(g: Generator, now: number): Record<string, unknown> {
  const profiles: Record<string, unknown> = {};
  const count = g.int(3) + (g.chance(0.8) ? 1 : 0);
  for (let i = 0; i < count; i++) {
    const account = g.pick(ACCOUNTS);
    profiles[profileId(g, account)] = codexEntry(g, now, account);
  }
  if (g.chance(0.25)) {
    const [id, value] = otherEntry(g);
    profiles[id] = value;
  }
  return profiles;
}

/** auth-state.json marking a profile as failing (or merely rate-limited), referenced by order or lastGood. */
function authState(g: Generator, ids: string[]): unknown {
  const id = ids.length > 0 ? g.pick(ids) : 'openai-codex:work';
  const stats = g.pick([{ cooldownReason: 'auth' }, { disabledReason: 'auth_permanent' }, { failureCounts: { session_expired: 2 } }, { cooldownReason: 'rate_limit' }, { failureCounts: { auth: 0 } }]);
  const reference = g.pick(['order', 'lastGood', 'none']);
  return {
    version: 1,
    ...(reference === 'order' ? { order: { [g.pick(['openai-codex', 'OpenAI-Codex'])]: [id] } } : {}),
    ...(reference === 'lastGood' ? { lastGood: { 'openai-codex': id } } : {}),
    usageStats: { [id]: stats },
  };
}

function storeText(g: Generator, now: number): string {
  const profiles = profilesDocument(g, now);
  const shape = g.int(20);
  if (shape === 0) return '';
  if (shape === 1) return JSON.stringify({ version: 1, profiles }).slice(0, 40);
  if (shape === 2) return `\uFEFF${JSON.stringify({ version: 1, profiles }, null, 2)}`;
  if (shape === 3) return JSON.stringify({ version: 1 });
  if (shape === 4) return JSON.stringify({ version: 1, profiles: Object.values(profiles) }, null, 2);
  if (shape === 5) return JSON.stringify({ version: 1, profiles, order: { 'openai-codex': Object.keys(profiles).slice(0, 1) } }, null, 2);
  return `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`;
}

function legacyText(g: Generator, now: number): string {
  const account = g.pick(ACCOUNTS);
  const entry = codexEntry(g, now, account);
  if (g.chance(0.6)) delete entry.provider;
  // Older tools wrote epoch seconds: OpenClaw reads them as milliseconds (long expired).
  if (g.chance(0.3) && typeof entry.expires === 'number') entry.expires = Math.floor(entry.expires / 1000);
  return JSON.stringify({ 'openai-codex': entry });
}

function oauthFileText(g: Generator, now: number): string {
  const entry = codexEntry(g, now, g.pick(ACCOUNTS));
  if (g.chance(0.3) && typeof entry.expires === 'number') entry.expires = Math.floor(entry.expires / 1000);
  delete entry.type;
  if (g.chance(0.7)) delete entry.provider;
  return JSON.stringify({ 'openai-codex': entry, ...(g.chance(0.2) ? { anthropic: { access: 'x', refresh: 'y', expires: now + HOUR } } : {}) });
}

/**
 * A state dir: `openclaw/` is the state dir, `custom/` holds agentDir overrides. `now` places
 * expiries; the files are judged within minutes of it.
 */
export function generateStateDir(seed: string, now: number): Files {
  const g = generator(seed);
  const files: Files = {};
  const agentCount = 1 + g.int(4);
  const ids = ['main', ...AGENT_IDS.slice(1).sort(() => g.int(3) - 1).slice(0, agentCount - 1)];
  const list: Record<string, unknown>[] = [];
  const mainFirst = g.chance(0.8);
  for (const id of mainFirst ? ids : [...ids.slice(1), 'main']) {
    const entry: Record<string, unknown> = { id: id !== 'main' && g.chance(0.1) ? id.toUpperCase() : id };
    if (g.chance(0.15)) entry.default = true;
    let dir = `openclaw/agents/${id}/agent`;
    if (id !== 'main' && g.chance(0.15)) {
      dir = `custom/${id}-agent`;
      entry.agentDir = `@ROOT@/${dir}`;
    }
    const configured = g.chance(0.9);
    if (configured) list.push(entry);
    if (id !== 'main' && !configured) dir = `openclaw/agents/${id}/agent`;
    files[`${dir}/.keep`] = '';
    if (g.chance(id === 'main' ? 0.85 : 0.65)) files[`${dir}/auth-profiles.json`] = storeText(g, now);
    if (g.chance(0.15)) files[`${dir}/auth.json`] = legacyText(g, now);
    if (g.chance(0.2)) {
      const own = files[`${dir}/auth-profiles.json`];
      let profileIds: string[] = [];
      try {
        profileIds = Object.keys(JSON.parse(own ?? '{}').profiles ?? {});
      } catch {}
      files[`${dir}/auth-state.json`] = JSON.stringify(authState(g, profileIds));
    }
  }
  if (g.chance(0.2)) files['openclaw/credentials/oauth.json'] = oauthFileText(g, now);
  const config = {
    agents: { list, defaults: { model: 'openai-codex/gpt-5.5' } },
  };
  // Sometimes JSON5, as people write it by hand: comments and trailing commas.
  files['openclaw/openclaw.json'] = g.chance(0.2)
    ? `// hand-edited\n${JSON.stringify(config, null, 2).replace(/\n(\s*)([}\]])/g, ',\n$1$2').replace(/\[,/g, '[').replace(/\{,/g, '{')}\n`
    : `${JSON.stringify(config, null, 2)}\n`;
  return files;
}
