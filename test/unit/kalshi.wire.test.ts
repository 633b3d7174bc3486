import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  CapabilityError,
  createKalshiClient,
  generateRsaKeyPair,
  type MarketError,
  OrderRejectedError,
  OutcomeUnknownError,
  PermissionError,
  RateLimitError,
  verifyPss,
  type KalshiClient,
} from '../../src/index.js';
import { caught, expectNoSecret } from '../helpers.js';
import { offlineWireTests } from '../offline.js';
import { wireBalance, wireMarket, wireOrder } from './kalshi-wire-fixtures.js';

const BASE = 'https://external-api.kalshi.com';

describe('kalshi wire format', () => {
  let pair: { privateKeyPem: string; publicKeyPem: string };
  let client: KalshiClient;
  offlineWireTests(() => client);
  beforeAll(async () => {
    pair = await generateRsaKeyPair();
  });
  const make = (baseUrl?: string) => (client = createKalshiClient({ keyId: 'key-1', privateKeyPem: pair.privateKeyPem, baseUrl, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }));

  it('signs the full path without the query; headers well-formed', async () => {
    make();
    let seen: Record<string, string> = {};
    nock(BASE)
      .get('/trade-api/v2/portfolio/orders')
      .query({ ticker: 'KXA', status: 'resting', limit: '5' })
      .reply(function () {
        seen = this.req.headers as Record<string, string>;
        return [200, { orders: [], cursor: '' }];
      });
    await client.listOrders({ ticker: 'KXA', status: 'resting', limit: 5 });
    expect(seen['kalshi-access-key']).toBe('key-1');
    expect(seen['kalshi-access-timestamp']).toMatch(/^\d{13}$/);
    expect(Math.abs(Number(seen['kalshi-access-timestamp']) - Date.now())).toBeLessThan(5000);
    expect(verifyPss(pair.publicKeyPem, `${seen['kalshi-access-timestamp']}GET/trade-api/v2/portfolio/orders`, seen['kalshi-access-signature']!)).toBe(true);
  });

  it('under a custom baseUrl the signed path still includes /trade-api/v2', async () => {
    make('http://127.0.0.1:4100/trade-api/v2');
    let sig = '';
    let ts = '';
    nock('http://127.0.0.1:4100')
      .get('/trade-api/v2/portfolio/balance')
      .reply(function () {
        sig = String(this.req.headers['kalshi-access-signature']);
        ts = String(this.req.headers['kalshi-access-timestamp']);
        return [200, wireBalance(12345, 20000)];
      });
    const b = await client.getBalance();
    expect(b).toMatchObject({ balance: 12345, balance_dollars: '123.4500', portfolio_value: 20000 });
    expect(verifyPss(pair.publicKeyPem, `${ts}GET/trade-api/v2/portfolio/balance`, sig)).toBe(true);
  });

  it('a fresh timestamp and signature on every attempt', async () => {
    make();
    const stamps: string[] = [];
    nock(BASE)
      .get('/trade-api/v2/portfolio/balance')
      .times(2)
      .reply(function () {
        stamps.push(`${this.req.headers['kalshi-access-timestamp']}|${this.req.headers['kalshi-access-signature']}`);
        return stamps.length === 1 ? [503, {}] : [200, wireBalance(1, 1)];
      });
    await client.getBalance();
    expect(stamps).toHaveLength(2);
    expect(stamps[0]).not.toBe(stamps[1]);
  });

  it('public market data is unsigned; the orderbook is signed when a key is configured', async () => {
    make();
    nock(BASE, { badheaders: ['kalshi-access-signature'] })
      .get('/trade-api/v2/markets')
      .query({ limit: '2', event_ticker: 'KXE', tickers: 'A,B', status: 'open' })
      .reply(200, { markets: [wireMarket({ ticker: 'A', event_ticker: 'KXE', status: 'active', yes_bid_dollars: '0.4300' })], cursor: '' });
    nock(BASE, { reqheaders: { 'kalshi-access-key': 'key-1' } })
      .get('/trade-api/v2/markets/A/orderbook')
      .query({ depth: '3' })
      .reply(200, { orderbook_fp: { yes_dollars: [['0.4100', '10.00'], ['0.4300', '3.00']], no_dollars: [['0.5500', '5.00'], ['0.5600', '2.40']] } });
    expect((await client.listMarkets({ limit: 2, eventTicker: 'KXE', tickers: ['A', 'B'], status: 'open' })).markets[0]?.yes_bid_dollars).toBe('0.4300');
    const book = await client.getOrderbook('A', { depth: 3 });
    expect(book.bestYesBid?.amount).toBe('0.43');
    expect(book.bestYesAsk?.amount).toBe('0.44');
  });

  it('createOrder: V2 body, client_order_id reused on retry', async () => {
    make();
    const ids: string[] = [];
    nock(BASE)
      .post('/trade-api/v2/portfolio/events/orders')
      .times(2)
      .reply(function (_uri, body) {
        const b = body as Record<string, unknown>;
        ids.push(String(b.client_order_id));
        expect(b).toMatchObject({ ticker: 'KXA', side: 'bid', count: '3.00', price: '0.4200', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' });
        return ids.length === 1 ? [502, {}] : [201, { order_id: 'o1', client_order_id: b.client_order_id, fill_count: '0.00', remaining_count: '3.00', ts_ms: 1 }];
      });
    const res = await client.createOrder({ ticker: 'KXA', side: 'bid', count: 3, price: '0.4200', timeInForce: 'good_till_canceled' });
    expect(ids[0]).toBe(ids[1]);
    expect(res.client_order_id).toBe(ids[0]);
    expect(res.reconciled).toBe(false);
  });

  it('a 409 duplicate is reconciled by reading the existing order', async () => {
    make();
    nock(BASE).post('/trade-api/v2/portfolio/events/orders').reply(409, { code: 'order_already_exists', message: 'Order with this client_order_id already exists' });
    nock(BASE).get('/trade-api/v2/portfolio/orders').query({ ticker: 'KXA', limit: '200' }).reply(200, {
      orders: [wireOrder({ order_id: 'o7', client_order_id: 'mine-1', ticker: 'KXA', outcome_side: 'yes', book_side: 'bid', status: 'resting', yes_price_dollars: '0.4200', no_price_dollars: '0.5800', fill_count_fp: '1.00', remaining_count_fp: '2.00', initial_count_fp: '3.00', created_time: '2026-11-01T00:00:00Z' })],
      cursor: '',
    });
    const res = await client.createOrder({ ticker: 'KXA', side: 'bid', count: '3', price: '0.42', timeInForce: 'good_till_canceled', clientOrderId: 'mine-1' });
    expect(res).toMatchObject({ order_id: 'o7', reconciled: true, fill_count: '1.00', remaining_count: '2.00' });
  });

  it('validates orders before sending', async () => {
    make();
    for (const bad of [{ price: '1.00' }, { price: '0.12345' }, { price: 0.5 }, { count: '0' }, { count: '1.234' }, { side: 'buy' }, { timeInForce: 'immediate_or_cancel', expirationTime: 5 }]) {
      const err = await caught(client.createOrder({ ticker: 'KXA', side: 'bid', count: '1', price: '0.50', timeInForce: 'good_till_canceled', ...bad } as never));
      expect((err as MarketError).name).toBe('ValidationError');
    }
  });

  it('cancel uses the V2 path; api keys endpoints', async () => {
    make();
    nock(BASE).delete('/trade-api/v2/portfolio/events/orders/o1').query({ market_ticker: 'KXA' }).reply(200, { order_id: 'o1', reduced_by: '3.00', ts_ms: 1 });
    nock(BASE).get('/trade-api/v2/api_keys').reply(200, { api_keys: [{ api_key_id: 'k', name: 'n', scopes: ['read'] }] });
    nock(BASE).post('/trade-api/v2/api_keys', { name: 'bot', public_key: pair.publicKeyPem, scopes: ['read', 'write'] }).reply(201, { api_key_id: 'new' });
    nock(BASE).post('/trade-api/v2/api_keys/generate', { name: 'gen' }).reply(201, { api_key_id: 'g', private_key: pair.privateKeyPem });
    nock(BASE).delete('/trade-api/v2/api_keys/new').reply(204);
    expect((await client.cancelOrder('o1', { ticker: 'KXA' })).reduced_by).toBe('3.00');
    expect((await client.apiKeys.list()).api_keys).toHaveLength(1);
    expect(await client.apiKeys.create({ name: 'bot', publicKeyPem: pair.publicKeyPem, scopes: ['read', 'write'] })).toEqual({ api_key_id: 'new' });
    const gen = await client.apiKeys.generate({ name: 'gen' });
    expect(gen.private_key.reveal()).toBe(pair.privateKeyPem);
    expectNoSecret(gen, pair.privateKeyPem.split('\n')[1]!);
    await client.apiKeys.delete('new');
  });

  it('V2 amend, decrease, batches (DELETE with a JSON body) and cancel-all', async () => {
    make();
    nock(BASE).post('/trade-api/v2/portfolio/events/orders/o1/amend', { ticker: 'KXA', side: 'bid', price: '0.45', count: '4.00' }).reply(200, { order_id: 'o1', remaining_count: '4.00', ts_ms: 1 });
    nock(BASE).post('/trade-api/v2/portfolio/events/orders/o1/decrease', { reduce_to: '2.00', market_ticker: 'KXA' }).reply(200, { order_id: 'o1', remaining_count: '2.00', ts_ms: 2 });
    nock(BASE).post('/trade-api/v2/portfolio/events/orders/o1/decrease', { reduce_by: '1' }).reply(200, { order_id: 'o1', remaining_count: '1.00', ts_ms: 3 });
    const batchIds: string[] = [];
    nock(BASE)
      .post('/trade-api/v2/portfolio/events/orders/batched')
      .reply(201, (_uri, body) => {
        const orders = (body as { orders: { client_order_id: string; ticker: string }[] }).orders;
        batchIds.push(...orders.map((o) => o.client_order_id));
        return { orders: [{ order_id: 'b1', client_order_id: orders[0]!.client_order_id, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 }, { client_order_id: orders[1]!.client_order_id, error: { code: 'invalid_order', message: 'off grid' } }] };
      });
    nock(BASE).delete('/trade-api/v2/portfolio/events/orders/batched', { orders: [{ order_id: 'b1', market_ticker: 'KXA' }] }).reply(200, { orders: [{ order_id: 'b1', reduced_by: '1.00' }] });
    nock(BASE).delete('/trade-api/v2/portfolio/events/orders').reply(204);
    expect((await client.amendOrder('o1', { ticker: 'KXA', side: 'bid', price: '0.45', count: 4 })).remaining_count).toBe('4.00');
    expect((await client.decreaseOrder('o1', { ticker: 'KXA', reduceTo: 2 })).remaining_count).toBe('2.00');
    expect((await client.decreaseOrder('o1', { reduceBy: '1' })).remaining_count).toBe('1.00');
    const results = await client.batchCreateOrders([
      { ticker: 'KXA', side: 'bid', count: '1', price: '0.10', timeInForce: 'good_till_canceled' },
      { ticker: 'KXB', side: 'ask', count: '1', price: '0.9', timeInForce: 'good_till_canceled' },
    ]);
    expect(new Set(batchIds).size).toBe(2);
    expect(results[0]).toMatchObject({ order_id: 'b1', client_order_id: batchIds[0], fill_count: '0.00', remaining_count: '1.00', reconciled: false });
    expect(results[0]).not.toHaveProperty('clientOrderId');
    expect(results[1]).toMatchObject({ client_order_id: batchIds[1], error: { code: 'invalid_order' } });
    expect((await client.batchCancelOrders([{ orderId: 'b1', ticker: 'KXA' }]))[0]?.reduced_by).toBe('1.00');
    await client.cancelAllOrders();
    expect(await caught(client.decreaseOrder('o1', { reduceTo: '1', reduceBy: '1' } as never))).toMatchObject({ name: 'ValidationError' });
  });

  const cases: [number, unknown, new (...a: never[]) => MarketError, string][] = [
    [401, { error: { code: 'header_timestamp_expired', message: 'expired' } }, AuthenticationError, 'clock_skew'],
    [401, { error: { code: 'authentication_error', details: 'INCORRECT_API_KEY_SIGNATURE' } }, AuthenticationError, 'bad_signature'],
    [401, { code: 'NOT_FOUND', message: 'key not found' }, AuthenticationError, 'unknown_key'],
    [401, { msg: 'unauthorized' }, AuthenticationError, 'authentication_failed'],
    [403, { code: 'forbidden', message: 'insufficient API usage level' }, PermissionError, 'permission_denied'],
    [400, { code: 'available_balance_too_low', message: 'no money' }, OrderRejectedError, 'order_rejected'],
    [400, { code: 'invalid_order_size', message: 'bad' }, OrderRejectedError, 'order_rejected'],
    [429, { error: 'too many requests' }, RateLimitError, 'rate_limited'],
  ];
  for (const [status, body, cls, code] of cases) {
    it(`maps ${status} ${JSON.stringify(body).slice(0, 60)} → ${cls.name}/${code}`, async () => {
      make();
      nock(BASE).post('/trade-api/v2/portfolio/events/orders').times(status === 429 ? 3 : 1).reply(status, body as nock.Body);
      const err = (await caught(client.createOrder({ ticker: 'KXA', side: 'ask', count: '1', price: '0.5', timeInForce: 'fill_or_kill' }))) as MarketError;
      expect(err).toBeInstanceOf(cls);
      expect(err.code).toBe(code);
      expectNoSecret(err, pair.privateKeyPem.split('\n')[1]!);
    });
  }

  it('create below Premier says why', async () => {
    make();
    nock(BASE).post('/trade-api/v2/api_keys').reply(403, { code: 'forbidden', message: 'insufficient API usage level' });
    const err = await caught(client.apiKeys.create({ name: 'x', publicKeyPem: pair.publicKeyPem }));
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(/Premier/);
  });

  it('getOrderbooks: repeated tickers keys, signed, the wire\'s list of books with the best bid and ask added; more than 100 refused before sending', async () => {
    make();
    nock(BASE, { reqheaders: { 'kalshi-access-key': 'key-1' } })
      .get('/trade-api/v2/markets/orderbooks')
      .query((q) => JSON.stringify(q) === JSON.stringify({ tickers: ['A', 'B'] }))
      .reply(200, { orderbooks: [{ ticker: 'A', orderbook_fp: { yes_dollars: [['0.4300', '3.00']], no_dollars: [['0.5600', '2.40']] } }, { ticker: 'B', orderbook_fp: { yes_dollars: [], no_dollars: [] } }] });
    const books = await client.getOrderbooks(['A', 'B']);
    expect(books.map((b) => b.ticker)).toEqual(['A', 'B']);
    expect(books[0]).toEqual({ ticker: 'A', orderbook_fp: { yes_dollars: [['0.4300', '3.00']], no_dollars: [['0.5600', '2.40']] }, bestYesBid: { currency: 'USD', amount: '0.43' }, bestYesAsk: { currency: 'USD', amount: '0.44' } });
    expect(books[1]?.bestYesBid).toBeUndefined();
    const many = Array.from({ length: 101 }, (_, i) => `T${i}`);
    expect(await caught(client.getOrderbooks(many))).toMatchObject({ name: 'ValidationError' });
    expect(await caught(client.getOrderbooks([]))).toMatchObject({ name: 'ValidationError' });
  });

  it('without credentials, private calls are refused locally', async () => {
    client = createKalshiClient();
    expect(await caught(client.getOrderbooks(['A']))).toBeInstanceOf(CapabilityError);
    expect(await caught(client.getBalance())).toBeInstanceOf(CapabilityError);
    expect(client.has.trading).toBe(false);
    expect(() => createKalshiClient({ keyId: 'k' })).toThrow(/go together/);
  });

  it('an order-group reset is sent once: a lost answer is an OutcomeUnknownError saying to read the group', async () => {
    make();
    const scope = nock(BASE).put('/trade-api/v2/portfolio/order_groups/og-1/reset').reply(502, { error: 'upstream' });
    const error = await caught(client.orderGroups.reset('og-1'));
    expect(scope.isDone()).toBe(true);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/orderGroups\.get/);
  });
});
