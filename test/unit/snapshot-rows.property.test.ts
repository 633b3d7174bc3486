/**
 * The streamed rows' exact checks (CSBoard's `isPriceRow`, CS2Cap's `isMarketItem` and
 * `isBuyOrderItem`) stand in for their zod schemas on the hot path. The schemas stay the
 * source of truth: here each check accepts exactly what its schema accepts, over valid rows,
 * rows with a field missing or of the wrong kind, and arbitrary values; and the rows a client
 * hands out are what the schema's output would have given, key for key, with exact Money.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as cs2cap from '../../providers/cs2cap/schemas.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import * as csboard from '../../providers/csboard/schemas.js';
import { startNdjsonServer, testKey, type NdjsonServer } from '../helpers.js';
import { createCs2CapClient, createCsboardClient, fromMinorUnits, money, ResponseShapeError } from '../../src/index.js';

/** Values a field may hold on the wire, and a few no JSON holds (the check must not care). */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 53 - 1, -(2 ** 53 - 1), -0, 0.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
  // Decimal text, money()'s and not: signs, exponents, spaces, bare points.
  fc.stringMatching(/^[+-]?\d{1,6}(\.\d{0,4})?$/),
  fc.constantFrom('1e5', ' 1.5', '1.5 ', '.5', '1.', '', '0x10', '1_000', '١٢'),
);

const text = fc.string({ maxLength: 12 });
const nullishText = fc.oneof(text, fc.constant(null), fc.constant(undefined));
const safeInt = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 0, -1));
const decimal = fc.stringMatching(/^\d{1,7}(\.\d{1,8})?$/);
const nullishDecimal = fc.oneof(decimal, fc.constant(null), fc.constant(undefined));

type Fields = Record<string, fc.Arbitrary<unknown>>;
const csboardRow: Fields = { market_hash_name: text, wear: nullishText, doppler_phase: nullishText, min_price_usd: fc.double({ noNaN: true, noDefaultInfinity: true }), qty: safeInt };
const cs2capPrice: Fields = {
  provider: text,
  item_id: safeInt,
  market_hash_name: text,
  phase: nullishText,
  lowest_ask: safeInt,
  lowest_ask_decimal: nullishDecimal,
  quantity: safeInt,
  link: nullishText,
  url: nullishText,
  timestamp: nullishText,
  last_updated: nullishText,
};
const cs2capBid: Fields = {
  provider: text,
  item_id: safeInt,
  market_hash_name: text,
  phase: nullishText,
  highest_bid: safeInt,
  highest_bid_decimal: nullishDecimal,
  num_bids: safeInt,
  timestamp: nullishText,
  last_updated: nullishText,
};

/** A valid row, with `undefined` fields left out (as JSON leaves them). */
const validRow = (fields: Fields): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(fields).map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)));

/** A valid row with some fields changed to anything, dropped, or extra keys added. */
const nearRow = (fields: Fields): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      validRow(fields),
      fc.dictionary(fc.constantFrom(...Object.keys(fields)), anyValue, { maxKeys: 3 }),
      fc.subarray(Object.keys(fields), { maxLength: 2 }),
      fc.dictionary(fc.constantFrom('extra', '__proto__', 'constructor', 'toString'), anyValue, { maxKeys: 2 }),
    )
    .map(([row, changed, dropped, extra]) => {
      const out: Record<string, unknown> = { ...row, ...changed };
      for (const key of dropped) delete out[key];
      for (const [key, value] of Object.entries(extra)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      return out;
    });

const pairs: [string, z.ZodType, (json: unknown) => boolean, Fields][] = [
  ['CSBoard isPriceRow', csboard.priceRowWireSchema, csboard.isPriceRow, csboardRow],
  ['CS2Cap isMarketItem', cs2cap.marketItemSchema, cs2cap.isMarketItem, cs2capPrice],
  ['CS2Cap isBuyOrderItem', cs2cap.buyOrderItemSchema, cs2cap.isBuyOrderItem, cs2capBid],
];

describe('the exact row checks accept what their schemas accept', () => {
  for (const [name, schema, check, fields] of pairs) {
    it(`${name}: valid rows, near-valid rows, and anything at all`, () => {
      const value = fc.oneof({ arbitrary: validRow(fields), weight: 2 }, { arbitrary: nearRow(fields), weight: 5 }, { arbitrary: fc.anything(), weight: 1 });
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(value, (v) => {
          const ok = schema.safeParse(v).success;
          expect(check(v), JSON.stringify(v)).toBe(ok);
          if (ok) accepted += 1;
          else refused += 1;
        }),
        { numRuns: 4000 },
      );
      // Both sides were really exercised.
      expect(accepted).toBeGreaterThan(400);
      expect(refused).toBeGreaterThan(400);
    });

    it(`${name}: the same verdict on rows as JSON.parse gives them`, () => {
      fc.assert(
        fc.property(nearRow(fields), (v) => {
          const json: unknown = JSON.parse(JSON.stringify(v) ?? 'null');
          expect(check(json)).toBe(schema.safeParse(json).success);
        }),
        { numRuns: 2000 },
      );
    });
  }
});

describe("CSBoard's two price row schemas", () => {
  it('the Money schema of GET /v1/prices accepts exactly what the wire schema of the snapshot accepts, and makes priceRowFromWire of it', () => {
    const value = fc.oneof({ arbitrary: validRow(csboardRow), weight: 2 }, { arbitrary: nearRow(csboardRow), weight: 5 }, { arbitrary: fc.anything(), weight: 1 });
    fc.assert(
      fc.property(value, (v) => {
        const wire = csboard.priceRowWireSchema.safeParse(v);
        const exact = csboard.priceRowSchema.safeParse(v);
        expect(exact.success).toBe(wire.success);
        if (wire.success && exact.success) expect(allKeys(csboard.priceRowSchema, exact.data)).toStrictEqual(csboard.priceRowFromWire(wire.data));
      }),
      { numRuns: 3000 },
    );
  });
});

/** Every key of the schema present (undefined when the wire left it out), in the schema's order. */
function allKeys(schema: z.ZodObject, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(schema.shape).map((key) => [key, row[key]]));
}

describe('the rows a client hands out equal the schema route, key for key', () => {
  let server: NdjsonServer;
  let base: string;
  beforeAll(async () => {
    server = await startNdjsonServer();
    base = server.base;
  });
  afterAll(() => server.close());
  beforeEach(() => resetAuthGuardState());

  /** The rows streamed for `rows`, or the error. */
  async function streamed(read: () => Promise<AsyncIterable<unknown>>, rows: unknown[]): Promise<{ rows: unknown[]; error: unknown }> {
    server.body = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const out: unknown[] = [];
    try {
      for await (const row of await read()) out.push(row);
    } catch (error) {
      return { rows: out, error };
    }
    return { rows: out, error: undefined };
  }

  it('CSBoard downloadSnapshot: valid rows (optional fields missing or null) come out whole; a bad row names its line and field', async () => {
    const client = createCsboardClient({ apiKey: testKey('csb_pub_'), baseUrl: `${base}/v1`, rateLimit: { snapshot: { limit: 1000, windowMs: 1000 } } });
    const read = async (): Promise<AsyncIterable<unknown>> => {
      const snap = await client.downloadSnapshot();
      if (snap.status !== 'ok') throw new Error('expected rows');
      return snap.rows;
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(validRow(csboardRow), { minLength: 1, maxLength: 20 }), async (rows) => {
          const wire = rows.map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
          const got = await streamed(read, wire);
          expect(got.error).toBeUndefined();
          const expected = wire.map((r) => {
            // The zod route of GET /v1/prices: min_price_usd becomes exact Money under its own name.
            const parsed = csboard.priceRowSchema.parse(r);
            expect(parsed.min_price_usd).toEqual(money(r['min_price_usd'] as number, 'USD'));
            return allKeys(csboard.priceRowSchema, parsed);
          });
          expect(got.rows).toStrictEqual(expected);
          for (const row of got.rows) expect(Object.keys(row as object)).toEqual(Object.keys(csboard.priceRowSchema.shape));
        }),
        { numRuns: 40 },
      );
      const bad = await streamed(read, [{ market_hash_name: 'a', min_price_usd: 1, qty: 1 }, { market_hash_name: 'b', min_price_usd: 1, qty: 1.5 }]);
      expect(bad.rows).toHaveLength(1);
      expect(bad.error).toBeInstanceOf(ResponseShapeError);
      expect((bad.error as ResponseShapeError).fieldPath).toBe('row 2.qty');
    } finally {
      await client.close();
    }
  });

  it('CS2Cap streamPrices and streamBids: the same, with the decimal text or the minor units as Money', async () => {
    const client = createCs2CapClient({ apiKey: `sk_live_${'ab'.repeat(16)}`, baseUrl: base, tier: 'pro' });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(validRow(cs2capPrice), { minLength: 1, maxLength: 10 }), fc.array(validRow(cs2capBid), { minLength: 1, maxLength: 10 }), async (asks, bids) => {
          const prices = await streamed(async () => (await client.streamPrices()).rows, asks);
          expect(prices.error).toBeUndefined();
          expect(prices.rows).toStrictEqual(
            asks.map((r) => {
              const p = cs2cap.marketItemSchema.parse(r);
              const { lowest_ask_decimal: _d, ...wire } = allKeys(cs2cap.marketItemSchema, p);
              return { ...wire, lowest_ask: p.lowest_ask_decimal ? money(p.lowest_ask_decimal, 'USD') : fromMinorUnits(p.lowest_ask, 'USD') };
            }),
          );
          const got = await streamed(async () => (await client.streamBids()).rows, bids);
          expect(got.error).toBeUndefined();
          expect(got.rows).toStrictEqual(
            bids.map((r) => {
              const b = cs2cap.buyOrderItemSchema.parse(r);
              const { highest_bid_decimal: _d, ...wire } = allKeys(cs2cap.buyOrderItemSchema, b);
              return { ...wire, highest_bid: b.highest_bid_decimal ? money(b.highest_bid_decimal, 'USD') : fromMinorUnits(b.highest_bid, 'USD') };
            }),
          );
        }),
        { numRuns: 25 },
      );
      const row = { provider: 'steam', item_id: 1, market_hash_name: 'a', lowest_ask: 100, lowest_ask_decimal: '1.00', quantity: 1 };
      const bad = await streamed(async () => (await client.streamPrices()).rows, [row, row, { ...row, lowest_ask_decimal: '1e5' }]);
      expect(bad.rows).toHaveLength(2);
      expect((bad.error as ResponseShapeError).fieldPath).toBe('row 3.lowest_ask_decimal');
    } finally {
      await client.close();
    }
  });
});
