/**
 * CSBoard's results follow docs/results.md: wire names, money as exact Money under the wire's
 * name (no float, no camelCase copy), additions in camelCase, no index signature (a typo does
 * not compile), unknown fields dropped, and a bad amount a ResponseShapeError naming its field.
 * The type assertions are checked by `npm run typecheck`; the rest runs against nock.
 */
import nock from 'nock';
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createCsboardClient, ResponseShapeError, type CsboardClient, type Money } from '../../src/index.js';
import type {
  CsboardAvailability,
  CsboardBalance,
  CsboardClaim,
  CsboardHealth,
  CsboardListing,
  CsboardListingsPage,
  CsboardListingsQuery,
  CsboardMarketBuy,
  CsboardMarketBuyInput,
  CsboardMarketBuySkin,
  CsboardOrder,
  CsboardOrderItem,
  CsboardOrdersPage,
  CsboardOrdersQuery,
  CsboardPlacedOrder,
  CsboardPlacedOrderItem,
  CsboardPlaceOrder,
  CsboardPriceRow,
  CsboardPricesPage,
  CsboardPricesQuery,
  CsboardSticker,
} from '../../providers/csboard/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { caught, testKey } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

/** True when T has a string index signature (a typo such as `order.statuss` would compile). */
type HasIndexSignature<T> = string extends keyof T ? true : false;

describe('CSBoard result types (compile time)', () => {
  it('money fields are Money under their wire names; the camelCase copies are gone', () => {
    expectTypeOf<CsboardListing['price_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardPriceRow['min_price_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardBalance['balance_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardBalance['settled_balance_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardBalance['held_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardOrder['charged_total_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardOrderItem['price_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardPlacedOrder['total_charged_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardPlacedOrder['balance_after_usd']>().toEqualTypeOf<Money | null | undefined>();
    expectTypeOf<CsboardPlacedOrderItem['charged_usd']>().toEqualTypeOf<Money>();
    expectTypeOf<CsboardMarketBuySkin['price']>().toEqualTypeOf<Money>();
    // Non-money floats stay numbers.
    expectTypeOf<CsboardListing['float_value']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<CsboardSticker['wear']>().toEqualTypeOf<number | null | undefined>();
    // Additions the wire does not carry are camelCase.
    expectTypeOf<CsboardPlacedOrder['idempotencyKey']>().toEqualTypeOf<string>();
    expectTypeOf<CsboardMarketBuy['customId']>().toEqualTypeOf<string>();

    expectTypeOf<CsboardListing>().not.toHaveProperty('price');
    expectTypeOf<CsboardPriceRow>().not.toHaveProperty('minPrice');
    expectTypeOf<CsboardBalance>().not.toHaveProperty('balance');
    expectTypeOf<CsboardBalance>().not.toHaveProperty('settledBalance');
    expectTypeOf<CsboardBalance>().not.toHaveProperty('held');
    expectTypeOf<CsboardOrder>().not.toHaveProperty('chargedTotal');
    expectTypeOf<CsboardPlacedOrder>().not.toHaveProperty('totalCharged');
  });

  it('no result or input type has an index signature', () => {
    const none = [
      false satisfies HasIndexSignature<CsboardHealth>,
      false satisfies HasIndexSignature<CsboardListing>,
      false satisfies HasIndexSignature<CsboardSticker>,
      false satisfies HasIndexSignature<CsboardListingsPage>,
      false satisfies HasIndexSignature<CsboardPriceRow>,
      false satisfies HasIndexSignature<CsboardPricesPage>,
      false satisfies HasIndexSignature<CsboardAvailability>,
      false satisfies HasIndexSignature<CsboardBalance>,
      false satisfies HasIndexSignature<CsboardOrder>,
      false satisfies HasIndexSignature<CsboardOrderItem>,
      false satisfies HasIndexSignature<CsboardOrdersPage>,
      false satisfies HasIndexSignature<CsboardPlacedOrder>,
      false satisfies HasIndexSignature<CsboardPlacedOrderItem>,
      false satisfies HasIndexSignature<CsboardMarketBuy>,
      false satisfies HasIndexSignature<CsboardMarketBuySkin>,
      false satisfies HasIndexSignature<CsboardClaim>,
      false satisfies HasIndexSignature<CsboardListingsQuery>,
      false satisfies HasIndexSignature<CsboardPricesQuery>,
      false satisfies HasIndexSignature<CsboardOrdersQuery>,
      false satisfies HasIndexSignature<CsboardPlaceOrder>,
      false satisfies HasIndexSignature<CsboardMarketBuyInput>,
    ];
    expect(none.every((v) => !v)).toBe(true);
    // The helper itself can say true.
    expect(true satisfies HasIndexSignature<Record<string, unknown>>).toBe(true);
  });

  it('a typo does not compile, on a result or an input', () => {
    const typos = (order: CsboardOrder, listing: CsboardListing, balance: CsboardBalance, client: CsboardClient) => {
      // @ts-expect-error: no such field
      void order.statuss;
      // @ts-expect-error: no such field (the money field is charged_total_usd)
      void order.chargedTotal;
      // @ts-expect-error: no such field (the money field is price_usd)
      void listing.price;
      // @ts-expect-error: no such field
      void balance.settled_balance;
      // @ts-expect-error: no such filter (it is maxPrice)
      void client.listListings({ maxPrise: 10 });
      // @ts-expect-error: no such input (it is maxPriceUsd)
      void client.placeOrder({ itemIds: ['itm_1'], max_price_usd: 10 });
    };
    expect(typeof typos).toBe('function');
  });
});

describe('CSBoard results at run time', () => {
  let client: CsboardClient;
  offlineWireTests(() => client);
  beforeEach(() => {
    resetAuthGuardState();
    client = createCsboardClient({ apiKey: testKey('csb_pub_'), trading: true, retry: { retries: 0 } });
  });
  const BASE = 'https://csboard.com';
  const usd = (amount: string): Money => ({ currency: 'USD', amount });

  it('fields the client does not know are dropped, not passed through', async () => {
    nock(BASE)
      .get('/v1/listings')
      .reply(200, { items: [{ id: 'itm_1', market_hash_name: 'x', price_usd: 14.37, price: 99, surprise: { deep: true }, stickers: [{ name: 's', extra: 1 }] }], next_cursor: null, total: 5 });
    const page = await client.listListings();
    expect(page).toStrictEqual({ items: [{ id: 'itm_1', market_hash_name: 'x', price_usd: usd('14.37'), stickers: [{ name: 's' }] }], next_cursor: null });
  });

  it('every money field of the balance, orders and buys is exact Money; the additions are there', async () => {
    nock(BASE).get('/v1/balance').reply(200, { currency: 'USD', balance_usd: 1240.55, trading_enabled: true, settled_balance_usd: 980.1, held_usd: 260.45, held_until: null, extra: 1 });
    nock(BASE)
      .post('/v1/orders')
      .reply(201, { order_id: 'ord_1', status: 'processing', items: [{ item_id: 'itm_1', charged_usd: 14.37, delivery: 'hold' }, { item_id: 'itm_2', charged_usd: 12.1, delivery: 'instant' }], total_charged_usd: 26.47, balance_after_usd: 73.53, created_at: 't' });
    nock(BASE)
      .post('/v1/market/buy')
      .reply(200, { data: { purchase_id: 'pur_1', steam_id: '7', created_at: 't', custom_id: 'batch-1', skins: [{ name: 'x', price: 0.1, status: 'delivering', return_reason: null, steam_trade_offer_id: '5' }] } });
    nock(BASE)
      .get('/v1/orders/ord_1')
      .reply(200, { order_id: 'ord_1', status: 'completed', currency: 'USD', charged_total_usd: 1e-7, item_count: 1, created_at: 't', items: [{ market_hash_name: 'x', price_usd: 1200, status: 'delivered' }] });

    expect(await client.getBalance()).toStrictEqual({ currency: 'USD', balance_usd: usd('1240.55'), trading_enabled: true, settled_balance_usd: usd('980.10'), held_usd: usd('260.45'), held_until: null });
    const placed = await client.placeOrder({ itemIds: ['itm_1', 'itm_2'], maxPriceUsd: 30, idempotencyKey: 'key-of-my-order' });
    expect(placed).toStrictEqual({
      order_id: 'ord_1',
      status: 'processing',
      items: [
        { item_id: 'itm_1', charged_usd: usd('14.37'), delivery: 'hold' },
        { item_id: 'itm_2', charged_usd: usd('12.10'), delivery: 'instant' },
      ],
      total_charged_usd: usd('26.47'),
      balance_after_usd: usd('73.53'),
      created_at: 't',
      idempotencyKey: 'key-of-my-order',
    });
    const bought = await client.marketBuy({ itemIds: ['itm_1'], partner: '1', token: 't', maxPriceUsd: 1, customId: 'batch-1' });
    expect(bought).toStrictEqual({ purchase_id: 'pur_1', steam_id: '7', created_at: 't', custom_id: 'batch-1', skins: [{ name: 'x', price: usd('0.10'), status: 'delivering', return_reason: null, steam_trade_offer_id: '5' }], customId: 'batch-1' });
    const order = await client.getOrder('ord_1');
    // Exact however the number is written: 1e-7 is 0.0000001, not a rounded float.
    expect(order.charged_total_usd).toStrictEqual(usd('0.0000001'));
    expect(order.items[0]?.price_usd).toStrictEqual(usd('1200.00'));
  });

  it('an order wrapped in { data } reads the same, and its bad field is named', async () => {
    const wire = { order_id: 'ord_2', status: 'hold', currency: 'USD', charged_total_usd: 26.47, item_count: 0, hold_until: 'h', created_at: 't', items: [] };
    nock(BASE).get('/v1/orders/ord_2').reply(200, { data: wire });
    nock(BASE).get('/v1/orders/ord_3').reply(200, { data: { ...wire, order_id: 'ord_3', charged_total_usd: 'x' } });
    expect(await client.getOrder('ord_2')).toStrictEqual({ ...wire, charged_total_usd: usd('26.47') });
    expect(((await caught(client.getOrder('ord_3'))) as ResponseShapeError).fieldPath).toBe('charged_total_usd');
  });

  it('a bad amount is a ResponseShapeError naming the field', async () => {
    nock(BASE).get('/v1/listings').reply(200, { items: [{ id: 'itm_1', market_hash_name: 'x', price_usd: '14.37' }], next_cursor: null });
    nock(BASE).get('/v1/balance').reply(200, { currency: 'USD', balance_usd: 1, trading_enabled: true, settled_balance_usd: 1, held_usd: null, held_until: null });
    nock(BASE).get('/v1/orders/ord_1').reply(200, { order_id: 'ord_1', status: 'completed', currency: 'USD', charged_total_usd: 1, item_count: 1, created_at: 't', items: [{ market_hash_name: 'x', status: 'delivered' }] });
    nock(BASE).get('/v1/prices').reply(200, { items: [{ market_hash_name: 'x', min_price_usd: true, qty: 1 }], next_cursor: null });
    const fields = [];
    for (const call of [client.listListings(), client.getBalance(), client.getOrder('ord_1'), client.listPrices()] as Promise<unknown>[]) {
      const error = await caught(call);
      expect(error).toBeInstanceOf(ResponseShapeError);
      fields.push((error as ResponseShapeError).fieldPath);
    }
    expect(fields).toEqual(['items.0.price_usd', 'held_usd', 'items.0.price_usd', 'items.0.min_price_usd']);
  });
});
