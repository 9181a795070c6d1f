// V8's code cache for a subcommand's bundle, taken after the command ran: it holds the bytecode
// of every function the command used, where Node's own compile cache (module.enableCompileCache)
// keeps what was compiled before the bundle ran, its top level. `authbar status --json` over 100
// agents: about 10 ms less per run (`npm run bench` prints both ways).
// The cache is code, so it is treated as such: it lives in AuthBar's cache dir (0700, ours alone),
// is written atomically 0600, and its name holds the bundle's content hash from the build and
// V8's version and the arch (V8 itself refuses a cache made under other flags). Whatever is
// amiss, the bundle loads from its source as usual; NODE_DISABLE_COMPILE_CACHE turns it off.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { ensurePrivateDirectory, writePrivateFile } from '../core/openclaw/private-write.ts';
import { readRegularBytes } from '../core/openclaw/read-file.ts';

const MAX_CACHE_BYTES = 64 * 1024 * 1024;

export interface Loaded<T> {
  exports: T;
  /** After the command: keeps the code cache when there was none that V8 took. Never throws. */
  save(): void;
}

/** Where the cache for `file` would be: `<dir>/<bundle>-<hash>-<v8>-<arch>.bin`. */
export function codeCachePath(dir: string, file: string, hash: string): string {
  return join(dir, `${basename(file)}-${hash}-${process.versions.v8}-${process.arch}.bin`);
}

function readCache(dir: string, path: string): Buffer | undefined {
  try {
    ensurePrivateDirectory(dir);
  } catch {
    return undefined;
  }
  const read = readRegularBytes(path, MAX_CACHE_BYTES);
  return read.ok && read.bytes.length > 0 ? read.bytes : undefined;
}

/** Loads a CommonJS bundle as `require` would, through the code cache in `dir` (null: none). */
export function requireWithCodeCache<T>(file: string, hash: string, dir: string | null): Loaded<T> {
  const path = dir === null ? null : codeCachePath(dir, file, hash);
  const cachedData = dir !== null && path !== null ? readCache(dir, path) : undefined;
  const script = new vm.Script(wrap(readFileSync(file, 'utf8')), {
    filename: file,
    cachedData,
    // A dynamic import() in the bundle resolves as it would under require.
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as T, id: file, filename: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    save() {
      if (dir === null || path === null || (cachedData !== undefined && !script.cachedDataRejected)) return;
      try {
        ensurePrivateDirectory(dir);
        writePrivateFile(path, script.createCachedData());
        // The caches of other builds of this bundle are no longer used.
        const prefix = `${basename(file)}-`;
        for (const name of readdirSync(dir)) if (name.startsWith(prefix) && name.endsWith('.bin') && join(dir, name) !== path) unlinkSync(join(dir, name));
      } catch {
        // a cache is never worth a failure
      }
    },
  };
}
