import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  createCs2CapClient,
  InvalidRequestError,
  MarketError,
  OutcomeUnknownError,
  PermissionError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  type Cs2CapClient,
} from '../../src/index.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://api.cs2c.app';
const KEY = 'sk_live_unitTestKey0123456789';
const page = (items: unknown[] = []) => ({ meta: { currency: 'USD', filters: {}, providers_queried: [] }, items, pagination: { limit: 100, offset: 0, total: items.length, has_next: false, has_prev: false } });
const keyInfo = { id: 'k1', key_prefix: 'sk_live_root', is_root_key: true, is_active: true, created_at: '2026-07-01T00:00:00Z', effective_quota_requests_per_month: 500000, effective_rate_requests_per_minute: 100 };

describe('cs2cap wire format', () => {
  let client: Cs2CapClient;
  offlineWireTests(() => client);
  const make = () => (client = createCs2CapClient({ apiKey: KEY, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } }));

  it('GET /v1/prices with repeated providers keys and the bearer header only', async () => {
    make();
    nock(BASE, { reqheaders: { authorization: `Bearer ${KEY}` } })
      .get('/v1/prices')
      .query((q) => JSON.stringify(q) === JSON.stringify({ market_hash_name: 'AK-47 | Redline (Field-Tested)', phase: 'Ruby', providers: ['steam', 'buff163'], currency: 'EUR', limit: '50', offset: '10' }))
      .reply(200, page([{ provider: 'steam', item_id: 1, market_hash_name: 'x', lowest_ask: 2550, lowest_ask_decimal: '25.50', quantity: 3, brand_new_field: 1 }]));
    const res = await client.getPrices({ marketHashName: 'AK-47 | Redline (Field-Tested)', phase: 'Ruby', providers: ['steam', 'buff163'], currency: 'EUR', limit: 50, offset: 10 });
    expect(res.items[0]?.lowest_ask).toEqual({ currency: 'USD', amount: '25.50' });
    // Fields the client does not know are dropped; the decimal twin is not kept beside the Money.
    expect(Object.keys(res.items[0]!).sort()).toEqual(['item_id', 'last_updated', 'link', 'lowest_ask', 'market_hash_name', 'phase', 'provider', 'quantity', 'timestamp', 'url']);
  });

  it('uses minor units when no decimal string is sent, and tolerates unknown provider keys', async () => {
    make();
    nock(BASE).get('/v1/prices').query({ item_id: '7' }).reply(200, page([{ provider: 'brand_new_market', item_id: 7, market_hash_name: 'x', lowest_ask: 5, quantity: 1 }]));
    const res = await client.getPrices({ itemId: 7 });
    expect(res.items[0]?.lowest_ask.amount).toBe('0.05');
    expect(res.items[0]?.provider).toBe('brand_new_market');
  });

  it('POST /v1/prices/batch body', async () => {
    make();
    nock(BASE)
      .post('/v1/prices/batch', { item_ids: [1, 2], market_hash_names: ['Kilowatt Case'], currency: 'USD' })
      .reply(200, { meta: { currency: 'USD' }, items: [], items_not_found: [1, 2], names_not_found: ['Kilowatt Case'] });
    const res = await client.getPricesBatch({ itemIds: [1, 2], marketHashNames: ['Kilowatt Case'] });
    expect(res.items_not_found).toEqual([1, 2]);
  });

  it('GET /v1/bids always sends a limit', async () => {
    make();
    nock(BASE).get('/v1/bids').query({ item_id: '3', limit: '100' }).reply(200, page([{ provider: 'buff163', item_id: 3, market_hash_name: 'x', highest_bid: 1999, num_bids: 4 }]));
    expect((await client.getBids({ itemId: 3 })).items[0]?.highest_bid.amount).toBe('19.99');
  });

  it('history, sales, items, providers, fx paths and params', async () => {
    make();
    const cursorPage = { meta: { currency: 'USD' }, items: [], pagination: { limit: 10, total: -1, has_next: false, has_prev: false, next_cursor: null } };
    nock(BASE).get('/v1/prices/history').query({ item_id: '1', provider: 'csfloat', start: '2026-07-01', limit: '10', cursor: 'abc' }).reply(200, cursorPage);
    nock(BASE).get('/v1/sales').query({ market_hash_name: 'x', providers: ['buff163', 'c5'], min_float: '0.1', max_float: '0.2', paint_seed: '661', stickers: ['a', 'b'], limit: '10' }).reply(200, cursorPage);
    nock(BASE).get('/v1/items').query({ q: 'awp', is_stattrak: 'true', limit: '5' }).reply(200, { items: [], pagination: { limit: 5, offset: 0, total: 0, has_next: false, has_prev: false } });
    nock(BASE).get('/v1/providers').query({ provider: 'steam' }).reply(200, { 'Steam Community Market': { key: 'steam', logo: 'l', fees: {}, features: {}, health: { status: 'degraded' } } });
    nock(BASE).get('/v1/fx').reply(200, { timestamp: null, rates: { EUR: 0.92, BTC: 0.0000163 } });
    await client.getPriceHistory({ itemId: 1, provider: 'csfloat', start: '2026-07-01', limit: 10, cursor: 'abc' });
    await client.getSales({ marketHashName: 'x', providers: ['buff163', 'c5'], minFloat: 0.1, maxFloat: 0.2, paintSeed: 661, stickers: ['a', 'b'], limit: 10 });
    await client.listItems({ q: 'awp', isStattrak: true, limit: 5 });
    expect(Object.keys(await client.getProviders({ provider: 'steam' }))).toEqual(['Steam Community Market']);
    expect((await client.getFxRates()).rates).toEqual({ EUR: '0.92', BTC: '0.0000163' });
  });

  it('GET /v1/prices/candles: lookback in days, exact Money in the answer currency under o/h/l/c', async () => {
    make();
    nock(BASE)
      .get('/v1/prices/candles')
      .query({ market_hash_name: 'Kilowatt Case', interval: '1h', lookback: '2d', fill: 'true', currency: 'EUR' })
      .reply(200, {
        meta: { item_id: 9, market_hash_name: 'Kilowatt Case', currency: 'EUR', interval: '1h', start: '2026-11-22T12:00:00Z', end: '2026-11-24T12:00:00Z' },
        data: [{ t: 1_795_867_200, o: 101, h: 130, l: 99, c: 120, v: 4, q: null, providers: { h: 'csfloat', l: 'buff163' } }],
      });
    const res = await client.getPriceCandles({ marketHashName: 'Kilowatt Case', interval: '1h', lookbackDays: 2, fill: true, currency: 'EUR' });
    expect(res.meta.provider).toBe('All Providers');
    expect(res.data[0]).toMatchObject({
      t: 1_795_867_200,
      o: { amount: '1.01', currency: 'EUR' },
      h: { amount: '1.30', currency: 'EUR' },
      l: { amount: '0.99', currency: 'EUR' },
      c: { amount: '1.20', currency: 'EUR' },
      providers: { o: 'unknown', h: 'csfloat', l: 'buff163', c: 'unknown' },
    });
  });

  it('candles: a window the server would cut short or half-ignore is refused before sending; a bad answer names its field', async () => {
    make();
    const refused = [
      { itemId: 1, lookbackDays: 7, start: '2026-11-01T00:00:00Z' }, // the server would drop start
      { itemId: 1, interval: '5m' as const, lookbackDays: 8 }, // 5m keeps 7 days
      { itemId: 1, start: '2026-11-02T00:00:00Z', end: '2026-11-01T00:00:00Z' },
      { itemId: 1, start: 'yesterday' },
      { interval: '1d' as const },
    ];
    for (const query of refused) expect((await caught(client.getPriceCandles(query))) as MarketError).toMatchObject({ name: 'ValidationError' });
    nock(BASE).get('/v1/prices/candles').query(true).reply(200, { meta: { item_id: 1, market_hash_name: 'x', currency: 'USD', interval: '1d', start: 's', end: 'e' }, data: [{ t: 1, o: 1, h: 1, l: 1, c: '1', v: 0, providers: { h: 'a', l: 'b' } }] });
    const shape = (await caught(client.getPriceCandles({ itemId: 1 }))) as MarketError & { fieldPath: string };
    expect(shape.name).toBe('ResponseShapeError');
    expect(shape.fieldPath).toBe('data.0.c');
  });

  it('GET /v1/market/arbitrage: repeated provider filters, exact USD Money; the iterator follows offsets', async () => {
    make();
    const item = (id: number) => ({ item_id: id, market_hash_name: `x${id}`, buy_provider: 'csfloat', sell_provider: 'buff163', buy_price_usd: '10.00', sell_price_usd: '11.5', gross_spread_pct: 15, estimated_fees_usd: '0.29', net_profit_usd: '1.21', last_updated: 't' });
    // The pages leave out `offset`: the iterator counts it itself.
    const page = (items: unknown[], hasNext: boolean) => ({ meta: { generated_at: 'g', data_source: 'cache', freshness_sec: 60 }, data: { items }, pagination: { limit: 2, has_next: hasNext } });
    nock(BASE)
      .get('/v1/market/arbitrage')
      // A single repeated key parses as a plain string.
      .query((q) => JSON.stringify(q) === JSON.stringify({ min_spread_pct: '2.5', providers_buy: ['csfloat', 'skinport'], providers_sell: 'buff163', limit: '2', offset: '0' }))
      .reply(200, page([item(1), item(2)], true));
    nock(BASE).get('/v1/market/arbitrage').query((q) => q.offset === '2').reply(200, page([item(3)], false));
    const ids: number[] = [];
    for await (const o of client.arbitrage({ minSpreadPct: 2.5, providersBuy: ['csfloat', 'skinport'], providersSell: ['buff163'], limit: 2 })) {
      ids.push(o.item_id);
      expect(o.sell_price_usd).toEqual({ amount: '11.50', currency: 'USD' });
      expect(o.net_profit_usd.amount).toBe('1.21');
    }
    expect(ids).toEqual([1, 2, 3]);
    expect(await caught(client.getArbitrage({ minSpreadPct: -1 }))).toMatchObject({ name: 'ValidationError' });
  });

  it('key info, reissue (never retried) and sub-keys', async () => {
    make();
    // A Quant key (its monthly quota says so): sub-keys are Quant-only, and the client now knows the tier.
    nock(BASE).get('/v1/account/key').reply(200, { key: { ...keyInfo, effective_quota_requests_per_month: 1_000_000 } });
    nock(BASE).post('/v1/account/key/reissue').reply(503, { detail: 'upstream unavailable' });
    const err = await caught(client.reissueKey());
    expect((err as MarketError).name).toBe('OutcomeUnknownError');
    expect((err as MarketError).status).toBe(503);

    nock(BASE).get('/v1/account/sub-keys').query({ limit: '25' }).reply(200, { keys: [{ key: { ...keyInfo, key_prefix: 'sk_live_child', is_root_key: false }, requests_this_month: 5 }], pagination: { limit: 25, offset: 0, total: 1, has_next: false, has_prev: false } });
    nock(BASE).post('/v1/account/sub-keys', { name: 'bot', rate_requests_per_minute_override: 10 }).reply(201, { key: 'sk_live_childKey123456', key_info: keyInfo, message: 'once' });
    nock(BASE).delete('/v1/account/sub-keys/a%2Fb').reply(200, { ok: true, key_id: 'a/b', revoked_at: '2026-07-02T00:00:00Z' });
    expect((await client.subKeys.list()).keys).toHaveLength(1);
    expect((await client.subKeys.create({ name: 'bot', rateRequestsPerMinute: 10 })).key.reveal()).toBe('sk_live_childKey123456');
    expect(await client.subKeys.revoke('a/b')).toEqual({ ok: true, key_id: 'a/b', revoked_at: '2026-07-02T00:00:00Z' });
  });

  it('an alert create whose answer is lost is sent once and says how to check', async () => {
    make();
    nock(BASE).post('/v1/account/alerts').reply(503, { detail: 'busy' });
    const err = (await caught(client.alerts.create({ itemId: 7, kind: 'price_below', threshold: '25.50', currency: 'EUR' }))) as MarketError;
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.message).toMatch(/alerts\.list\(\{ search: '7' \}\) and look for a price_below alert at 25\.50/);
    nock(BASE).post('/v1/account/alerts/batch').reply(502, { detail: 'bad gateway' });
    const batch = (await caught(client.alerts.createBatch([{ itemId: 7, kind: 'price_above', threshold: '30' }]))) as MarketError;
    expect(batch).toBeInstanceOf(OutcomeUnknownError);
    expect(batch.message).toMatch(/create again only the ones that are missing/);
  });

  it('a successful reissue switches the key for the next call', async () => {
    make();
    nock(BASE).get('/v1/account/key').reply(200, { key: keyInfo });
    nock(BASE).post('/v1/account/key/reissue').reply(200, { key: 'sk_live_brandNewKey987654', key_prefix: 'sk_live_root', id: 'k2', created_at: '2026-07-02T00:00:00Z', message: 'once' });
    nock(BASE, { reqheaders: { authorization: 'Bearer sk_live_brandNewKey987654' } }).get('/v1/fx').reply(200, { rates: {} });
    await client.reissueKey();
    await client.getFxRates();
  });

  it('POST /v1/prices streams NDJSON with repeated providers keys; the snapshot headers are read', async () => {
    make();
    const body = [
      { provider: 'steam', item_id: 1, market_hash_name: 'a', lowest_ask: 2550, lowest_ask_decimal: '25.50', quantity: 3 },
      { provider: 'csfloat', item_id: 1, market_hash_name: 'a', lowest_ask: 5, quantity: 1 },
    ].map((r) => JSON.stringify(r)).join('\n') + '\n';
    // Gzip or nothing: the stream reader reads no other encoding (axios alone offers br and deflate).
    nock(BASE, { reqheaders: { 'accept-encoding': 'gzip' } }).post('/v1/prices').query({ providers: ['steam', 'csfloat'] }).reply(200, body, { 'Content-Type': 'application/x-ndjson', 'X-Snapshot-Total': '2', 'X-Snapshot-Timestamp': '2026-07-18T00:00:00Z' });
    const stream = await client.streamPrices({ providers: ['steam', 'csfloat'] });
    expect(stream).toMatchObject({ total: 2, snapshotAt: '2026-07-18T00:00:00Z' });
    const asks = [];
    for await (const row of stream.rows) asks.push(row.lowest_ask.amount);
    expect(asks).toEqual(['25.50', '0.05']);
    // An encoding the reader cannot read is refused by name, not read as rows of garbage.
    nock(BASE).post('/v1/prices').reply(200, Buffer.from([0x0b, 0x02, 0x80]), { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'br' });
    expect(await caught(client.streamPrices())).toMatchObject({ code: 'response_shape', fieldPath: '(Content-Encoding)', status: 200, retryable: false });
    // A bad row names the stream's own method.
    nock(BASE).post('/v1/prices').reply(200, '{"provider":"steam","item_id":"x"}\n', { 'Content-Type': 'application/x-ndjson' });
    const bad = await client.streamPrices();
    const badRow = await caught((async () => {
      for await (const _row of bad.rows) void _row;
    })());
    expect(badRow).toMatchObject({ code: 'response_shape', method: 'POST', fieldPath: 'row 1.item_id' });
    expect((badRow as Error).message).toMatch(/^cs2cap POST \/prices: /);
    nock(BASE).post('/v1/bids').reply(429, { code: 'RATE_LIMIT_STREAM_QUOTA_EXCEEDED', detail: 'Limit 300 per 24 hours.' }, { 'Retry-After': '3600' });
    expect(await caught(client.streamBids())).toBeInstanceOf(QuotaExceededError);
  });

  const cases: [number, unknown, new (...a: never[]) => MarketError, string, boolean][] = [
    [401, { code: 'AUTH_INVALID_API_KEY', detail: 'Invalid API key' }, AuthenticationError, 'authentication_failed', false],
    [401, { code: 'AUTH_API_KEY_REVOKED', detail: 'revoked' }, AuthenticationError, 'authentication_failed', false],
    [401, { code: 'UNAUTHORIZED', detail: 'Missing Authorization header' }, AuthenticationError, 'authentication_failed', false],
    [401, { code: 'AUTH_ACCOUNT_DISABLED', detail: 'disabled' }, PermissionError, 'permission_denied', false],
    [403, { code: 'AUTH_ACCOUNT_DISABLED', detail: 'disabled' }, PermissionError, 'permission_denied', false],
    [403, { code: 'FORBIDDEN', detail: 'tier' }, PermissionError, 'permission_denied', false],
    [400, { code: 'BAD_REQUEST', detail: 'invalid cursor format' }, InvalidRequestError, 'invalid_request', false],
    [400, { detail: 'no code at all' }, InvalidRequestError, 'invalid_request', false],
    [404, { detail: 'Item not found: x' }, InvalidRequestError, 'not_found', false],
    [409, { code: 'STREAM_ALREADY_ACTIVE', detail: 'active' }, InvalidRequestError, 'conflict', false],
    [422, { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'providers', 0], msg: 'bad provider' }] }, InvalidRequestError, 'invalid_request', false],
    [422, { detail: [{ loc: ['query', 'limit'], msg: 'too big' }] }, InvalidRequestError, 'invalid_request', false],
    [429, { code: 'RATE_LIMIT_MONTHLY_QUOTA_EXCEEDED', detail: 'Monthly quota exceeded' }, QuotaExceededError, 'quota_exceeded', false],
    [429, { code: 'RATE_LIMIT_STREAM_QUOTA_EXCEEDED', detail: 'stream quota' }, QuotaExceededError, 'quota_exceeded', false],
    [500, { code: 'INTERNAL', detail: 'boom' }, ServerError, 'server_error', false],
  ];
  for (const [status, body, cls, code, retryable] of cases) {
    it(`maps ${status} ${JSON.stringify(body).slice(0, 50)} → ${cls.name}`, async () => {
      make();
      nock(BASE).get('/v1/fx').reply(status, body as nock.Body, { 'x-request-id': 'req-42' });
      const err = (await caught(client.getFxRates())) as MarketError;
      expect(err).toBeInstanceOf(cls);
      expect(err.code).toBe(code);
      expect(err.retryable).toBe(retryable);
      expect(err.status).toBe(status);
      expect(err.requestId).toBe('req-42');
      expect(err.path).toBe('/fx');
      if (Array.isArray((body as { detail: unknown }).detail)) expect(err.message).toMatch(/query\.(providers\.0|limit)/);
    });
  }

  it('RATE_LIMIT_EXCEEDED and 503 *_INDEX_UNAVAILABLE are retried, then surface typed', async () => {
    make();
    nock(BASE).get('/v1/fx').times(3).reply(429, { code: 'RATE_LIMIT_EXCEEDED' }, { 'Retry-After': '0' });
    const err = (await caught(client.getFxRates())) as MarketError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(0);
    nock(BASE).get('/v1/bids').query(true).times(3).reply(503, { code: 'BIDS_INDEX_UNAVAILABLE', detail: 'x' });
    const err2 = (await caught(client.getBids({ itemId: 1 }))) as MarketError;
    expect(err2).toBeInstanceOf(ServerError);
    expect(err2.providerCode).toBe('BIDS_INDEX_UNAVAILABLE');
  });

  it('Retry-After as an HTTP date is honoured', async () => {
    make();
    const when = new Date(Date.now() + 1500).toUTCString();
    nock(BASE).get('/v1/fx').reply(429, { code: 'RATE_LIMIT_EXCEEDED' }, { 'Retry-After': when });
    nock(BASE).get('/v1/fx').reply(200, { rates: {} });
    const started = Date.now();
    await client.getFxRates();
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('a network error never leaks an AxiosError', async () => {
    make();
    nock(BASE).get('/v1/fx').times(3).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const err = await caught(client.getFxRates());
    expect((err as MarketError).name).toBe('NetworkError');
    expect(JSON.stringify(err)).not.toMatch(/config|headers|Bearer/);
  });
});
