// Bundles AuthBar with esbuild: the CLI (ESM, split so each subcommand loads only what it
// uses), the Electron main process and preload (CommonJS, as Electron's sandboxed preload
// requires), and the panel's renderer. Runs on any Node >= 18.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const at = (path) => join(root, path);

// CommonJS dependencies inside an ESM bundle still call require() for Node built-ins and
// read __filename / __dirname (write-file-atomic names its temp files from __filename).
const requireShim = [
  "import { createRequire as __authbarCreateRequire } from 'node:module';",
  "import { fileURLToPath as __authbarFileURLToPath } from 'node:url';",
  'const require = __authbarCreateRequire(import.meta.url);',
  'const __filename = __authbarFileURLToPath(import.meta.url);',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
].join(' ');

rmSync(out, { recursive: true, force: true });

const jobs = [
  build({
    entryPoints: { authbar: at('main/cli/authbar.ts') },
    outdir: join(out, 'cli'),
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.13',
    minify: true,
    legalComments: 'none',
    banner: { js: requireShim },
    logLevel: 'warning',
  }),
];

if (existsSync(at('main/app/main.ts'))) {
  jobs.push(
    build({
      entryPoints: { main: at('main/app/main.ts'), preload: at('main/preload.ts') },
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
