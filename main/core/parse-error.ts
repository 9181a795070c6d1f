// Where a JSON or JSON5 text stops parsing, as "line L, column C" and nothing else. V8's own
// SyntaxError message quotes the text around the error (`..."refresh": rt_9f8e7d6"... is not
// valid JSON`), and JSON5's names the offending character: in an auth store or an OpenClaw
// config that text is a token or an API key, so neither message is ever shown.
import JSON5 from 'json5';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `at line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * The position of a JSON.parse failure. V8 states it for some errors (`at position N`) but not
 * for "Unexpected token"; then JSON5, whose errors always carry line and column, finds it.
 */
export function jsonErrorPosition(error: unknown, text: string): string {
  const stated = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (stated) return lineColumn(text, Number(stated[1]));
  if (/Unexpected end of JSON input/.test(error instanceof Error ? error.message : '')) return lineColumn(text, text.length);
  return json5Position(text) ?? 'at an unknown position';
}

/** JSON5's position for a text it rejects; null when JSON5 accepts it (JSON5 is a superset). */
function json5Position(text: string): string | null {
  try {
    JSON5.parse(text);
    return null;
  } catch (error) {
    return json5ErrorPosition(error);
  }
}

export function json5ErrorPosition(error: unknown): string {
  const { lineNumber, columnNumber } = (error ?? {}) as { lineNumber?: unknown; columnNumber?: unknown };
  return typeof lineNumber === 'number' && typeof columnNumber === 'number' ? `at line ${lineNumber}, column ${columnNumber}` : 'at an unknown position';
}
