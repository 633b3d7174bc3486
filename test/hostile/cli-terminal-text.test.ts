/**
 * Hostile, in process: the CLI's terminal sanitiser against any string a server can send.
 * Text output never carries a raw control (LF and CRLF of the CLI's own lines aside), the
 * CLI's style markers cannot be forged, tables measure what they show, JSON stays exact.
 */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { fit, table, width } from '../../src/cli/output.js';
import { displayText, inline, jsonLine, styled, terminalLine } from '../../src/cli/terminal-text.js';

const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;
/** Strings dense in controls and bidi characters, plus anything else Unicode has. */
const hostileText = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069', '\u200b', '\u200d', '\u00ad', '\u2060', '\ufeff', '\u{e0041}', '\u{e0001}', '\u001b[2J', '\u001b]52;c;eA==\u0007', '\r\n', '東', '★', '\uE000', '\uE001'),
    fc.string({ unit: 'grapheme', maxLength: 3 }),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(''));

describe('hostile: the terminal sanitiser', () => {
  it('inline() leaves no control at all, and running it again changes nothing', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const once = inline(text);
        expect(once).not.toMatch(RAW_CONTROL);
        expect(inline(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('terminalLine() keeps only LF and CRLF: no lone CR, no ESC, even with colour on', () => {
    fc.assert(
      fc.property(hostileText, fc.boolean(), (text, color) => {
        const out = terminalLine(text, color).replace(/\r\n/g, '\n');
        expect(out.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
      }),
      { numRuns: 500 },
    );
    expect(terminalLine('a\rb\r\nc\nd\u0008', false)).toBe('a\\x0db\r\nc\nd\\x08');
  });

  it('invisible characters are shown, so two names that look alike read differently', () => {
    expect(inline('Red\u200bline')).toBe('Red\\u200bline');
    expect(inline('AK\u00ad47 \ufeff\u2060')).toBe('AK\\xad47 \\ufeff\\u2060');
    // A tag character (past U+FFFF) is one escape, not two halves.
    expect(inline('x\u{e0041}y')).toBe('x\\u{e0041}y');
    expect(width('Red\u200bline')).toBe('Red\\u200bline'.length);
    expect(JSON.parse(jsonLine(JSON.stringify({ n: 'a\u200b\u{e0041}' })))).toEqual({ n: 'a\u200b\u{e0041}' });
    expect(jsonLine(JSON.stringify('\u{e0041}'))).toBe('"\\udb40\\udc41"');
  });

  it('a server cannot forge the CLI\'s style markers: only styled() text becomes SGR', () => {
    const forged = `\uE000${'0'.repeat(16)}1\uE001x\uE000${'f'.repeat(16)}31\uE001`;
    expect(terminalLine(forged, true)).toBe(forged);
    expect(terminalLine(`${styled(1, 'bold')} ${forged}`, true)).toBe(`\u001b[1mbold\u001b[0m ${forged}`);
    expect(terminalLine(styled(32, 'x\u001b[2Jy'), true)).toBe('\u001b[32mx\\x1b[2Jy\u001b[0m');
    // Without colour the markers vanish: nothing of them is printed.
    expect(terminalLine(styled(32, 'ok'), false)).toBe('ok');
  });

  it('widths are those of the escaped text; table and fit line up on it', () => {
    expect(width('a\u001bb')).toBe(6); // a \x1b b
    expect(width(styled(1, '東京'))).toBe(4);
    const names = ['plain', 'Evil\u001b[2J\u001b[H\rFAKE', 'wide 東京の夜', 'bidi \u202Eesrever\u202C', `${styled(1, 'bold')}\n2nd`];
    const lines = table(['name', 'price'], names.map((n, i) => [n, `${i}.00 USD`]), ['l', 'r']).split('\n');
    expect(lines).toHaveLength(names.length + 2);
    const shown = lines.map((l) => displayText(l));
    for (const l of shown) expect(stringWidth(l), l).toBe(stringWidth(shown[0]!));
    for (const n of names) {
      const cut = fit(n, 12);
      expect(stringWidth(displayText(cut)), JSON.stringify(cut)).toBe(12);
      expect(cut).not.toMatch(RAW_CONTROL);
    }
  });

  it('jsonLine() is exact: any value parses back the same, with no raw control and still valid JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(hostileText, fc.oneof(hostileText, fc.array(hostileText, { maxLength: 3 }))), fc.boolean(), (value, pretty) => {
        const line = jsonLine(JSON.stringify(value, null, pretty ? 2 : undefined));
        expect(line.replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
        expect(JSON.parse(line)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });
});
