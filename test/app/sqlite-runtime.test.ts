// Issue 12, defect 11: a runtime without node:sqlite (an Electron whose Node was built without
// it, or Node before 22.5) reading OpenClaw 2026.9's SQLite state gets a clear, actionable
// reason on the agent, not "Cannot read properties of undefined (reading 'DatabaseSync')".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeSqliteStateDir, openaiCredential } from '../helpers/sqlite-state.ts';
import { accessToken, refreshToken } from '../helpers/tokens.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('a runtime without node:sqlite', () => {
  it('marks SQLite-era agents unreadable with the reason and what to do, and never throws a TypeError', async () => {
    const d = makeSqliteStateDir({
      shared: {},
      agents: [{ id: 'main', profiles: { 'openai:default': openaiCredential({ access: accessToken('acct', Date.now() + 3_600_000), refresh: refreshToken() }) } }],
    });
    try {
      const builtin = process.getBuiltinModule.bind(process);
      vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:sqlite' || id === 'sqlite' ? undefined : builtin(id))) as typeof process.getBuiltinModule);
      vi.resetModules();
      const { readStatus } = await import('../../main/core/read-status.ts');
      const { report } = await readStatus({ env: d.env, now: Date.now() });
      const main = report.agents.find((a) => a.id === 'main')!;
      expect(main.status).toBe('unreadable');
      const said = JSON.stringify(report);
      expect(said).not.toMatch(/TypeError|Cannot read properties|undefined \(reading/);
      expect(said).toMatch(/node:sqlite/);
      expect(main.fix).toMatch(/Node 22\.13|newer AuthBar/);
    } finally {
      d.cleanup();
    }
  });
});
