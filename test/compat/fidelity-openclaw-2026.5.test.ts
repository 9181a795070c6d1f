// The differential test (issue 16): random JSON-era state dirs from a fixed seed, judged by
// AuthBar and by the real openclaw@2026.5.7 `models status`, compared for every configured
// agent on Codex OAuth profile ids, statuses and expiries. A disagreement fails with the
// state dir shrunk to a minimal one. The long run is `npm run fidelity -- --minutes 30`.
import { beforeAll, describe, expect, it } from 'vitest';
import { installOpenClaw } from '../helpers/openclaw.ts';
import { runFidelity } from '../fidelity/campaign.ts';
import { generateStateDir } from '../fidelity/generate.ts';
import { judge } from '../fidelity/judge.ts';

const SEED = 'authbar-fidelity';
/** Small on purpose: one OpenClaw process per state dir, a few minutes on a loaded 2-core machine. */
const STATE_DIRS = 12;
let openclaw: string;

beforeAll(async () => {
  openclaw = await installOpenClaw('2026.5.7');
}, 300_000);

describe('AuthBar against the real openclaw@2026.5.7 on random state dirs', () => {
  it('the batch runner answers exactly as `openclaw models status --json --check --agent ID` does', async () => {
    // The first state dir from the seed with three or more configured agents.
    const configured = (f: Record<string, string>) => JSON.parse(f['openclaw/openclaw.json']!).agents.list.length;
    const files = Array.from({ length: 50 }, (_, i) => generateStateDir(`${SEED}:equivalence:${i}`, Date.now())).find((f) => configured(f) >= 3)!;
    const [batch, cli] = [await judge(files, { openclaw, mode: 'batch' }), await judge(files, { openclaw, mode: 'cli' })];
    expect(batch.agents.length).toBeGreaterThanOrEqual(3);
    expect(batch.agents.map((a) => [a.agentId, a.theirs, a.theirCheck])).toEqual(cli.agents.map((a) => [a.agentId, a.theirs, a.theirCheck]));
  }, 600_000);

  it(`agrees on every Codex OAuth profile of ${STATE_DIRS} state dirs from seed ${SEED}`, async () => {
    const lines: string[] = [];
    const summary = await runFidelity({ openclaw, seed: SEED, count: STATE_DIRS, deadline: Date.now() + 20 * 60_000, shrink: true, shrinkTries: 25, log: (line) => lines.push(line) });
    console.log(summary.text);
    expect(summary.stateDirs).toBe(STATE_DIRS);
    expect(summary.profiles).toBeGreaterThan(10);
    expect(summary.disagreements, lines.join('\n')).toEqual([]);
  }, 1_500_000);
});

describe('after AuthBar writes, the real openclaw@2026.5.7 reads what it wrote as ok', () => {
  it('refresh --all on random state dirs: written profiles ok, no legacy or odd file touched, still agreeing', async () => {
    const { checkAfterWrite } = await import('../fidelity/after-write.ts');
    const checks = [];
    for (let i = 0; i < 4; i++) checks.push(await checkAfterWrite(openclaw, `${SEED}:write:${i}`));
    expect(checks.flatMap((c) => c.written).length).toBeGreaterThan(2);
    expect(checks.map((c) => ({ seed: c.seed, notOk: c.notOk, forbiddenChanges: c.forbiddenChanges, disagreements: c.disagreements }))).toEqual(
      checks.map((c) => ({ seed: c.seed, notOk: [], forbiddenChanges: [], disagreements: [] })));
  }, 900_000);
});
