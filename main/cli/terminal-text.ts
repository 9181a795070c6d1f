// What AuthBar prints is read by a terminal, and a store's own text (a profile id, a directory
// name, an error that quotes one) could carry escapes that clear the screen, retitle the window
// or write the clipboard, a newline that forges a row, or a bidi override. Text lines get them
// removed; JSON keeps every string exact, with those characters written as \u escapes (valid
// JSON that reads back the same, and nothing a terminal acts on).
import { cleanText } from '../core/clean-text.ts';

/** One line as a terminal should show it: no escapes, no controls, no invisible reorderings. */
export const terminalText = (text: string): string => cleanText(text, 4000);

/** What JSON.stringify leaves raw that a terminal acts on or reorders (C0 it escapes itself). */
const UNSAFE_IN_JSON = /[\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
