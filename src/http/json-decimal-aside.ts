/**
 * `JSON.parse` for rows that carry a price as short decimal text (`"ask_decimal":"12.34"`).
 *
 * V8's JSON.parse interns every string value of at most 10 characters it builds: each goes into
 * the string table and old space, and stays resident until a full GC. A stream of 200,000 rows
 * with distinct prices held ~12 MB more resident than the same rows without them (measured in
 * `bench/`): half of what reading such a bulk stream grew by. Here that one value is read
 * beside the parser, as an ordinary short-lived string, and the parser sees `""` in its place.
 * A caller that keeps the rows keeps these strings: a price that repeats is one string (the
 * parser reuses texts it has read, as interning shared them); a distinct one read from a
 * line with a character past U+00FF (`™`, `★`) is a two-byte string, a byte per character more
 * than JSON.parse's.
 *
 * The result is always what `JSON.parse(line)` returns (the same keys in the same order, the
 * same values), and a line it throws on still throws its error: a line is parsed this way only
 * where the text proves the value is the top-level `key` — see `decimalAt` — and every other
 * line is given to JSON.parse as it is (test/unit/json-decimal-aside.test.ts).
 */

/** The longest value read aside: V8 interns string values of up to 10 characters, no longer. */
const MAX_ASIDE = 10;
/** How many texts a parser keeps for reuse (a power of two): ~100 KB at most. */
const KNOWN_SLOTS = 4096;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** A line's parser that reads the top-level string `key`'s short decimal text aside (above). */
export function jsonParserWithDecimalAside(key: string): (line: string) => unknown {
  if (!/^[A-Za-z0-9_]+$/.test(key)) throw new RangeError('key must be letters, digits and underscores');
  const pattern = `"${key}":"`;
  // The pattern's end is searched for, then its whole: a search that starts with `"` stops at
  // every quote of the line (measured: 3× the cost of searching for the key's tail).
  const tail = pattern.slice(-Math.min(8, pattern.length));
  const tailOffset = pattern.length - tail.length;
  const keyEnd = `${key}"`;
  // Where the last line's value ends, and a hash of its text (set by `decimalAt`).
  let valueEnd = 0;
  let valueHash = 0;

  /**
   * Where the value of the top-level `key` starts, when the text proves it is that:
   * - the pattern's first quote is unescaped (not after a backslash), so the pattern starts
   *   a string — or ends one, and then the line is not JSON and both parses throw at the
   *   pattern, before the value;
   * - no `{` comes between the line's first character and the pattern, so the key is not in
   *   a nested object;
   * - the value is 1 to 10 characters of digits, `.` and `-`, then a quote: it is its own text
   *   (no escapes), and `""` in its place tokenizes the rest of the line as before;
   * - after it, no backslash and no `key"` at all: no later duplicate of the key (JSON.parse
   *   keeps the last one), written plainly or escaped.
   * Where the value starts (`valueEnd`: where it ends), or -1.
   */
  const decimalAt = (line: string): number => {
    let start = -1;
    for (let at = line.indexOf(tail); at >= 0; at = line.indexOf(tail, at + 1)) {
      if (at >= tailOffset && line.startsWith(pattern, at - tailOffset)) {
        start = at - tailOffset;
        break;
      }
    }
    if (start <= 0 || line.charCodeAt(start - 1) === BACKSLASH) return -1;
    const brace = line.indexOf('{', 1);
    if (brace !== -1 && brace < start) return -1;
    const from = start + pattern.length;
    let end = from;
    let hash = 0;
    for (const last = Math.min(from + MAX_ASIDE, line.length); end < last; end++) {
      const c = line.charCodeAt(end);
      if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d)) break;
      hash = (hash * 31 + c) | 0;
    }
    if (end === from || line.charCodeAt(end) !== QUOTE) return -1;
    if (line.indexOf('\\', end) !== -1 || line.indexOf(keyEnd, end) !== -1) return -1;
    valueEnd = end;
    valueHash = hash;
    return from;
  };

  // Texts already read, by hash: a price that repeats (bulk lists repeat them heavily) is one
  // string however many rows keep it, as JSON.parse's interning made it. A slot, once filled,
  // keeps its text for the parser's life (make one per stream): texts replaced row after row
  // would each survive a young GC, and that survival makes V8 double its young space (+16 MB).
  const known: (string | undefined)[] = new Array<string | undefined>(KNOWN_SLOTS);
  const textAt = (line: string, from: number, end: number, hash: number): string => {
    const slot = (hash ^ (hash >>> 13)) & (KNOWN_SLOTS - 1);
    const seen = known[slot];
    if (seen !== undefined) return seen.length === end - from && line.startsWith(seen, from) ? seen : line.slice(from, end);
    const text = line.slice(from, end);
    known[slot] = text;
    return text;
  };

  return (line) => {
    const from = decimalAt(line);
    if (from < 0) return JSON.parse(line);
    const end = valueEnd;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(line.slice(0, from) + line.slice(end)) as Record<string, unknown>;
    } catch {
      // Not JSON: the line's own error, as JSON.parse gives it.
      return JSON.parse(line);
    }
    json[key] = textAt(line, from, end, valueHash);
    return json;
  };
}
