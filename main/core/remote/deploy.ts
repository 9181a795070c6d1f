// AuthBar brings itself to a remote host: nothing to install there, no package registry
// involved (the `authbar` npm package is private and unpublished). A host that runs OpenClaw
// has Node >= 22 already, so AuthBar's own CLI bundle (a few CommonJS files) is copied over
// ssh into a versioned directory under the remote user's cache dir, checked there against
// the sha256 of every file, and run with the host's Node. The directory's name carries the
// version and a digest of the files, so a new AuthBar (or a rebuilt bundle) deploys itself
// again, and an old one keeps running from its own directory.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanText } from '../clean-text.ts';

export interface BundleFile {
  name: string;
  sha256: string;
  data: Buffer;
}

export interface Bundle {
  version: string;
  /** `<version>-<12 hex of the files' digest>`: the remote directory's name. */
  key: string;
  files: BundleFile[];
}

/** The launcher exits with this when the bundle is not on the host yet: deploy, then run again. */
export const NOT_DEPLOYED_EXIT = 86;
export const NOT_DEPLOYED_MARKER = 'authbar-deploy: not deployed here';
/** The installer's exit when the host's Node is older than AuthBar needs. */
export const OLD_NODE_EXIT = 87;
export const MIN_REMOTE_NODE = [22, 13] as const;

const ENTRY = 'authbar.cjs';

export function readBundle(dir: string, version: string): Bundle {
  const names = readdirSync(dir).filter((name) => name.endsWith('.cjs')).sort();
  if (!names.includes(ENTRY)) throw new Error(`${dir} holds no ${ENTRY}: build AuthBar first (npm run build)`);
  const files = names.map((name) => {
    const data = readFileSync(join(dir, name));
    return { name, data, sha256: createHash('sha256').update(data).digest('hex') };
  });
  const digest = createHash('sha256').update(files.map((f) => `${f.name} ${f.sha256}\n`).join('')).digest('hex');
  return { version, key: `${version}-${digest.slice(0, 12)}`, files };
}

/**
 * Where this AuthBar's CLI bundle is: `AUTHBAR_CLI_BUNDLE`, else beside the running bundle
 * (dist/cli for the CLI, dist/app/../cli for the app, inside app.asar when packaged).
 */
export function locateBundle(env: NodeJS.ProcessEnv): string | null {
  const here = typeof __dirname === 'string' ? __dirname : null;
  const candidates = [env.AUTHBAR_CLI_BUNDLE?.trim(), here, here && join(here, '..', 'cli')];
  return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, ENTRY))) ?? null;
}

const bundles = new Map<string, Bundle>();
/** Versions of AuthBar's bundle a host keeps (this one included); others go once unused for a day. */
const KEEP_VERSIONS = 3;

/** This AuthBar's bundle, read once per process; null where there is none (then the host's `authbar` runs). */
export function localBundle(env: NodeJS.ProcessEnv, version: string): Bundle | null {
  const dir = locateBundle(env);
  if (!dir) return null;
  let bundle = bundles.get(dir);
  if (!bundle) bundles.set(dir, (bundle = readBundle(dir, version)));
  return bundle;
}

// The remote user's cache dir, as XDG and Node's os.homedir() see it on Linux and macOS.
const REMOTE_DIR = (key: string) => `\${XDG_CACHE_HOME:-$HOME/.cache}/authbar/cli/${key}`;

/**
 * The POSIX sh script that runs the deployed CLI with the host's Node, or says it is not
 * there yet. Run as `sh -c SCRIPT authbar ARGS...`, so the user's login shell (bash, zsh,
 * fish) only ever parses one quoted word.
 */
export function launcherScript(bundle: Bundle): string {
  return [
    `d="${REMOTE_DIR(bundle.key)}"`,
    `[ -f "$d/${ENTRY}" ] || { echo "${NOT_DEPLOYED_MARKER}" >&2; exit ${NOT_DEPLOYED_EXIT}; }`,
    // Marks the version as used now: the installer prunes versions by their last use.
    `touch -c "$d" 2>/dev/null`,
    `exec node "$d/${ENTRY}" "$@"`,
  ].join('; ');
}

/**
 * Where the installer says it put the bundle (`authbar-deploy: ok DIR`), or null. The host's
 * words are data: one line, at most 400 characters, nothing a terminal would act on or hide
 * (controls, escapes, bidi marks: what cleanText would remove).
 */
export function deployedDir(stdout: string): string | null {
  const dir = /^authbar-deploy: ok (.{1,400})$/m.exec(stdout)?.[1];
  return dir !== undefined && cleanText(dir, 401) === dir ? dir : null;
}

/** The run's exit and stderr say the bundle is missing there. */
export const deployNeeded = (run: { code: number | null; stderr: string }): boolean =>
  run.code === NOT_DEPLOYED_EXIT && run.stderr.includes(NOT_DEPLOYED_MARKER);

/**
 * What AuthBar sends on the installer's stdin: one JSON line naming every file with its size
 * and sha256, then the files' bytes back to back.
 */
export function deployPayload(bundle: Bundle): Buffer {
  const header = JSON.stringify({ key: bundle.key, files: bundle.files.map((f) => ({ name: f.name, size: f.data.length, sha256: f.sha256 })) });
  return Buffer.concat([Buffer.from(`${header}\n`), ...bundle.files.map((f) => f.data)]);
}

/**
 * The installer, run by the host's Node (`node -e`): reads the payload, checks each file's
 * size and sha256, writes them into a fresh private temp dir beside the target and renames it
 * into place, so a half-copied bundle is never run. A target already there is kept (another
 * AuthBar deployed the same files meanwhile). Then prunes old versions. Prints
 * `authbar-deploy: ok <dir>`.
 */
export const INSTALLER = `
const fs = require('fs'), path = require('path'), os = require('os'), crypto = require('crypto');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < ${MIN_REMOTE_NODE[0]} || (major === ${MIN_REMOTE_NODE[0]} && minor < ${MIN_REMOTE_NODE[1]})) {
  process.stderr.write('authbar-deploy: this host runs Node ' + process.versions.node + ', older than ${MIN_REMOTE_NODE.join('.')}; AuthBar (like OpenClaw) needs ${MIN_REMOTE_NODE.join('.')} or newer on PATH\\n');
  process.exit(${OLD_NODE_EXIT});
}
// Older versions go once superseded: the ${KEEP_VERSIONS} used last stay (other machines may run other
// versions), the rest once unused for a day (the launcher touches a version's dir at each run);
// a temp dir a crashed copy left goes after an hour. Best effort: whatever fails stays until
// the next time, and never fails the copy that was just made.
function prune(root, keep) {
  const now = Date.now();
  const entries = [];
  let names = [];
  try { names = fs.readdirSync(root); } catch {}
  for (const name of names) {
    try {
      const stat = fs.lstatSync(path.join(root, name));
      if (stat.isDirectory()) entries.push({ name, mtimeMs: stat.mtimeMs });
    } catch {}
  }
  const versions = entries.filter((e) => !e.name.startsWith('.') && e.name !== keep).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const old = [...versions.slice(${KEEP_VERSIONS - 1}).filter((e) => now - e.mtimeMs > 86400000), ...entries.filter((e) => e.name.startsWith('.deploy-') && now - e.mtimeMs > 3600000)];
  for (const e of old) {
    try { fs.rmSync(path.join(root, e.name), { recursive: true, force: true }); } catch {}
  }
}
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const fail = (why) => { throw new Error(why); };
  let temp = null;
  try {
    const all = Buffer.concat(chunks);
    const newline = all.indexOf(10);
    if (newline < 0) fail('no manifest received');
    const manifest = JSON.parse(all.subarray(0, newline).toString('utf8'));
    if (!/^[0-9A-Za-z.+-]+$/.test(manifest.key)) fail('bad bundle key');
    const root = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'authbar', 'cli');
    const target = path.join(root, manifest.key);
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    temp = fs.mkdtempSync(path.join(root, '.deploy-'));
    let offset = newline + 1;
    for (const file of manifest.files) {
      if (!/^[a-z0-9-]+\\.cjs$/.test(file.name)) fail('bad file name');
      const data = all.subarray(offset, offset + file.size);
      offset += file.size;
      const sha256 = crypto.createHash('sha256').update(data).digest('hex');
      if (data.length !== file.size || sha256 !== file.sha256) fail(file.name + ' arrived damaged (sha256 ' + sha256.slice(0, 12) + ', expected ' + file.sha256.slice(0, 12) + ')');
      fs.writeFileSync(path.join(temp, file.name), data, { mode: 0o600, flag: 'wx' });
    }
    if (offset !== all.length) fail('unexpected bytes after the bundle');
    try {
      fs.renameSync(temp, target);
      temp = null;
    } catch (error) {
      if (!fs.existsSync(path.join(target, 'authbar.cjs'))) throw error;
    }
    prune(root, manifest.key);
    process.stdout.write('authbar-deploy: ok ' + target + '\\n');
  } catch (error) {
    process.stderr.write('authbar-deploy: ' + String(error && error.message || error).split('\\n')[0] + '\\n');
    process.exitCode = 1;
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
});
`;
