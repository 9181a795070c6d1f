// The differential test in the SQLite era (issue 16): random state dirs migrated by the real
// openclaw@2026.9.6 `doctor --fix`, and SQLite stores written directly in the shapes 2026.9.6
// writes, judged by AuthBar and by OpenClaw's own `models status`. Small here (each migration
// is a whole doctor run); `npm run fidelity -- --era 2026.9 --minutes 30` for the long run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMigrated, type Template } from '../helpers/openclaw9-state.ts';
import { installOpenClaw } from '../helpers/openclaw.ts';
import { judgeEnv } from '../fidelity/judge.ts';
import { describeTally, emptyTally, judgeDirect, judgeMigrated, sqliteTemplate, TEMPLATE_AGENTS } from '../fidelity/sqlite-era.ts';

const SEED = 'authbar-fidelity-9';
let openclaw9: string;
let template: Template;

beforeAll(async () => {
  openclaw9 = await installOpenClaw('2026.9.6');
  template = await sqliteTemplate(openclaw9, TEMPLATE_AGENTS);
}, 600_000);
afterAll(() => template?.cleanup());

describe('AuthBar against the real openclaw@2026.9.6 on random SQLite-era state dirs', () => {
  it('the batch runner answers as `openclaw models status --json --check --agent ID` does on a migrated state dir', async () => {
    const d = copyMigrated(template);
    try {
      const env = { ...d.env, OPENCLAW_AUTH_STORE_READONLY: '1' };
      const [batch, cli] = [await judgeEnv(env, { openclaw: openclaw9 }), await judgeEnv(env, { openclaw: openclaw9, mode: 'cli' })];
      expect(batch.agents.length).toBe(TEMPLATE_AGENTS.length);
      expect(batch.agents.map((a) => [a.agentId, a.theirs, a.theirCheck])).toEqual(cli.agents.map((a) => [a.agentId, a.theirs, a.theirCheck]));
    } finally {
      d.cleanup();
    }
  }, 600_000);

  it('agrees on every Codex OAuth profile, on migrated state dirs and on stores written directly', async () => {
    const migrated = emptyTally();
    const direct = emptyTally();
    for (let i = 0; i < 2; i++) await judgeMigrated(openclaw9, `${SEED}:migrated:${i}`, migrated);
    for (let i = 0; i < 3; i++) await judgeDirect(openclaw9, template, `${SEED}:direct:${i}`, direct);
    console.log(`${describeTally('migrated by doctor --fix', migrated)}\n${describeTally('SQLite written directly', direct)}`);
    // A state dir the real doctor refuses is reported, not compared (OpenClaw 2026.9.6 cannot run it either).
    expect(migrated.stateDirs + migrated.doctorFailures).toBe(2);
    expect(direct.stateDirs).toBe(3);
    expect(direct.profiles).toBeGreaterThan(8);
    expect([...migrated.disagreements, ...direct.disagreements]).toEqual([]);
  }, 1_200_000);
});
