// What OpenClaw 2026.5.7 loads for one agent dir (`loadAuthProfileStoreForAgent`, read-only):
// its auth-profiles.json with the order/usage state beside it; where that file is absent or
// unusable (unparseable, a BOM, no `profiles` object), the legacy flat auth.json, and then
// `credentials/oauth.json` for the providers still missing. AuthBar flags an unusable
// auth-profiles.json (OpenClaw passes over it silently) but lists what OpenClaw lists.
import { readAuthStateFile, readLegacyFile, readStoreFile, type StoreRead } from './json-store.ts';
import { coerceAuthState, type LoadedEntry, type LoadedStore, mergeAuthState } from './merge.ts';
import { jsonStorePath, legacyStorePath } from './paths.ts';

export interface JsonEraStore {
  /** The store file AuthBar reports for the agent (auth-profiles.json, else a legacy auth.json). */
  primary: StoreRead;
  /** What OpenClaw uses, entry by entry, with the file each came from. */
  loaded: LoadedStore;
  /** The auth-state.json beside it as JSON, read once (usage/openclaw-state.ts reads its usage stats too). */
  authStateFile: unknown;
}

function entriesOf(read: StoreRead, into: Map<string, LoadedEntry>): void {
  if (read.state !== 'ok') return;
  for (const credential of read.credentials) {
    if (!into.has(credential.profileId)) into.set(credential.profileId, { credential, path: read.path, kind: read.kind });
  }
}

export function loadJsonEraStore(agentDir: string, oauthFile: () => StoreRead): JsonEraStore {
  const profiles = readStoreFile(jsonStorePath(agentDir), 'json');
  const entries = new Map<string, LoadedEntry>();
  const authStateFile = readAuthStateFile(agentDir);
  if (profiles.state === 'ok') {
    entriesOf(profiles, entries);
    const state = mergeAuthState(coerceAuthState(profiles.authState), coerceAuthState(authStateFile));
    return { primary: profiles, loaded: { entries, state, sources: [profiles] }, authStateFile };
  }
  const legacy = readLegacyFile(legacyStorePath(agentDir));
  const oauth = oauthFile();
  entriesOf(legacy, entries);
  entriesOf(oauth, entries);
  const primary = profiles.state === 'absent' && legacy.state !== 'absent' ? legacy : profiles;
  return { primary, loaded: { entries, state: {}, sources: [profiles, legacy, oauth] }, authStateFile };
}
