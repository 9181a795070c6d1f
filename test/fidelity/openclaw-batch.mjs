// Runs openclaw@2026.5.7's own `models status --json --check` for several agents of ONE state
// dir in one process: the command module the CLI itself imports (`modelsStatusCommand`), called
// once per agent with a runtime that captures its output and its exit code. One process per
// state dir instead of one per agent (each start costs ~2.5 s of CPU). The differential test
// checks on real state dirs that this answers exactly as the CLI does.
//
//   node openclaw-batch.mjs <openclaw package dir> <out.json> <agent id>...
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, outPath, ...agents] = process.argv.slice(2);
const dist = join(packageDir, 'dist');
const file = readdirSync(dist).find((name) => /^list\.status-command-.*\.m?js$/.test(name));
if (!file) throw new Error(`no models status command module in ${dist}`);
const { modelsStatusCommand } = await import(pathToFileURL(join(dist, file)).href);

class Exit {
  constructor(code) {
    this.code = code;
  }
}

const results = [];
for (const agent of agents) {
  const out = [];
  const err = [];
  const runtime = { log: (...args) => out.push(args.join(' ')), error: (...args) => err.push(args.join(' ')), exit: (code) => { throw new Exit(code); } };
  let code = 0;
  try {
    await modelsStatusCommand({ json: true, check: true, agent }, runtime);
  } catch (error) {
    if (error instanceof Exit) code = error.code;
    else {
      code = 1;
      err.push(String(error?.message ?? error));
      out.length = 0;
    }
  }
  results.push({ agent, code, stdout: out.join('\n'), stderr: err.join('\n') });
}
writeFileSync(outPath, JSON.stringify(results));
process.exit(0);
