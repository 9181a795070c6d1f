// Text columns for the terminal, laid out in one pass over the cells: each column's width is
// the widest cell in it, every cell is padded to it, and lines carry no trailing spaces.
// (cli-table3 re-measured every row for every row added: 10,000 agents took 23 s, 100,000
// did not finish in 15 minutes. This is linear in the number of cells.)

import { terminalText } from './terminal-text.ts';

/** A cell's text, and how to paint it once padded (colour codes take no columns). */
export interface Cell {
  text: string;
  paint?: (text: string) => string;
}

/** Columns a string takes: one per code point (AuthBar's cells are ids, words and numbers). */
export function columnsOf(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function layoutColumns(cells: Cell[][], options: { gap?: string; width?: (text: string) => number } = {}): string {
  // A cell's text is data (a profile id, a directory name): shown, never acted on by the terminal.
  const rows = cells.map((row) => row.map((cell) => ({ ...cell, text: terminalText(cell.text) })));
  const gap = options.gap ?? '  ';
  const width = options.width ?? columnsOf;
  const widths: number[] = [];
  const measured = rows.map((row) => row.map((cell, c) => {
    const w = width(cell.text);
    if (w > (widths[c] ?? 0)) widths[c] = w;
    return w;
  }));
  const lines: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    // The last non-empty cell ends the line: nothing is padded after it.
    let last = row.length - 1;
    while (last > 0 && row[last]!.text === '') last--;
    let line = '';
    for (let c = 0; c <= last; c++) {
      const cell = row[c]!;
      const painted = cell.paint && cell.text !== '' ? cell.paint(cell.text) : cell.text;
      line += c === last ? painted : painted + ' '.repeat(widths[c]! - measured[r]![c]!) + gap;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
