/**
 * docs/results.md for Kalshi's core results: named spec types without index signatures (a
 * typo does not compile), wire names only, unknown fields dropped, money strict.
 */
import nock from 'nock';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { generateRsaKeyPair } from '../../src/crypto/rsa-keys.js';
import { createKalshiClient, type KalshiBalance, type KalshiBatchResult, type KalshiClient, type KalshiCreatedOrder, type KalshiEvent, type KalshiFill, type KalshiMarket, type KalshiMarketPosition, type KalshiOrder, type KalshiTrade } from '../../providers/kalshi/index.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';
import { wireMarket, wireOrder } from './kalshi-wire-fixtures.js';

const BASE = 'https://kalshi.test';

/** True only when `T` has no string index signature. */
type HasNoIndex<T> = string extends keyof T ? false : true;

describe('Kalshi results (docs/results.md)', () => {
  let client: KalshiClient | undefined;
  offlineWireTests(() => client);
  it('the core result types have no index signature: a typo does not compile', () => {
    expectTypeOf<HasNoIndex<KalshiMarket>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiOrder>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiFill>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiTrade>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiEvent>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiMarketPosition>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiBalance>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiCreatedOrder>>().toEqualTypeOf<true>();
    expectTypeOf<HasNoIndex<KalshiBatchResult>>().toEqualTypeOf<true>();
    const order = wireOrder();
    const market = wireMarket();
    // @ts-expect-error a typo of `status` is not a field
    void order.statuss;
    // @ts-expect-error a typo of `yes_bid_dollars` is not a field
    void market.yes_bidd_dollars;
    // No renamed copies beside the wire's names.
    expectTypeOf<KalshiCreatedOrder>().not.toHaveProperty('clientOrderId');
    expectTypeOf<KalshiBatchResult>().not.toHaveProperty('orderId');
    expectTypeOf<KalshiBalance>().not.toHaveProperty('balanceCents');
    expectTypeOf<KalshiOrder['client_order_id']>().toEqualTypeOf<string>();
    expectTypeOf<KalshiMarket['yes_bid_dollars']>().toEqualTypeOf<string>();
  });

  it('fields the server adds that the client does not know are dropped, nested ones too', async () => {
    client = createKalshiClient({ baseUrl: `${BASE}/trade-api/v2`, retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 } });
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: { ...wireMarket(), surprise: 1, price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100', extra: true }] }, also: 'x' });
    const market = await client.getMarket('KXT-1');
    expect(market.ticker).toBe('KXT-1');
    expect(market).not.toHaveProperty('surprise');
    expect(market.price_ranges[0]).toEqual({ start: '0.0000', end: '1.0000', step: '0.0100' });
  });

  it('money stays strict: a price that is not a fixed-point dollar string is a ResponseShapeError naming the field', async () => {
    client = createKalshiClient({ baseUrl: `${BASE}/trade-api/v2`, retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 } });
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: wireMarket({ yes_bid_dollars: 0.42 as never }) });
    const err = await caught(client.getMarket('KXT-1'));
    expect(err).toMatchObject({ name: 'ResponseShapeError' });
    expect(String((err as Error).message)).toMatch(/yes_bid_dollars/);
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: wireMarket({ volume_fp: '1e3' }) });
    expect(String(((await caught(client.getMarket('KXT-1'))) as Error).message)).toMatch(/volume_fp/);
    // Optional and nullable money is strict too, nested money as well; null stays null.
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: wireMarket({ settlement_value_dollars: '1.0.0' }) });
    expect(String(((await caught(client.getMarket('KXT-1'))) as Error).message)).toMatch(/settlement_value_dollars/);
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: wireMarket({ mve_selected_legs: [{ yes_settlement_value_dollars: 'one' }] }) });
    expect(String(((await caught(client.getMarket('KXT-1'))) as Error).message)).toMatch(/mve_selected_legs\.0\.yes_settlement_value_dollars/);
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: wireMarket({ settlement_value_dollars: null, price_ranges: [{ start: '0', end: '1', step: 'x' }] }) });
    expect(String(((await caught(client.getMarket('KXT-1'))) as Error).message)).toMatch(/price_ranges\.0\.step/);
    nock(BASE).get('/trade-api/v2/markets/KXT-1').reply(200, { market: wireMarket({ settlement_value_dollars: null }) });
    expect((await client.getMarket('KXT-1')).settlement_value_dollars).toBeNull();
  });

  it('a placed order carries its client_order_id under the wire name only', async () => {
    const pair = await generateRsaKeyPair({ bits: 2048 });
    client = createKalshiClient({ baseUrl: `${BASE}/trade-api/v2`, keyId: 'key-1', privateKeyPem: pair.privateKeyPem, retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 } });
    nock(BASE).post('/trade-api/v2/portfolio/events/orders').reply(201, { order_id: 'o1', fill_count: '0.00', remaining_count: '1.00', ts_ms: 1, unknown_field: 'dropped' });
    const placed = await client.createOrder({ ticker: 'KXT-1', side: 'bid', count: '1', price: '0.40', timeInForce: 'good_till_canceled', clientOrderId: 'bot-1' });
    expect(placed).toEqual({ order_id: 'o1', client_order_id: 'bot-1', fill_count: '0.00', remaining_count: '1.00', ts_ms: 1, reconciled: false });
  });
});
