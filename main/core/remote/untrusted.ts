// Text from another machine (a remote AuthBar's JSON, ssh's stderr) is data: before it is
// printed or shown, terminal escape sequences (ANSI colour, OSC window titles, OSC 52, which
// writes the local clipboard) and every other control character are removed, and it is cut to
// a bounded length. Its size is capped while it arrives, and lines are split without
// rescanning what came before, so a host that never stops talking costs neither memory nor time.
import { cleanText } from '../clean-text.ts';

/** The last non-empty line of ssh's stderr, cleaned: what a failure message quotes. */
export function lastLineOf(stderr: string): string {
  const lines = stderr.split(/\r?\n|\r/).map((line) => cleanText(line, 300).trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}

/**
 * What a host wrote, inside a sentence of AuthBar's: cleaned, cut, and in quotes it cannot
 * close (its own “ and ” become "). It reads as the host's words, never as AuthBar's: a host
 * that writes "Fix: <command>" cannot pass it off as the fix AuthBar suggests, which is always
 * rebuilt here (./remote-report.ts).
 */
export function hostWords(text: string, max = 500): string {
  return `“${cleanText(text, max).replace(/[“”]/g, '"')}”`;
}

/** The last line of ssh's stderr as the host's words, or '' when there is none. */
export const lastWordsOf = (stderr: string): string => {
  const line = lastLineOf(stderr);
  return line === '' ? '' : hostWords(line);
};

/** The most any remote answer may be: a status of thousands of agents is well under 1 MiB. */
export const MAX_REMOTE_BYTES = 8 * 1024 * 1024;

/**
 * Splits a byte stream into lines, each at most `maxLine` bytes. Only the new chunk is searched
 * for a newline (what came before had none), so a long line costs linear time, not quadratic.
 * A line past the cap stops the splitter for good and calls `onTooLarge` once.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pending = 0;
  private stopped = false;
  private readonly maxLine: number;
  private readonly onLine: (line: string) => void;
  private readonly onTooLarge: () => void;

  constructor(maxLine: number, onLine: (line: string) => void, onTooLarge: () => void) {
    this.maxLine = maxLine;
    this.onLine = onLine;
    this.onTooLarge = onTooLarge;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1 && !this.stopped; newline = chunk.indexOf(10, start)) {
      if (!this.fits(newline - start)) return;
      const line = this.parts.length === 0 ? chunk.subarray(start, newline) : Buffer.concat([...this.parts, chunk.subarray(start, newline)]);
      this.parts = [];
      this.pending = 0;
      start = newline + 1;
      this.onLine(line.toString('utf8'));
    }
    if (this.stopped || start >= chunk.length || !this.fits(chunk.length - start)) return;
    this.parts.push(chunk.subarray(start));
    this.pending += chunk.length - start;
  }

  /** What is left after the stream ended without a final newline. */
  end(): void {
    if (this.stopped || this.pending === 0) return;
    const line = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.pending = 0;
    this.onLine(line);
  }

  private fits(more: number): boolean {
    if (this.pending + more <= this.maxLine) return true;
    this.stopped = true;
    this.parts = [];
    this.pending = 0;
    this.onTooLarge();
    return false;
  }
}

/** Collects a stream up to `max` bytes; past that it keeps nothing more and says so. */
export class BoundedCollector {
  private parts: Buffer[] = [];
  private size = 0;
  overflowed = false;

  private readonly max: number;
  private readonly keep: 'head' | 'tail';

  constructor(max: number, keep: 'head' | 'tail' = 'head') {
    this.max = max;
    this.keep = keep;
  }

  push(chunk: Buffer): void {
    if (this.keep === 'tail') {
      this.parts.push(chunk);
      this.size += chunk.length;
      while (this.size - this.parts[0]!.length >= this.max) this.size -= this.parts.shift()!.length;
      return;
    }
    if (this.overflowed) return;
    if (this.size + chunk.length > this.max) {
      this.overflowed = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk);
    this.size += chunk.length;
  }

  text(): string {
    const all = Buffer.concat(this.parts);
    return (this.keep === 'tail' && all.length > this.max ? all.subarray(all.length - this.max) : all).toString('utf8');
  }
}
