/**
 * The one sanitiser between the CLI and a terminal. Names, titles, error messages and codes
 * come from servers (or from whoever named a listing); a terminal acts on control characters
 * in them: CSI moves the cursor and clears the screen, OSC 8 plants a hyperlink, OSC 52 writes
 * the clipboard, DCS asks the terminal to answer as if typed, BEL rings, CR and backspace
 * overwrite what was printed, bidi overrides reverse what is read, invisible characters make
 * two different names look the same. Every such character is shown as a visible escape instead
 * (`\x1b`, `\u202e`, `\u200b`), so what the server sent stays readable and nothing reaches the
 * terminal as a command.
 *
 * The CLI's own styling (colour, bold) cannot be told apart from a server's once both are in
 * one string, so it is not written as escapes until the very end: `styled` wraps text in
 * markers that carry a number chosen at random when the process starts, which no server can
 * know; the sanitiser turns those markers, and only those, into SGR codes.
 */
import { randomBytes } from 'node:crypto';

/**
 * What a terminal may act on, or what shows as nothing: C0 controls, DEL, C1 controls
 * (U+0080–U+009F, which some terminals take as 8-bit CSI/OSC), the line and paragraph
 * separators, and every format character (Unicode's Cf: the bidi marks, embeddings,
 * overrides and isolates, and the invisible ones — zero-width space and joiners, the soft
 * hyphen, the word joiner, the BOM, tag characters). An invisible character makes two item
 * names that differ look the same ("Redline" and "Red\u200bline" are different items to a
 * market); shown as an escape, the difference is seen. Emoji joined by U+200D show the joiner.
 */
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

/** A visible stand-in for one such character: `\x1b` for a C0/C1 control, `\u202e` beyond, `\u{e0041}` past U+FFFF. */
function visible(char: string): string {
  const code = char.codePointAt(0)!;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${hex(code, 5)}}`;
}

/** Chosen per process: a marker with it cannot come from a server, which never sees it. */
const NONCE = randomBytes(8).toString('hex');
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const STYLE_MARK = new RegExp(`${MARK_OPEN}${NONCE}(\\d{1,3})${MARK_CLOSE}`, 'g');

const mark = (sgr: number): string => `${MARK_OPEN}${NONCE}${sgr}${MARK_CLOSE}`;

/**
 * `text` in the SGR style `sgr` (32 green, 1 bold, …) then reset, as markers that
 * {@link terminalLine} writes as escapes on a colour terminal and drops elsewhere.
 */
export function styled(sgr: number, text: string): string {
  return `${mark(sgr)}${text}${mark(0)}`;
}

/**
 * `text` with every terminal control shown as a visible escape, line breaks too: for text
 * placed inside one line or one table cell (a server's name or message), so it can neither
 * act on the terminal nor start a line of its own. The CLI's style markers are kept.
 */
export function inline(text: string): string {
  return text.replace(TERMINAL_CONTROL, visible);
}

/** What a cell shows, without the style markers: the text whose terminal width is measured. */
export function displayText(text: string): string {
  return inline(text).replace(STYLE_MARK, '');
}

/**
 * One write of human-readable output, made safe for a terminal: every control character is
 * shown as a visible escape but the line breaks (LF, and CR only as part of CRLF) that the
 * CLI's own multi-line output is made of; the CLI's style markers become SGR codes when
 * `color`, and nothing otherwise.
 */
export function terminalLine(text: string, color: boolean): string {
  const safe = text.replace(TERMINAL_CONTROL, (char, at: number, whole: string) =>
    char === '\n' || (char === '\r' && whole[at + 1] === '\n') ? char : visible(char),
  );
  return safe.replace(STYLE_MARK, (_, sgr: string) => (color ? `\u001b[${sgr}m` : ''));
}

/**
 * A JSON document (or NDJSON line) for stdout, still exact: JSON.stringify already writes C0
 * controls as `\u001b`; this writes DEL, the C1 controls, the line separators and the format
 * characters as `\uXXXX` too. Outside the structure's whitespace (kept) such characters can only
 * be inside strings, where the escape parses back to the same character.
 */
export function jsonLine(text: string): string {
  // A character past U+FFFF (a tag character) is written as its two UTF-16 halves, as JSON has it.
  return text.replace(TERMINAL_CONTROL, (char) => {
    // LF is the structure's own (pretty JSON, NDJSON); inside a string JSON.stringify wrote it as \n.
    if (char === '\n') return char;
    let escaped = '';
    for (let k = 0; k < char.length; k++) escaped += `\\u${hex(char.charCodeAt(k), 4)}`;
    return escaped;
  });
}
