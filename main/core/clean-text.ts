// A store's or a host's text before a terminal or the panel shows it: terminal escape sequences
// (ANSI colour, OSC window titles, OSC 52, which writes the local clipboard), every other control
// character and Unicode's invisible marks and reorderings removed, its length capped.

/** ESC sequences: CSI (`ESC [ ... final`), OSC/DCS/SOS/PM/APC strings up to BEL or ST, two-byte escapes, and their one-byte C1 forms. */
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~])?|\x9b[0-?]*[ -/]*[@-~]?|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?/g;
/** C0 and C1 controls (C1 includes the one-byte CSI and OSC), DEL, and Unicode's invisible marks and reorderings. */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of text a terminal shows as it is: escape sequences and controls removed, length capped. */
export function cleanText(text: string, maxLength = 500): string {
  const clean = text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}
