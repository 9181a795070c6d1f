// `npm run fidelity -- --minutes 30 [--seed S] [--count N] [--no-shrink] [--era 2026.5|2026.9]`:
// AuthBar against the real OpenClaw on random state dirs until the time budget or the count
// runs out; prints the agreement rate with its seed. 2026.5 (default): JSON-era state dirs,
// each disagreement shrunk to a minimal state dir. 2026.9: state dirs migrated by the real
// 2026.9.6 doctor, alternating with SQLite stores written directly in 2026.9.6's shapes.
import { installOpenClaw } from '../helpers/openclaw.ts';
import { runFidelity } from './campaign.ts';
import { describeTally, emptyTally, judgeDirect, judgeMigrated, sqliteTemplate, TEMPLATE_AGENTS } from './sqlite-era.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(option('minutes') ?? 30);
const count = option('count') === undefined ? Infinity : Number(option('count'));
const seed = option('seed') ?? 'authbar-fidelity';
const deadline = Date.now() + minutes * 60_000;

if (option('era') === '2026.9') {
  const openclaw9 = await installOpenClaw('2026.9.6');
  const template = await sqliteTemplate(openclaw9, TEMPLATE_AGENTS);
  const migrated = emptyTally();
  const direct = emptyTally();
  try {
    for (let i = 0; i < count && Date.now() < deadline; i++) {
      await judgeMigrated(openclaw9, `${seed}:migrated:${i}`, migrated);
      if (Date.now() < deadline) await judgeDirect(openclaw9, template, `${seed}:direct:${i}`, direct);
      console.log(`${seed}:${i}: migrated ${migrated.agentsAgreeing}/${migrated.agents} agents agree, direct ${direct.agentsAgreeing}/${direct.agents}`);
    }
  } finally {
    template.cleanup();
  }
  for (const d of [...migrated.disagreements, ...direct.disagreements]) console.log(`DISAGREE ${d.seed} ${d.agentId}\n  authbar:  ${JSON.stringify(d.ours)}\n  openclaw: ${JSON.stringify(d.theirs)}`);
  console.log(`seed ${seed}\n${describeTally('migrated by doctor --fix', migrated)}\n${describeTally('SQLite written directly', direct)}`);
  process.exit(migrated.disagreements.length + direct.disagreements.length === 0 ? 0 : 1);
}

const openclaw = await installOpenClaw('2026.5.7');
const summary = await runFidelity({ openclaw, seed, count, deadline, shrink: !process.argv.includes('--no-shrink'), log: (line) => console.log(line) });
console.log(summary.text);
process.exit(summary.disagreements.length === 0 ? 0 : 1);
