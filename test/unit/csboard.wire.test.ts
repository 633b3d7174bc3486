import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  createCsboardClient,
  InvalidRequestError,
  type MarketError,
  OrderRejectedError,
  PermissionError,
  RateLimitError,
  ServerError,
  ValidationError,
  type CsboardClient,
} from '../../src/index.js';
import { resetAuthGuardState } from '../../providers/csboard/auth-guard.js';
import { csboardErrorDetails } from '../../providers/csboard/index.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://csboard.com';
let n = 0;
const order = { order_id: 'ord_1', steam_id: null, status: 'completed', custom_id: 'c1', currency: 'USD', charged_total_usd: 26.47, item_count: 0, hold_until: null, created_at: '2026-06-29T17:12:04Z', updated_at: null, items: [] };

describe('csboard wire format', () => {
  let client: CsboardClient;
  let key: string;
  offlineWireTests(() => client);
  // Every test's key is new and most are never proven (a 4xx proves nothing): without a
  // reset they would spend the host's unproven-key budget (10 a minute) and wait.
  beforeEach(() => resetAuthGuardState());
  // A fresh key per test: a 401 in one test must not mark the next test's key dead.
  const make = (trading: boolean | 'detect' = true) => {
    key = `csb_pub_unitKey${++n}abcdefghijkl`;
    client = createCsboardClient({ apiKey: key, trading, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 }, rateLimit: { snapshot: { limit: 10, windowMs: 1000 } } });
    return key;
  };

  it('health sends no key', async () => {
    make();
    nock(BASE, { badheaders: ['authorization'] }).get('/v1/health').reply(200, { status: 'ok', groups: 184213, price_list_age_seconds: 42 });
    expect((await client.health()).groups).toBe(184213);
  });

  it('listings filters map to the documented query names; the key is a header only', async () => {
    make();
    nock(BASE, { reqheaders: { authorization: `Bearer ${key}` } })
      .get('/v1/listings')
      .query({ search: 'AK-47 | Redline', category: 'Rifle', wear: 'Factory New', rarity: 'Covert', min_price: '1', max_price: '20', min_float: '0.01', max_float: '0.07', stat_trak: 'only', souvenir: 'exclude', sort: 'price_asc', cursor: 'abc', limit: '100' })
      .reply(200, { items: [{ id: 'itm_1', market_hash_name: 'x', price_usd: 14.37 }], next_cursor: null });
    const page = await client.listListings({ search: 'AK-47 | Redline', category: 'Rifle', wear: 'Factory New', rarity: 'Covert', minPrice: 1, maxPrice: 20, minFloat: 0.01, maxFloat: 0.07, statTrak: 'only', souvenir: 'exclude', sort: 'price_asc', cursor: 'abc', limit: 100 });
    expect(page.items[0]).toEqual({ id: 'itm_1', market_hash_name: 'x', price_usd: { currency: 'USD', amount: '14.37' } });
  });

  it('comma-joined id lists for availability and order lookup', async () => {
    make();
    nock(BASE).get('/v1/listings/availability').query({ ids: 'itm_1,itm_2' }).reply(200, { data: { available: { itm_1: 1 }, unavailable_ids: ['itm_2'] } });
    nock(BASE).get('/v1/orders/info').query({ order_ids: 'ord_1,ord_2', custom_ids: 'c1' }).reply(200, { data: [order] });
    await client.checkAvailability(['itm_1', 'itm_2']);
    expect((await client.getOrdersInfo({ orderIds: ['ord_1', 'ord_2'], customIds: ['c1'] }))[0]?.charged_total_usd.amount).toBe('26.47');
  });

  it('prices, currency, balance, orders, one order, claim', async () => {
    make();
    nock(BASE).get('/v1/prices').query({ category: 'Rifle', wear: 'Field-Tested', limit: '50' }).reply(200, { items: [{ market_hash_name: 'x', wear: null, doppler_phase: null, min_price_usd: 11.92, qty: 73 }], next_cursor: null });
    nock(BASE).get('/v1/currency').reply(200, { base: 'USD', rates: { USD: 1, EUR: 0.92 }, updated_at: '2026-06-29T17:00:00Z' });
    nock(BASE).get('/v1/orders').query({ status: 'completed', limit: '50', start_unix_time: '1', end_unix_time: '2' }).reply(200, { data: [order], meta: { next_cursor: null, per_page: 50 } });
    nock(BASE).get('/v1/orders/ord_1').reply(200, order);
    nock(BASE).post('/v1/orders/ord_1/claim').reply(200, { order_id: 'ord_1', status: 'delivering', claimed: true, steam_trade_offer_id: '5512345678' });
    expect((await client.listPrices({ category: 'Rifle', wear: 'Field-Tested', limit: 50 })).items[0]).toEqual({ market_hash_name: 'x', wear: null, doppler_phase: null, min_price_usd: { currency: 'USD', amount: '11.92' }, qty: 73 });
    expect((await client.getCurrencyRates()).rates['EUR']).toBe('0.92');
    expect((await client.listOrders({ status: 'completed', limit: 50, startUnixTime: 1, endUnixTime: 2 })).data).toHaveLength(1);
    expect((await client.getOrder('ord_1')).order_id).toBe('ord_1');
    expect((await client.claimOrder('ord_1')).claimed).toBe(true);
  });

  it('placeOrder sends the same Idempotency-Key on every attempt', async () => {
    make();
    const keys: string[] = [];
    nock(BASE)
      .post('/v1/orders', { item_ids: ['itm_1', 'itm_2'], max_price_usd: 30 })
      .times(2)
      .reply(function () {
        keys.push(String(this.req.headers['idempotency-key']));
        return keys.length === 1 ? [503, { code: 'unavailable' }] : [201, { order_id: 'ord_1', status: 'processing', total_charged_usd: 26.47 }];
      });
    const res = await client.placeOrder({ itemIds: ['itm_1', 'itm_2'], maxPriceUsd: 30 });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(res.idempotencyKey).toBe(keys[0]);
  });

  it('an explicit uncapped order omits max_price_usd', async () => {
    make();
    nock(BASE, { reqheaders: { 'idempotency-key': 'my-own-key-123' } }).post('/v1/orders', { item_ids: ['itm_1'] }).reply(200, { order_id: 'ord_1', status: 'completed', total_charged_usd: 1 });
    await client.placeOrder({ itemIds: ['itm_1'], maxPriceUsd: null, allowUncapped: true, idempotencyKey: 'my-own-key-123' });
  });

  it('marketBuy sends custom_id in the body', async () => {
    make();
    nock(BASE)
      .post('/v1/market/buy', (b: Record<string, unknown>) => b.custom_id === 'batch-1' && b.partner === '447383001' && b.token === 'Ab3xZ9Qp' && b.max_price_usd === 30 && b.skip_unavailable === true)
      .reply(200, { data: { purchase_id: 'pur_1', custom_id: 'batch-1', skins: [] } });
    await client.marketBuy({ itemIds: ['itm_1'], partner: '447383001', token: 'Ab3xZ9Qp', maxPriceUsd: 30, customId: 'batch-1', skipUnavailable: true });
  });

  const cases: [number, Record<string, unknown>, new (...a: never[]) => MarketError, string][] = [
    [401, { code: 'missing_api_key' }, AuthenticationError, 'authentication_failed'],
    [401, { code: 'invalid_api_key' }, AuthenticationError, 'authentication_failed'],
    [401, { code: 'unauthorized' }, AuthenticationError, 'authentication_failed'],
    [403, { code: 'trading_not_enabled' }, PermissionError, 'permission_denied'],
    [403, { code: 'external_buy_disabled' }, PermissionError, 'permission_denied'],
    [400, { code: 'steam_account_required' }, OrderRejectedError, 'order_rejected'],
    [400, { code: 'invalid_request' }, InvalidRequestError, 'invalid_request'],
    [422, { code: 'invalid_request' }, InvalidRequestError, 'invalid_request'],
    [400, { code: 'unsupported_item' }, OrderRejectedError, 'order_rejected'],
    [400, { code: 'invalid_trade_url' }, OrderRejectedError, 'order_rejected'],
    [402, { code: 'insufficient_balance' }, OrderRejectedError, 'order_rejected'],
    [402, { code: 'insufficient_settled_balance', required_usd: 30, settled_usd: 12.5 }, OrderRejectedError, 'order_rejected'],
    [404, { code: 'order_not_found' }, InvalidRequestError, 'not_found'],
    [409, { code: 'price_moved', current_total_usd: 31.2 }, OrderRejectedError, 'order_rejected'],
    [409, { code: 'not_claimable' }, InvalidRequestError, 'conflict'],
    [425, { code: 'hold_not_cleared', hold_until: '2099-01-01T00:00:00Z' }, InvalidRequestError, 'conflict'],
    [502, { code: 'delivery_failed', refunded: true }, ServerError, 'server_error'],
  ];
  for (const [status, body, cls, code] of cases) {
    it(`maps ${status} ${String(body.code)} → ${cls.name}`, async () => {
      make();
      nock(BASE).post('/v1/orders/ord_9/claim').reply(status, { detail: 'd', ...body });
      const err = (await caught(client.claimOrder('ord_9'))) as MarketError;
      expect(err).toBeInstanceOf(cls);
      expect(err.code).toBe(code);
      expect(err.providerCode).toBe(body.code);
      expect(err.retryable).toBe(false);
      // Wire names, money exact, no camelCase copies (docs/results.md).
      const usd = (amount: string) => ({ currency: 'USD', amount });
      if (body.current_total_usd) expect(err.details).toEqual({ current_total_usd: usd('31.20') });
      if (body.required_usd) expect(err.details).toEqual({ required_usd: usd('30.00'), settled_usd: usd('12.50') });
      if (body.hold_until) expect(err.details).toEqual({ hold_until: '2099-01-01T00:00:00Z' });
      if (body.refunded) expect(err.details).toEqual({ refunded: true });
      expect(csboardErrorDetails(err)).toEqual(err.details ?? {});
    });
  }

  it('an extra error field of an unexpected shape is dropped, and the error keeps its code and class', async () => {
    make();
    nock(BASE).post('/v1/orders/ord_9/claim').reply(409, { code: 'price_moved', detail: 'd', current_total_usd: 'thirty', hold_until: 7 });
    const err = (await caught(client.claimOrder('ord_9'))) as MarketError;
    expect(err).toBeInstanceOf(OrderRejectedError);
    expect(err.providerCode).toBe('price_moved');
    expect(err.details).toEqual({});
    nock(BASE).post('/v1/orders/ord_9/claim').reply(402, { code: 'insufficient_settled_balance', required_usd: 'lots', settled_usd: 2.5 });
    const short = (await caught(client.claimOrder('ord_9'))) as MarketError;
    expect(short).toBeInstanceOf(OrderRejectedError);
    expect(csboardErrorDetails(short)).toEqual({ settled_usd: { currency: 'USD', amount: '2.50' } });
  });

  it('csboardErrorDetails reads only CSBoard errors', () => {
    const other = new OrderRejectedError({ provider: 'kalshi', code: 'order_rejected', message: 'x', details: { current_total_usd: { currency: 'USD', amount: '1.00' } } });
    expect(csboardErrorDetails(other)).toEqual({});
    expect(csboardErrorDetails(new Error('x'))).toEqual({});
  });

  it('401 too_many_failed_auth bans the host: nothing more is sent to it', async () => {
    // Its own host: the ban is per host for the whole process.
    const base = 'https://banned.csboard.test';
    client = createCsboardClient({ apiKey: 'csb_pub_bannedHostKey1234567', baseUrl: `${base}/v1` });
    nock(base).get('/v1/balance').reply(401, { code: 'too_many_failed_auth', detail: 'banned' });
    const err = (await caught(client.getBalance())) as MarketError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('auth_banned');
    expect(err.retryAfterMs).toBe(300_000);
    const next = (await caught(client.health())) as MarketError;
    expect(next.code).toBe('auth_banned');
    expect(next.retryAfterMs).toBeGreaterThan(299_000);
  });

  it('429 rate_limit_exceeded is retried after Retry-After; snapshot_rate_limited is a RateLimitError', async () => {
    make();
    nock(BASE).get('/v1/balance').reply(429, { code: 'rate_limit_exceeded', detail: 'Retry after 0 seconds.' }, { 'Retry-After': '0' });
    nock(BASE).get('/v1/balance').reply(200, { currency: 'USD', balance_usd: 1, trading_enabled: true, settled_balance_usd: 1, held_usd: 0, held_until: null });
    await client.getBalance();
    nock(BASE).get('/v1/prices/snapshot.ndjson.gz').times(3).reply(429, { code: 'snapshot_rate_limited' }, { 'Retry-After': '0' });
    const err = (await caught(client.downloadSnapshot())) as MarketError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.providerCode).toBe('snapshot_rate_limited');
  });

  it('snapshot: If-None-Match and a 304; an already-decompressed body also parses', async () => {
    make();
    nock(BASE, { reqheaders: { 'if-none-match': '"v1"', 'accept-encoding': 'gzip' } }).get('/v1/prices/snapshot.ndjson.gz').reply(304, '', { ETag: '"v1"' });
    expect(await client.downloadSnapshot({ etag: '"v1"' })).toEqual({ status: 'unchanged', etag: '"v1"' });
    nock(BASE, { reqheaders: { 'accept-encoding': 'gzip' } }).get('/v1/prices/snapshot.ndjson.gz').reply(200, '{"market_hash_name":"a","wear":null,"doppler_phase":null,"min_price_usd":1.5,"qty":2}\n{"market_hash_name":"b","min_price_usd":2,"qty":1}\n', { ETag: '"v2"' });
    const snap = await client.downloadSnapshot();
    if (snap.status !== 'ok') throw new Error('expected rows');
    const names = [];
    for await (const r of snap.rows) names.push(`${r.market_hash_name}:${r.min_price_usd.amount}`);
    expect(names).toEqual(['a:1.50', 'b:2.00']);
    expect(snap.etag).toBe('"v2"');
  });

  it('a bad snapshot row names its row and field', async () => {
    make();
    nock(BASE).get('/v1/prices/snapshot.ndjson.gz').reply(200, '{"market_hash_name":"a","min_price_usd":1,"qty":2}\n{"market_hash_name":"b","min_price_usd":"x","qty":1}\n');
    const snap = await client.downloadSnapshot();
    if (snap.status !== 'ok') throw new Error('expected rows');
    const err = await caught((async () => {
      for await (const _ of snap.rows);
    })());
    expect((err as { fieldPath: string }).fieldPath).toBe('row 2.min_price_usd');
  });

  describe('input bounds: refused with a ValidationError naming the field, nothing sent', () => {
    const mega = 'x'.repeat(1_000_000);
    const ok = { itemIds: ['itm_1'], maxPriceUsd: 30 };
    const trade = { itemIds: ['itm_1'], partner: '447383001', token: 'Ab3xZ9Qp', maxPriceUsd: 30 };
    const cases: [string, (c: CsboardClient) => Promise<unknown>, string][] = [
      ['placeOrder maxPriceUsd 1e21', (c) => c.placeOrder({ ...ok, maxPriceUsd: 1e21 }), 'maxPriceUsd'],
      ['placeOrder maxPriceUsd above 1,000,000', (c) => c.placeOrder({ ...ok, maxPriceUsd: 1_000_000.01 }), 'maxPriceUsd'],
      ['placeOrder maxPriceUsd 0', (c) => c.placeOrder({ ...ok, maxPriceUsd: 0 }), 'maxPriceUsd'],
      ['placeOrder maxPriceUsd negative', (c) => c.placeOrder({ ...ok, maxPriceUsd: -5 }), 'maxPriceUsd'],
      ['placeOrder maxPriceUsd with 3 decimals', (c) => c.placeOrder({ ...ok, maxPriceUsd: 12.345 }), 'maxPriceUsd'],
      ['placeOrder maxPriceUsd NaN', (c) => c.placeOrder({ ...ok, maxPriceUsd: Number.NaN }), 'maxPriceUsd'],
      ['placeOrder maxPriceUsd Infinity', (c) => c.placeOrder({ ...ok, maxPriceUsd: Number.POSITIVE_INFINITY }), 'maxPriceUsd'],
      ['placeOrder idempotencyKey of a megabyte', (c) => c.placeOrder({ ...ok, idempotencyKey: mega }), 'idempotencyKey'],
      ['placeOrder idempotencyKey with a newline', (c) => c.placeOrder({ ...ok, idempotencyKey: 'abcdefgh\r\nX-Evil: 1' }), 'idempotencyKey'],
      ['placeOrder a megabyte listing id', (c) => c.placeOrder({ ...ok, itemIds: [mega] }), 'itemIds.0'],
      ['marketBuy maxPriceUsd 1e21', (c) => c.marketBuy({ ...trade, maxPriceUsd: 1e21 }), 'maxPriceUsd'],
      ['marketBuy partner of a megabyte', (c) => c.marketBuy({ ...trade, partner: mega }), 'partner'],
      ['marketBuy partner not digits', (c) => c.marketBuy({ ...trade, partner: '4473&token=x' }), 'partner'],
      ['marketBuy token of 33 characters', (c) => c.marketBuy({ ...trade, token: 'A'.repeat(33) }), 'token'],
      ['marketBuy token with a space', (c) => c.marketBuy({ ...trade, token: 'Ab3x Z9Qp' }), 'token'],
      ['marketBuy customId of 129 characters', (c) => c.marketBuy({ ...trade, customId: 'c'.repeat(129) }), 'customId'],
      ['marketBuy customId with a comma', (c) => c.marketBuy({ ...trade, customId: 'batch,1' }), 'customId'],
      ['listListings search of a megabyte', (c) => c.listListings({ search: mega }), 'search'],
      ['listListings search with a control character', (c) => c.listListings({ search: 'AK\u0000' }), 'search'],
      ['listListings category of 101 characters', (c) => c.listListings({ category: 'c'.repeat(101) }), 'category'],
      ['listListings maxPrice 1e21', (c) => c.listListings({ maxPrice: 1e21 }), 'maxPrice'],
      ['listListings minPrice with 3 decimals', (c) => c.listListings({ minPrice: 1.005 }), 'minPrice'],
      ['listListings minPrice above maxPrice', (c) => c.listListings({ minPrice: 20, maxPrice: 10 }), 'minPrice'],
      ['listListings minFloat above maxFloat', (c) => c.listListings({ minFloat: 0.5, maxFloat: 0.1 }), 'minFloat'],
      ['listListings cursor of a megabyte', (c) => c.listListings({ cursor: mega }), 'cursor'],
      ['listPrices search of a megabyte', (c) => c.listPrices({ search: mega }), 'search'],
      ['listPrices maxPrice above 1,000,000', (c) => c.listPrices({ maxPrice: 2_000_000 }), 'maxPrice'],
      ['getQuotes a megabyte instrument', (c) => c.getQuotes(mega), 'search'],
      ['getOrdersInfo a custom id with a comma', (c) => c.getOrdersInfo({ customIds: ['a,b'] }), 'customIds.0'],
      ['getOrdersInfo an order id of 129 characters', (c) => c.getOrdersInfo({ orderIds: ['o'.repeat(129)] }), 'orderIds.0'],
      ['getOrdersInfo 201 ids', (c) => c.getOrdersInfo({ orderIds: Array.from({ length: 201 }, (_, i) => `ord_${i}`) }), 'orderIds'],
      ['listOrders start after end', (c) => c.listOrders({ startUnixTime: 20, endUnixTime: 10 }), 'startUnixTime'],
      ['listOrders a time in milliseconds', (c) => c.listOrders({ endUnixTime: Date.now() }), 'endUnixTime'],
      ['getOrder an id of a megabyte', (c) => c.getOrder(mega), '(input)'],
      ['downloadSnapshot an etag with a newline', (c) => c.downloadSnapshot({ etag: '"v1"\r\nX-Evil: 1' }), '(input)'],
    ];
    for (const [name, call, field] of cases) {
      it(name, async () => {
        make();
        // No interceptor and the network off: any request would be a NetworkError, and is counted.
        let attempted = 0;
        const count = (): void => void (attempted += 1);
        nock.emitter.on('no match', count);
        try {
          const err = (await caught(call(client))) as ValidationError;
          expect(err).toBeInstanceOf(ValidationError);
          expect(err.issues.map((i) => i.path)).toContain(field);
          expect(err.message.length).toBeLessThan(500); // the bad value is never copied in
        } finally {
          nock.emitter.removeListener('no match', count);
        }
        expect(attempted).toBe(0);
      });
    }

    it('the bounds themselves are accepted: 1,000,000 USD, cents, 128-character custom id', async () => {
      make();
      nock(BASE).post('/v1/orders', { item_ids: ['itm_1'], max_price_usd: 1_000_000 }).reply(201, { order_id: 'ord_1', status: 'processing', total_charged_usd: 1 });
      await client.placeOrder({ ...ok, maxPriceUsd: 1_000_000 });
      nock(BASE).post('/v1/market/buy', (b: Record<string, unknown>) => b.max_price_usd === 0.29 && b.custom_id === 'c'.repeat(128)).reply(201, { data: { purchase_id: 'pur_1', skins: [] } });
      await client.marketBuy({ ...trade, maxPriceUsd: 0.29, customId: 'c'.repeat(128) });
      nock(BASE).get('/v1/listings').query({ min_price: '0', max_price: '1000000' }).reply(200, { items: [], next_cursor: null });
      await client.listListings({ minPrice: 0, maxPrice: 1_000_000 });
    });
  });
});
