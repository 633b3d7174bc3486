/**
 * Hostile (review of 0307ce6, json-decimal-aside): the price read aside was a fresh string per
 * row, where JSON.parse gave an interned one. The commit measures only rows that are dropped
 * (a stream read and thrown away). A caller that keeps what it streamed (a price table by
 * item, `Money.amount` of every row) keeps one string per row, where JSON.parse shared one
 * per distinct price — and bulk price lists repeat prices heavily ("0.03", "1.00"). On a line
 * with any non-Latin-1 character (CS2 names: "StatTrak™", "★ Karambit") the sliced price is
 * also a two-byte string, twice the payload of JSON.parse's one-byte one.
 *
 * Measured on 0307ce6 (Node 20, 100,000 kept prices, 500 distinct): the aside parser keeps
 * 2.0–2.4 MB more than JSON.parse. The claim under review is a saving; here it is a cost.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { jsonParserWithDecimalAside } from '../../src/http/json-decimal-aside.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ROWS = 100_000;
const KEY = 'lowest_ask_decimal';

function lines(name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    out.push(JSON.stringify({ provider: 'steam', item_id: i, market_hash_name: `${name} ${i}`, lowest_ask: 100 + (i % 500), [KEY]: ((100 + (i % 500)) / 100).toFixed(2), quantity: 1 }));
  }
  return out;
}

function heap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap kept alive by the `KEY` values of every line, parsed by `parse`. */
function retained(all: string[], parse: (line: string) => unknown): number {
  const before = heap();
  const kept: unknown[] = new Array(all.length);
  for (let i = 0; i < all.length; i++) kept[i] = (parse(all[i]!) as Record<string, unknown>)[KEY];
  const after = heap();
  expect(kept.length).toBe(all.length); // keeps `kept` alive through the measurement
  return after - before;
}

describe('json-decimal-aside: prices that are kept', () => {
  const aside = jsonParserWithDecimalAside(KEY);
  it.each([
    ['ASCII names', 'AK-47 | Redline'],
    ['names with ™ (two-byte lines)', 'StatTrak™ AK-47 | Redline'],
  ])('keeping 100,000 repeated prices costs no more than with JSON.parse: %s', (_name, name) => {
    const all = lines(name);
    retained(all, JSON.parse); // warm up both paths
    retained(all, aside);
    const byJsonParse = retained(all, JSON.parse);
    const byAside = retained(all, aside);
    // 1 MB of slack: ~10 bytes a row. 0307ce6: ~2.3 MB more.
    expect(byAside - byJsonParse).toBeLessThan(1_000_000);
  });
});
