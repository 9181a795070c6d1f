// The status table's layout is one pass over the cells: measured by counting the work done per
// cell at two sizes (never by timing), and checked against the shape the table has always had.
import { describe, expect, it } from 'vitest';
import { type Cell, layoutColumns } from '../../main/cli/columns.ts';

const grid = (rows: number): Cell[][] => Array.from({ length: rows }, (_, r) => [{ text: `agent-${r}` }, { text: r % 2 ? '' : 'openai-codex:default' }, { text: 'ok' }, { text: r % 3 ? '-' : '' }]);

describe('layoutColumns', () => {
  it('measures each cell once, at 1,000 rows as at 100,000: linear, not quadratic', () => {
    const counts = [1_000, 100_000].map((rows) => {
      let measured = 0;
      layoutColumns(grid(rows), { width: (text) => (measured++, text.length) });
      return measured / (rows * 4);
    });
    expect(counts).toEqual([1, 1]);
  });

  it('pads every column to its widest cell, two spaces apart, with no trailing spaces', () => {
    const out = layoutColumns([
      [{ text: 'AGENT' }, { text: 'PROFILE' }, { text: 'STATUS' }],
      [{ text: 'main' }, { text: 'openai-codex:default' }, { text: 'ok', paint: (t) => `<${t}>` }],
      [{ text: '' }, { text: 'x' }, { text: '' }],
    ]);
    expect(out).toBe(['AGENT  PROFILE               STATUS', 'main   openai-codex:default  <ok>', '       x'].join('\n'));
  });
});
