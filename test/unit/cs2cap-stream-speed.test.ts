/**
 * CS2Cap's bulk stream rows build their price without money()'s general parse when the decimal
 * text is canonical cents ("1234.56"). That shortcut must give exactly what money() gives —
 * same amount, same currency, frozen — for every decimal text the schema accepts, and fall
 * back to money() / the minor units for everything else.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCs2CapClient, fromMinorUnits, money, type Money } from '../../src/index.js';
import { startNdjsonServer, testKey, type NdjsonServer } from '../helpers.js';

// Decimal text the schema accepts, canonical cents or not: leading zeros, one, three or no
// decimals, signs, trailing zeros, long digit runs, and null / absent.
const decimal = fc.oneof(
  fc.tuple(fc.nat({ max: 10_000_000 }), fc.nat({ max: 99 })).map(([whole, cents]) => `${whole}.${String(cents).padStart(2, '0')}`),
  fc.stringMatching(/^[+-]?\d{1,9}(\.\d{0,6})?$/).filter((t) => !t.endsWith('.')),
  fc.constantFrom('0.00', '00.05', '0.5', '5', '5.000', '-1.00', '+1.00', '1234.50', '0001.00', '99999999999999999999.99'),
);
const maybeDecimal = fc.oneof(decimal, fc.constant(null), fc.constant(undefined));

describe('CS2Cap bulk stream prices', () => {
  let server: NdjsonServer;
  let base: string;
  beforeAll(async () => {
    server = await startNdjsonServer();
    base = server.base;
  });
  afterAll(() => server.close());

  const expected = (text: string | null | undefined, minor: number): Money => (text ? money(text, 'USD') : fromMinorUnits(minor, 'USD'));

  it('equal money() (or the minor units) for any decimal text the schema accepts, and frozen', async () => {
    const client = createCs2CapClient({ apiKey: testKey('sk_live_'), baseUrl: base, tier: 'pro', rateLimit: { default: { limit: 10_000, windowMs: 1000 } } });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(maybeDecimal, fc.nat({ max: 1_000_000_000 })), { minLength: 1, maxLength: 40 }), async (prices) => {
          const rows = prices.map(([d, minor], n) => {
            const row: Record<string, unknown> = { provider: 'steam', item_id: n, market_hash_name: `item ${n}`, lowest_ask: minor, highest_bid: minor, quantity: 1, num_bids: 1 };
            if (d !== undefined) Object.assign(row, { lowest_ask_decimal: d, highest_bid_decimal: d });
            return row;
          });
          server.body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
          const asks: Money[] = [];
          for await (const row of (await client.streamPrices()).rows) asks.push(row.lowest_ask);
          const bids: Money[] = [];
          for await (const row of (await client.streamBids()).rows) bids.push(row.highest_bid);
          const want = prices.map(([d, minor]) => expected(d, minor));
          expect(asks).toStrictEqual(want);
          expect(bids).toStrictEqual(want);
          for (const m of [...asks, ...bids]) {
            expect(Object.isFrozen(m)).toBe(true);
            expect(Object.keys(m)).toEqual(['currency', 'amount']);
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await client.close();
    }
  });
});
