/**
 * The CS2Cap result shapes (docs/results.md): named types without index signatures, so a
 * typo does not compile (the `@ts-expect-error` lines fail typecheck if it ever does), and one
 * exact Money under each wire name with no copy beside it.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import '../offline.js';
import { createCs2CapClient, type Cs2CapCandle, type Cs2CapPrice, type Cs2CapProviderInfo, type Cs2CapTransaction, type Cs2CapValuation } from '../../providers/cs2cap/index.js';
import { testKey } from '../helpers.js';

const BASE = 'https://api.cs2c.app';

describe('cs2cap result types', () => {
  afterEach(() => nock.cleanAll());

  it('a typo of a result field does not compile', () => {
    const row = { provider: 'steam', item_id: 1, market_hash_name: 'x', lowest_ask: { amount: '1.00', currency: 'USD' }, quantity: 1 } satisfies Cs2CapPrice;
    // @ts-expect-error -- no such field: the names are the wire's, and there is no index signature
    void row.lowest_aks;
    // @ts-expect-error -- the camelCase Money copy is gone
    void row.ask;
    const candle = {} as Cs2CapCandle;
    // @ts-expect-error -- `o` is the open; no `open` copy
    void candle.open;
    const info = { health: {} } as Cs2CapProviderInfo;
    // @ts-expect-error -- health is a named type, not a record of anything
    void info.health.anything;
    const tx = {} as Cs2CapTransaction;
    // @ts-expect-error -- `price` is the Money; no `unitPrice`
    void tx.unitPrice;
    const v = { data: {} } as Cs2CapValuation;
    // @ts-expect-error -- `total_value` is the Money; no `total`
    void v.data.total;
    expect(row.lowest_ask.amount).toBe('1.00');
  });

  it('candles carry o/h/l/c as Money in the answer currency, and nothing the client does not know', async () => {
    const client = createCs2CapClient({ apiKey: testKey('sk_live_'), env: false, retry: { retries: 0 } });
    nock(BASE)
      .get('/v1/prices/candles')
      .query(true)
      .reply(200, {
        meta: { item_id: 1, market_hash_name: 'x', currency: 'EUR', interval: '1d', start: 's', end: 'e', extra: 1 },
        data: [{ t: 1_700_000_000, o: 100, h: 250, l: 99, c: 200, v: 3, providers: { o: 'steam', h: 'csfloat', l: 'steam', c: 'steam', extra: 'x' }, surprise: true }],
      });
    const res = await client.getPriceCandles({ itemId: 1 });
    expect(res.data[0]).toEqual({ t: 1_700_000_000, o: { amount: '1.00', currency: 'EUR' }, h: { amount: '2.50', currency: 'EUR' }, l: { amount: '0.99', currency: 'EUR' }, c: { amount: '2.00', currency: 'EUR' }, v: 3, q: undefined, providers: { o: 'steam', h: 'csfloat', l: 'steam', c: 'steam' } });
    expect(res.meta).not.toHaveProperty('extra');
    await client.close();
  });

  it('a batch quote is one Money from the decimal text when sent (exact in BTC), else from minor units', async () => {
    const client = createCs2CapClient({ apiKey: testKey('sk_live_'), env: false, retry: { retries: 0 } });
    nock(BASE)
      .post('/v1/prices/batch')
      .reply(200, {
        meta: { currency: 'BTC' },
        items: [{ item_id: 1, market_hash_name: 'x', quotes: [{ provider: 'steam', lowest_ask: 0, lowest_ask_decimal: '0.00041600', quantity: 2 }, { provider: 'csfloat', lowest_ask: 3, quantity: 1 }] }],
        items_not_found: [],
      });
    const res = await client.getPricesBatch({ itemIds: [1] });
    expect(res.items[0]!.quotes.map((q) => q.lowest_ask)).toEqual([{ amount: '0.000416', currency: 'BTC' }, { amount: '0.03', currency: 'BTC' }]);
    expect(Object.keys(res.items[0]!.quotes[0]!)).not.toContain('lowest_ask_decimal');
    await client.close();
  });
});
