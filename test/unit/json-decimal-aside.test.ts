/**
 * `jsonParserWithDecimalAside` must be JSON.parse for every line — same keys in the same
 * order, same values, the same error where JSON.parse throws — and must keep the short
 * decimal out of JSON.parse where the text proves it is the top-level key's value.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonParserWithDecimalAside } from '../../src/http/json-decimal-aside.js';

const KEY = 'lowest_ask_decimal';
const parse = jsonParserWithDecimalAside(KEY);

/** What JSON.parse gives: a value, or the error's message. */
function outcome(f: (line: string) => unknown, line: string): { value: unknown } | { error: string } {
  try {
    return { value: f(line) };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Same outcome, with top-level (and nested) key order checked too (toStrictEqual ignores it). */
function expectSame(line: string): void {
  const ours = outcome(parse, line);
  const theirs = outcome(JSON.parse, line);
  expect(ours).toStrictEqual(theirs);
  if ('value' in ours && 'value' in theirs) expect(JSON.stringify(ours.value)).toBe(JSON.stringify(theirs.value));
}

afterEach(() => vi.restoreAllMocks());

describe('jsonParserWithDecimalAside', () => {
  it('keeps the decimal out of JSON.parse for a plain row, and returns what JSON.parse does', () => {
    const line = '{"provider":"steam","item_id":7,"lowest_ask":1234,"lowest_ask_decimal":"12.34","quantity":2,"url":"https://x.test/a"}';
    const spy = vi.spyOn(JSON, 'parse');
    const value = parse(line);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0]).not.toContain('12.34');
    spy.mockRestore();
    expect(value).toStrictEqual(JSON.parse(line));
    expect(Object.keys(value as object)).toStrictEqual(Object.keys(JSON.parse(line) as object));
  });

  it.each([
    // The key in a nested object (before the top-level one, or alone).
    ['nested first', `{"meta":{"${KEY}":"9.99"},"${KEY}":"1.00"}`],
    ['nested only', `{"meta":{"${KEY}":"9.99"},"lowest_ask":1}`],
    ['nested in an array', `{"a":[{"${KEY}":"9.99"}],"${KEY}":""}`],
    // The pattern's first quote escaped: a longer key that ends with ours.
    ['escaped quote before the key', `{"x\\"${KEY}":"5.00"}`],
    ['escaped backslash before the key', `{"a":"\\\\","${KEY}":"5.00"}`],
    // Duplicates: JSON.parse keeps the last.
    ['later duplicate', `{"${KEY}":"1.00","${KEY}":"2.00"}`],
    ['later duplicate, empty', `{"${KEY}":"1.00","${KEY}":""}`],
    ['later duplicate, escaped', `{"${KEY}":"1.00","lowest_ask_\\u0064ecimal":""}`],
    ['later duplicate, null', `{"${KEY}":"1.00","${KEY}":null}`],
    ['earlier duplicate, escaped', `{"lowest_ask_\\u0064ecimal":"7.00","${KEY}":"1.00"}`],
    // Values that are not plain short decimals.
    ['escape in the value', `{"${KEY}":"1\\u0032.00"}`],
    ['eleven characters', `{"${KEY}":"12345678.90"}`],
    ['ten characters', `{"${KEY}":"1234567.90"}`],
    ['empty value', `{"${KEY}":""}`],
    ['letters', `{"${KEY}":"1.0e5"}`],
    ['raw tab in the value', `{"${KEY}":"1.0\t"}`],
    ['raw newline-free control after', `{"${KEY}":"1.00","b":"\u0001"}`],
    ['null value', `{"${KEY}":null}`],
    ['number value', `{"${KEY}":1.5}`],
    ['white space around the colon', `{"${KEY}" : "1.00"}`],
    // Not JSON, around the value.
    ['truncated after the value', `{"${KEY}":"1.00"`],
    ['garbage after', `{"${KEY}":"1.00"}x`],
    ['garbage before', `x{"${KEY}":"1.00"}`],
    ['pattern closes a string', `{"a":"q,"${KEY}":"1.00"}`],
    ['unclosed value', `{"${KEY}":"1.00`],
    ['key alone', `"${KEY}":"1.00"`],
    ['inside a string', `{"a":"\\"${KEY}\\":\\"1.00\\""}`],
    ['top-level array', `[{"${KEY}":"1.00"}]`],
    ['leading space', ` {"${KEY}":"1.00"}`],
    ['proto key beside it', `{"__proto__":{"x":1},"${KEY}":"1.00"}`],
    ['key as a value', `{"a":"${KEY}","b":1}`],
    ['two values', `{"${KEY}":"1.00"} {"${KEY}":"2.00"}`],
  ])('equals JSON.parse: %s', (_name, line) => expectSame(line));

  // Lines built from any JSON values with the key placed anywhere (any value, nested or not,
  // duplicated), then cut, spliced and mutated, so that most are not JSON: the outcome is
  // JSON.parse's on every one.
  const decimalText = fc.oneof(fc.stringMatching(/^-?\d{1,8}(\.\d{1,2})?$/), fc.constantFrom('', '-', '.', '1.00', '0.05', '12345678.90'));
  const value = fc.oneof(decimalText, fc.jsonValue({ maxDepth: 2 }));
  const row = fc
    .tuple(fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(KEY, 'lowest_ask')), value, { maxKeys: 6 }), value, fc.nat(), fc.boolean())
    .map(([fields, decimal, at, nested]) => {
      const entries = Object.entries(fields);
      const inner = JSON.stringify({ [KEY]: decimal });
      entries.splice(at % (entries.length + 1), 0, nested ? ['meta', JSON.parse(inner) as fc.JsonValue] : [KEY, decimal]);
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
    });
  const mutated = fc.tuple(row, fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', '"', '\\', '{', '}', ',', ':', ' ', '\\"', `"${KEY}":"1.00"`, '1', '\u0001')).map(([line, at, cut, insert]) => {
    const k = at % (line.length + 1);
    return line.slice(0, k) + insert + line.slice(k + cut);
  });

  it('equals JSON.parse on rows with the key anywhere', () => {
    fc.assert(fc.property(row, (line) => expectSame(line)), { numRuns: 3000 });
  });

  it('equals JSON.parse on mutated rows (mostly not JSON)', () => {
    fc.assert(fc.property(mutated, (line) => expectSame(line)), { numRuns: 5000 });
  });

  it('one parser over many rows: every value is its own row\'s, whatever it read before (reused texts never leak)', () => {
    const one = jsonParserWithDecimalAside(KEY);
    // 20,000 distinct values (more than the parser keeps, so slots are shared and replaced),
    // prefixes of each other among them, each then repeated.
    const values = Array.from({ length: 20_000 }, (_, i) => [String(i), `${i}.5`, `-${i}`, `${i}0`][i % 4]!);
    for (const v of [...values, ...values.reverse()]) {
      const line = `{"a":1,"${KEY}":"${v}","b":"x"}`;
      expect((one(line) as Record<string, unknown>)[KEY]).toBe(v);
    }
  });

  it('refuses a key that is not a plain name', () => {
    expect(() => jsonParserWithDecimalAside('a"b')).toThrow(RangeError);
  });
});
