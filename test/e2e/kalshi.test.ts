import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  createKalshiClient,
  generateRsaKeyPair,
  OrderRejectedError,
  OutcomeUnknownError,
  pemLabel,
  PermissionError,
  RateLimitError,
  signKalshiRequest,
  type KalshiClient,
  type KalshiClientOptions,
} from '../../src/index.js';
import { KalshiSandbox, type KalshiSandboxOptions } from '../../providers/kalshi/sandbox.js';
import { caught, expectNoSecret } from '../helpers.js';

describe('kalshi against its sandbox', () => {
  let sandbox: KalshiSandbox;
  let baseUrl: string;
  const clients: KalshiClient[] = [];
  const start = async (options: KalshiSandboxOptions = {}): Promise<void> => {
    sandbox = new KalshiSandbox(options);
    baseUrl = await sandbox.start();
  };
  const make = (extra: Partial<KalshiClientOptions>): KalshiClient => {
    const c = createKalshiClient({ baseUrl, retry: { minDelayMs: 10, maxDelayMs: 100 }, ...extra });
    clients.push(c);
    return c;
  };
  const client0 = (user: { keyId: string; privateKeyPem: string }): KalshiClient => make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
  beforeEach(() => start());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sandbox.close();
  });

  it('market data, events and quotes', async () => {
    const client = make({});
    expect((await client.getExchangeStatus()).trading_active).toBe(true);
    const all = [];
    for await (const m of client.markets({ limit: 2 })) all.push(m.ticker);
    expect(all).toHaveLength(7);
    const event = await client.getEvent('KXCS2MAJOR-26');
    expect(event.markets.map((m) => m.ticker)).toContain('KXCS2MAJOR-26-NAVI');
    const [quote] = await client.getQuotes('KXFEDDECISION-26DEC-C25');
    expect(quote?.bid?.amount).toBe('0.43');
    expect(quote?.ask?.amount).toBe('0.44');
    expect(quote?.bidQuantity).toBe('350.00');
    let trades = 0;
    for await (const _ of client.trades({ ticker: 'KXBTCMAXY-26-T150000', limit: 2 })) trades += 1;
    expect(trades).toBe(5);
  });

  it('many books in one signed request agree with the one-market book, for one read\'s tokens', async () => {
    const user = await sandbox.createUser({ balanceUsd: 10 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const tickers = ['KXFEDDECISION-26DEC-C25', 'KXBTCMAXY-26-T150000', 'NO-SUCH-MARKET'];
    const before = sandbox.server.requests.length;
    const books = await client.getOrderbooks(tickers);
    expect(sandbox.server.requests.length - before).toBe(1);
    expect(books.map((b) => b.ticker).sort()).toEqual(tickers.slice(0, 2).sort());
    for (const b of books) expect(b).toEqual(await client.getOrderbook(b.ticker));
  });

  it('signed calls verify; balances move with orders; cancel returns the money', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    expect((await client.getBalance()).balance).toBe(10000);
    // Crosses the best NO bid of 0.56 (a YES ask of 0.44, 240 deep): fills at once.
    const order = await client.createOrder({ ticker: 'KXFEDDECISION-26DEC-C25', side: 'bid', count: '10', price: '0.44', timeInForce: 'good_till_canceled' });
    expect(order).toMatchObject({ fill_count: '10.00', remaining_count: '0.00', average_fill_price: '0.4400', average_fee_paid: '0.0180' });
    // Fees (published schedule, rounded up to the cent per order): taker ⌈0.07 × C × P × (1 − P)⌉,
    // maker ⌈0.0175 × C × P × (1 − P)⌉. Taker fee here: 0.07 × 10 × 0.44 × 0.56 = 0.17248 → 0.18.
    // 100 − 10 × 0.44 − 0.18 = 95.42.
    expect((await client.getBalance()).balance).toBe(9542);
    const resting = await client.createOrder({ ticker: 'KXBTCMAXY-26-T200000', side: 'bid', count: '10', price: '0.03', timeInForce: 'good_till_canceled' });
    expect(resting.remaining_count).toBe('10.00');
    // Reserved: 10 × 0.03 = 0.30, plus the maker fee it may owe: 0.0175 × 10 × 0.03 × 0.97 = 0.0050925 → 0.01.
    // 95.42 − 0.31 = 95.11.
    expect((await client.getBalance()).balance).toBe(9511);
    const cancel = await client.cancelOrder(resting.order_id, { ticker: 'KXBTCMAXY-26-T200000' });
    expect(cancel.reduced_by).toBe('10.00');
    expect((await client.getBalance()).balance).toBe(9542);
    expect((await client.getFills()).fills.map((f) => f.order_id)).toEqual([order.order_id]);
    expect((await client.getPositions()).market_positions[0]?.position_fp).toBe('10.00');
    expect((await client.getOrder(resting.order_id)).status).toBe('canceled');
  });

  it('amend and decrease resting orders; money and the book follow', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const ticker = 'KXBTCMAXY-26-T200000';
    const o = await client.createOrder({ ticker, side: 'bid', count: '10', price: '0.03', timeInForce: 'good_till_canceled' });
    // 10 × 0.03 + maker-fee reserve ⌈0.0175 × 10 × 0.03 × 0.97 = 0.0050925⌉ = 0.01 → 100 − 0.31.
    expect((await client.getBalance()).balance).toBe(9969);
    const amended = await client.amendOrder(o.order_id, { ticker, side: 'bid', price: '0.04', count: '5' });
    expect(amended.remaining_count).toBe('5.00');
    // 5 × 0.04 + ⌈0.0175 × 5 × 0.04 × 0.96 = 0.00336⌉ = 0.01 → 100 − 0.21.
    expect((await client.getBalance()).balance).toBe(9979);
    const book = await client.getOrderbook(ticker);
    expect(book.orderbook_fp.yes_dollars?.find(([price]) => price === '0.0400')?.[1]).toBe('9005.00'); // 9000 seeded + ours
    expect(book.orderbook_fp.yes_dollars?.find(([price]) => price === '0.0300')).toBeUndefined();
    expect((await client.decreaseOrder(o.order_id, { ticker, reduceTo: '3' })).remaining_count).toBe('3.00');
    // reduce_to is absolute: a lost answer is retried and lands once.
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/trade-api/v2/portfolio/events/orders/${o.order_id}/decrease` });
    expect((await client.decreaseOrder(o.order_id, { reduceTo: '2' })).remaining_count).toBe('2.00');
    // reduce_by is not: a lost answer is reported, not repeated.
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/trade-api/v2/portfolio/events/orders/${o.order_id}/decrease` });
    expect(await caught(client.decreaseOrder(o.order_id, { reduceBy: '1' }))).toBeInstanceOf(OutcomeUnknownError);
    expect((await client.getOrder(o.order_id)).remaining_count_fp).toBe('1.00');
    // 1 × 0.04 + ⌈0.0175 × 1 × 0.04 × 0.96 = 0.000672⌉ = 0.01 → 100 − 0.05.
    expect((await client.getBalance()).balance).toBe(9995);
  });

  it('batch create survives a lost answer without a duplicate; batch cancel and cancel-all return the money', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const orders = ['KXCS2MAJOR-26-NAVI', 'KXCS2MAJOR-26-SPIRIT', 'KXCS2MAJOR-26-VITALITY'].map((ticker) => ({ ticker, side: 'bid' as const, count: '10', price: '0.05', timeInForce: 'good_till_canceled' as const }));
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders/batched' });
    const placed = await client.batchCreateOrders(orders);
    expect(placed.map((p) => p.reconciled)).toEqual([true, true, true]);
    expect(sandbox.orders.filter((o) => o.user_id === user.userId)).toHaveLength(3);
    // Each: 10 × 0.05 + ⌈0.0175 × 10 × 0.05 × 0.95 = 0.0083125⌉ = 0.01 → 0.51; three → 100 − 1.53.
    expect((await client.getBalance()).balance).toBe(9847);
    const cancelled = await client.batchCancelOrders([{ orderId: placed[0]!.order_id!, ticker: orders[0]!.ticker }, { orderId: 'nope' }]);
    expect(cancelled[0]?.reduced_by).toBe('10.00');
    expect(cancelled[1]?.error?.code).toBe('not_found');
    await client.cancelAllOrders();
    expect((await client.getBalance()).balance).toBe(10000);
    // 11 orders × 10 tokens can never fit Basic's 100-token write bucket: refused before sending.
    const before = sandbox.server.requests.length;
    const tooBig = Array.from({ length: 11 }, () => orders[0]!);
    expect(await caught(client.batchCreateOrders(tooBig))).toBeInstanceOf(RateLimitError);
    expect(sandbox.server.requests.length).toBe(before);
  });

  it('insufficient balance is an OrderRejectedError', async () => {
    const user = await sandbox.createUser({ balanceUsd: 1 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const err = await caught(client.createOrder({ ticker: 'KXBTCMAXY-26-T150000', side: 'bid', count: '100', price: '0.10', timeInForce: 'good_till_canceled' }));
    expect(err).toBeInstanceOf(OrderRejectedError);
    expect((err as OrderRejectedError).providerCode).toBe('available_balance_too_low');
  });

  it('an order whose answer is lost is retried under its client_order_id and exists once', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders' });
    const res = await client.createOrder({ ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '5', price: '0.10', timeInForce: 'good_till_canceled' });
    const mine = sandbox.orders.filter((o) => o.user_id === user.userId);
    expect(mine).toHaveLength(1);
    expect(res.order_id).toBe(mine[0]!.order_id);
    expect(res.reconciled).toBe(true);
    expect(sandbox.server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('generate a pair, register it, sign with it, delete it: the next call fails to authenticate', async () => {
    const admin = await sandbox.createUser({ tier: 'premier' });
    const adminClient = make({ keyId: admin.keyId, privateKeyPem: admin.privateKeyPem });
    const pair = await generateRsaKeyPair({ bits: 2048, format: 'pkcs8' });
    const { api_key_id } = await adminClient.apiKeys.create({ name: 'bot', publicKeyPem: pair.publicKeyPem });
    const bot = make({ keyId: api_key_id, privateKeyPem: pair.privateKeyPem.replace(/\n/g, '\\n') });
    expect((await bot.getBalance()).balance).toBe(100_000);
    await adminClient.apiKeys.delete(api_key_id);
    const err = await caught(bot.getBalance());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('unknown_key');
    expectNoSecret(err, pair.privateKeyPem.split('\n')[1]!);

    const generated = await adminClient.apiKeys.generate({ name: 'gen' });
    const genClient = make({ keyId: generated.api_key_id, privateKeyPem: generated.private_key.reveal() });
    expect(pemLabel(generated.private_key.reveal())).toBe('RSA PRIVATE KEY');
    expect((await genClient.apiKeys.list()).api_keys.map((k) => k.name).sort()).toEqual(['gen', 'sandbox']);
  });

  it('below Premier, registering a public key is a PermissionError that says so', async () => {
    const user = await sandbox.createUser({ tier: 'basic' });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const pair = await generateRsaKeyPair();
    const err = await caught(client.apiKeys.create({ name: 'x', publicKeyPem: pair.publicKeyPem }));
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as Error).message).toMatch(/Premier/);
  });

  it('the sandbox refuses stale timestamps and wrong signatures with the documented codes', async () => {
    const user = await sandbox.createUser();
    const path = '/trade-api/v2/portfolio/balance';
    const stale = signKalshiRequest({ method: 'GET', path, privateKey: user.privateKeyPem, keyId: user.keyId, timestampMs: Date.now() - 60_000 });
    const res1 = await fetch(baseUrl + '/portfolio/balance', { headers: { ...stale } });
    expect(res1.status).toBe(401);
    expect(await res1.json()).toMatchObject({ error: { code: 'header_timestamp_expired' } });
    const wrongPath = signKalshiRequest({ method: 'GET', path: '/portfolio/balance', privateKey: user.privateKeyPem, keyId: user.keyId });
    const res2 = await fetch(baseUrl + '/portfolio/balance', { headers: { ...wrongPath } });
    expect(await res2.json()).toMatchObject({ error: { details: 'INCORRECT_API_KEY_SIGNATURE' } });
  });

  /** A signed request straight to the sandbox, bypassing the client's own validation. */
  const raw = async (user: { keyId: string; privateKeyPem: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers = signKalshiRequest({ method, path: '/trade-api/v2' + path.split('?')[0], privateKey: user.privateKeyPem, keyId: user.keyId });
    const res = await fetch(baseUrl + path, { method, headers: { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  it('the sandbox refuses malformed counts, prices and timestamps as Kalshi does, and nothing moves', async () => {
    await sandbox.close();
    await start({ write: { capacity: 10_000, refillPerSecond: 10_000 } });
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const ok = { ticker: 'KXBTCMAXY-26-T200000', side: 'bid', count: '1', price: '0.03', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' };
    const inAnHourMs = Date.now() + 3_600_000;
    const bad: Record<string, unknown>[] = [
      { count: '2.999' }, { count: '0.125' }, { count: '1.000' }, { count: 3 }, { count: '' }, { count: '-1' }, { count: '1e2' },
      { price: '0.5' }, { price: '.56' }, { price: '0.12345' }, { price: '1.5' }, { price: 0.5 }, { price: 'abc' },
      { expiration_time: inAnHourMs }, { expiration_time: 1.5 }, { expiration_time: String(Math.floor(inAnHourMs / 1000)) }, { expiration_time: -5 },
    ];
    for (const change of bad) {
      const res = await raw(user, 'POST', '/portfolio/events/orders', { ...ok, ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.body).toEqual({ code: 'invalid_parameters', message: expect.stringMatching(new RegExp(Object.keys(change)[0]!)), details: expect.any(String) });
    }
    expect((await raw(user, 'POST', '/portfolio/events/orders', { ...ok, count: '0' })).body).toMatchObject({ code: 'invalid_order_size' });
    // Well-formed, but off this whole-cent market's grid (sub-penny) or outside it.
    for (const price of ['0.035', '1.00', '0.00']) expect((await raw(user, 'POST', '/portfolio/events/orders', { ...ok, price })).body, price).toMatchObject({ code: 'invalid_order' });
    const batch = await raw(user, 'POST', '/portfolio/events/orders/batched', { orders: [{ ...ok, count: '2.999', client_order_id: 'x1' }] });
    expect(batch.status).toBe(201);
    expect(batch.body).toMatchObject({ orders: [{ client_order_id: 'x1', error: { code: 'invalid_parameters' } }] });
    expect(sandbox.orders).toHaveLength(0);
    expect(sandbox.balanceUsd(user.userId)).toBe('100.0000');

    const placed = await raw(user, 'POST', '/portfolio/events/orders', ok);
    expect(placed.status).toBe(201);
    const id = String(placed.body.order_id);
    expect((await raw(user, 'POST', `/portfolio/events/orders/${id}/amend`, { ticker: ok.ticker, side: 'bid', price: '0.5', count: '1' })).body).toMatchObject({ code: 'invalid_parameters' });
    expect((await raw(user, 'POST', `/portfolio/events/orders/${id}/amend`, { ticker: ok.ticker, side: 'bid', price: '0.04', count: '1.001' })).body).toMatchObject({ code: 'invalid_parameters' });
    expect((await raw(user, 'POST', `/portfolio/events/orders/${id}/decrease`, { reduce_to: '0.125' })).body).toMatchObject({ code: 'invalid_parameters' });
    expect((await raw(user, 'POST', `/portfolio/events/orders/${id}/decrease`, { reduce_by: 0.5 })).body).toMatchObject({ code: 'invalid_parameters' });
    expect((await client0(user).getOrder(id)).remaining_count_fp).toBe('1.00');

    for (const path of [`/portfolio/orders?min_ts=${inAnHourMs}`, `/portfolio/fills?max_ts=${inAnHourMs}`, '/portfolio/orders?max_ts=soon', `/markets/trades?min_ts=${inAnHourMs}`, `/markets?min_close_ts=${inAnHourMs}`, '/markets?max_close_ts=1.5']) {
      const res = await raw(user, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toMatchObject({ code: 'invalid_parameters', message: expect.stringMatching(/_ts/) });
    }
    expect((await raw(user, 'GET', `/portfolio/orders?min_ts=${Math.floor(Date.now() / 1000) - 60}`)).status).toBe(200);
  });

  it('queue positions: contracts ahead of each resting order at its level, price-time', async () => {
    const [first, second] = [await sandbox.createUser({ balanceUsd: 100 }), await sandbox.createUser({ balanceUsd: 100 })];
    const ticker = 'KXBTCMAXY-26-T200000';
    // 9000 seeded at 0.04, then first's 3, then second's 2: 9000 and 9003 contracts ahead.
    const a = await client0(first).createOrder({ ticker, side: 'bid', count: '3', price: '0.04', timeInForce: 'good_till_canceled' });
    const b = await client0(second).createOrder({ ticker, side: 'bid', count: '2', price: '0.04', timeInForce: 'good_till_canceled' });
    expect((await raw(first, 'GET', `/portfolio/orders/${a.order_id}/queue_position`)).body).toEqual({ queue_position_fp: '9000.00' });
    expect((await raw(second, 'GET', `/portfolio/orders/queue_positions?market_tickers=${ticker}`)).body).toEqual({ queue_positions: [{ order_id: b.order_id, market_ticker: ticker, queue_position_fp: '9003.00' }] });
    // Another user's order is not found; neither is one that no longer rests.
    expect((await raw(second, 'GET', `/portfolio/orders/${a.order_id}/queue_position`)).status).toBe(404);
    await client0(first).cancelOrder(a.order_id);
    expect((await raw(first, 'GET', `/portfolio/orders/${a.order_id}/queue_position`)).status).toBe(404);
    expect((await raw(second, 'GET', `/portfolio/orders/${b.order_id}/queue_position`)).body).toEqual({ queue_position_fp: '9000.00' });
  });

  it('an order past its expiration_time stops resting: canceled, off the book, money back', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = client0(user);
    const ticker = 'KXBTCMAXY-26-T200000';
    const expiresAtS = Math.floor(Date.now() / 1000) + 2;
    const expiring = await client.createOrder({ ticker, side: 'bid', count: '10', price: '0.02', timeInForce: 'good_till_canceled', expirationTime: new Date(expiresAtS * 1000) });
    const lasting = await client.createOrder({ ticker, side: 'bid', count: '10', price: '0.01', timeInForce: 'good_till_canceled' });
    expect((await client.getOrder(expiring.order_id)).status).toBe('resting');
    expect((await client.getOrder(expiring.order_id)).expiration_time).toBe(new Date(expiresAtS * 1000).toISOString());
    // 10 × 0.02 + ⌈0.0175 × 10 × 0.02 × 0.98 = 0.00343⌉ = 0.01, and 10 × 0.01 + ⌈0.0175 × 10 × 0.01 × 0.99 = 0.0017325⌉ = 0.01
    // (each order's fee reserve rounds up on its own) → 100 − 0.21 − 0.11.
    expect((await client.getBalance()).balance).toBe(9968);
    expect((await client.getOrderbook(ticker)).orderbook_fp.yes_dollars?.map(([price]) => price)).toContain('0.0200');

    await new Promise((r) => setTimeout(r, expiresAtS * 1000 - Date.now() + 100));
    expect((await client.getOrder(expiring.order_id)).status).toBe('canceled');
    expect((await client.getOrder(expiring.order_id)).remaining_count_fp).toBe('0.00');
    expect((await client.getOrder(lasting.order_id)).status).toBe('resting');
    // Only the 0.01 bid is left: 100 − 0.11.
    expect((await client.getBalance()).balance).toBe(9989);
    expect((await client.getOrderbook(ticker)).orderbook_fp.yes_dollars?.map(([price]) => price)).not.toContain('0.0200');
    expect((await client.listOrders({ status: 'resting' })).orders.map((o) => o.order_id)).toEqual([lasting.order_id]);
    // It can no longer be changed.
    expect(await caught(client.amendOrder(expiring.order_id, { ticker, side: 'bid', price: '0.02', count: '5' }))).toMatchObject({ status: 404 });
  });

  it('the sandbox bills /api_keys writes to the read bucket, as the reference says (so does the client)', async () => {
    await sandbox.close();
    await start({ write: { capacity: 20, refillPerSecond: 0.01 } });
    const admin = await sandbox.createUser({ tier: 'premier' });
    const client = client0(admin);
    const pair = await generateRsaKeyPair();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await client.apiKeys.create({ name: `bot-${i}`, publicKeyPem: pair.publicKeyPem })).api_key_id);
    await client.apiKeys.generate({ name: 'gen' });
    for (const id of ids) await client.apiKeys.delete(id);
    // The write bucket is untouched: two orders (10 tokens each) still fit it.
    for (let i = 0; i < 2; i += 1) await client.createOrder({ ticker: 'KXBTCMAXY-26-T200000', side: 'bid', count: '1', price: '0.01', timeInForce: 'good_till_canceled' });
    expect(sandbox.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('a client faster than the token bucket backs off on 429s and completes; matched to it, it sees none', async () => {
    await sandbox.close();
    await start({ read: { capacity: 50, refillPerSecond: 100 } });
    const user = await sandbox.createUser();
    const greedy = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem, rateLimit: { read: { capacity: 10_000, refillPerSecond: 10_000 } }, retry: { retries: 8, minDelayMs: 20, maxDelayMs: 200 } });
    const limited: number[] = [];
    greedy.on('rateLimited', (e) => limited.push(e.retryAfterMs));
    const results = await Promise.all(Array.from({ length: 20 }, () => greedy.getBalance()));
    expect(results).toHaveLength(20);
    expect(limited.length).toBeGreaterThan(0);

    await sandbox.close();
    await start({ read: { capacity: 50, refillPerSecond: 100 } });
    const user2 = await sandbox.createUser();
    // The tier default (Basic: 400 tokens) is looser than this server: read its real buckets.
    const polite = make({ keyId: user2.keyId, privateKeyPem: user2.privateKeyPem });
    expect(await polite.syncLimits()).toMatchObject({ usage_tier: 'basic', read: { bucket_capacity: 50, refill_rate: 100 } });
    await Promise.all(Array.from({ length: 20 }, () => polite.getBalance()));
    expect(sandbox.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });
});
