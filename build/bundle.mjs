// Bundles AuthBar with esbuild: the CLI (one CommonJS file per subcommand, so each loads only
// what it uses), the Electron main process and preload (CommonJS, as Electron's sandboxed preload
// requires), and the panel's renderer. Runs on any Node >= 18.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const at = (path) => join(root, path);

rmSync(out, { recursive: true, force: true });

// The CLI: a small dispatcher plus one self-contained CommonJS bundle per subcommand, so a
// command parses and initialises only its own code. (CommonJS, because Node's ESM loader
// costs several milliseconds more per start-up in module facades and linking.)
const SUBCOMMANDS = ['status', 'refresh', 'sync', 'recover', 'hosts', 'usage'].filter((name) => existsSync(at(`main/cli/${name}.ts`)));
const cliOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22.13',
  minify: true,
  legalComments: 'none',
  outExtension: { '.js': '.cjs' },
  logLevel: 'warning',
};
const subcommandsAsSiblings = {
  name: 'subcommands-as-siblings',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+\.ts$/ }, (args) => {
      const name = args.path.slice(2, -3);
      return args.importer.endsWith('authbar.ts') && SUBCOMMANDS.includes(name) ? { path: `./${name}.cjs`, external: true } : undefined;
    });
  },
};

// undici (three quarters of a subcommand's bytes) is its own sibling bundle, loaded only when a
// command really goes to the network: `status` then parses none of it. Measured: see `npm run bench`.
// `undici` resolves to a one-line shim that requires the sibling at run time: an external
// `import('./undici.cjs')` would stay a real dynamic import, which sees a minified CommonJS
// bundle's exports as `default` only.
const undiciAsSibling = {
  name: 'undici-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-sibling' }));
    b.onLoad({ filter: /.*/, namespace: 'undici-sibling' }, () => ({ contents: "module.exports = require('./undici.cjs');", loader: 'js' }));
    b.onResolve({ filter: /^\.\/undici\.cjs$/ }, () => ({ path: './undici.cjs', external: true }));
  },
};

// The dispatcher names each subcommand bundle's code cache by the bundle's content hash
// (main/cli/code-cache.ts), so it is built once they are.
const subcommands = build({ ...cliOptions, entryPoints: Object.fromEntries(SUBCOMMANDS.map((n) => [n, at(`main/cli/${n}.ts`)])), outdir: join(out, 'cli'), plugins: [undiciAsSibling] });
const hashes = subcommands.then(() => Object.fromEntries(SUBCOMMANDS.map((n) => [n, createHash('sha256').update(readFileSync(join(out, 'cli', `${n}.cjs`))).digest('hex').slice(0, 16)])));
const jobs = [
  subcommands,
  hashes.then((h) => build({ ...cliOptions, entryPoints: { authbar: at('main/cli/authbar.ts') }, outdir: join(out, 'cli'), plugins: [subcommandsAsSiblings], define: { AUTHBAR_BUNDLE_HASHES: JSON.stringify(h) } })),
  build({ ...cliOptions, entryPoints: { undici: at('build/undici.cjs') }, outdir: join(out, 'cli') }),
];

if (existsSync(at('main/app/entry.ts'))) {
  cpSync(at('build/icons'), join(out, 'icons'), { recursive: true });
  jobs.push(
    build({
      entryPoints: { main: at('main/app/entry.ts'), preload: at('main/preload.ts') },
      outdir: join(out, 'app'),
      outExtension: { '.js': '.cjs' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node22.13',
      external: ['electron'],
      logLevel: 'warning',
    }),
  );
}

if (existsSync(at('renderer/panel.ts'))) {
  mkdirSync(join(out, 'renderer'), { recursive: true });
  jobs.push(
    build({
      entryPoints: { panel: at('renderer/panel.ts') },
      outdir: join(out, 'renderer'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome130',
      logLevel: 'warning',
    }).then(() => {
      for (const file of ['panel.html', 'panel.css']) cpSync(at(`renderer/${file}`), join(out, 'renderer', file));
    }),
  );
}

await Promise.all(jobs);
