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
    expect(Object.keys(books).sort()).toEqual(tickers.slice(0, 2).sort());
    for (const t of tickers.slice(0, 2)) expect(books[t]).toEqual(await client.getOrderbook(t));
  });

  it('signed calls verify; balances move with orders; cancel returns the money', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    expect((await client.getBalance()).balance.amount).toBe('100.00');
    // Crosses the best NO bid of 0.56 (a YES ask of 0.44, 240 deep): fills at once.
    const order = await client.createOrder({ ticker: 'KXFEDDECISION-26DEC-C25', side: 'bid', count: '10', price: '0.44', timeInForce: 'good_till_canceled' });
    expect(order).toMatchObject({ fill_count: '10.00', remaining_count: '0.00' });
    expect((await client.getBalance()).balance.amount).toBe('95.60');
    const resting = await client.createOrder({ ticker: 'KXBTCMAXY-26-T200000', side: 'bid', count: '10', price: '0.03', timeInForce: 'good_till_canceled' });
    expect(resting.remaining_count).toBe('10.00');
    expect((await client.getBalance()).balance.amount).toBe('95.30');
    const cancel = await client.cancelOrder(resting.order_id, { ticker: 'KXBTCMAXY-26-T200000' });
    expect(cancel.reduced_by).toBe('10.00');
    expect((await client.getBalance()).balance.amount).toBe('95.60');
    expect((await client.getFills()).fills.map((f) => f.order_id)).toEqual([order.order_id]);
    expect((await client.getPositions()).market_positions[0]?.position_fp).toBe('10.00');
    expect((await client.getOrder(resting.order_id)).status).toBe('canceled');
  });

  it('amend and decrease resting orders; money and the book follow', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const ticker = 'KXBTCMAXY-26-T200000';
    const o = await client.createOrder({ ticker, side: 'bid', count: '10', price: '0.03', timeInForce: 'good_till_canceled' });
    expect((await client.getBalance()).balance.amount).toBe('99.70');
    const amended = await client.amendOrder(o.order_id, { ticker, side: 'bid', price: '0.04', count: '5' });
    expect(amended.remaining_count).toBe('5.00');
    expect((await client.getBalance()).balance.amount).toBe('99.80');
    const book = await client.getOrderbook(ticker);
    expect(book.yesBids.find((l) => l.price === '0.0400')?.count).toBe('9005.00'); // 9000 seeded + ours
    expect(book.yesBids.find((l) => l.price === '0.0300')).toBeUndefined();
    expect((await client.decreaseOrder(o.order_id, { ticker, reduceTo: '3' })).remaining_count).toBe('3.00');
    // reduce_to is absolute: a lost answer is retried and lands once.
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/trade-api/v2/portfolio/events/orders/${o.order_id}/decrease` });
    expect((await client.decreaseOrder(o.order_id, { reduceTo: '2' })).remaining_count).toBe('2.00');
    // reduce_by is not: a lost answer is reported, not repeated.
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: `/trade-api/v2/portfolio/events/orders/${o.order_id}/decrease` });
    expect(await caught(client.decreaseOrder(o.order_id, { reduceBy: '1' }))).toBeInstanceOf(OutcomeUnknownError);
    expect((await client.getOrder(o.order_id)).remaining_count_fp).toBe('1.00');
    expect((await client.getBalance()).balance.amount).toBe('99.96');
  });

  it('batch create survives a lost answer without a duplicate; batch cancel and cancel-all return the money', async () => {
    const user = await sandbox.createUser({ balanceUsd: 100 });
    const client = make({ keyId: user.keyId, privateKeyPem: user.privateKeyPem });
    const orders = ['KXCS2MAJOR-26-NAVI', 'KXCS2MAJOR-26-SPIRIT', 'KXCS2MAJOR-26-VITALITY'].map((ticker) => ({ ticker, side: 'bid' as const, count: '10', price: '0.05', timeInForce: 'good_till_canceled' as const }));
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: '/trade-api/v2/portfolio/events/orders/batched' });
    const placed = await client.batchCreateOrders(orders);
    expect(placed.map((p) => p.reconciled)).toEqual([true, true, true]);
    expect(sandbox.orders.filter((o) => o.user.id === user.userId)).toHaveLength(3);
    expect((await client.getBalance()).balance.amount).toBe('98.50');
    const cancelled = await client.batchCancelOrders([{ orderId: placed[0]!.orderId!, ticker: orders[0]!.ticker }, { orderId: 'nope' }]);
    expect(cancelled[0]?.reduced_by).toBe('10.00');
    expect(cancelled[1]?.error?.code).toBe('not_found');
    await client.cancelAllOrders();
    expect((await client.getBalance()).balance.amount).toBe('100.00');
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
    const mine = sandbox.orders.filter((o) => o.user.id === user.userId);
    expect(mine).toHaveLength(1);
    expect(res.order_id).toBe(mine[0]!.order_id);
    expect(res.reconciled).toBe(true);
    expect(sandbox.server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('generate a pair, register it, sign with it, delete it: the next call fails to authenticate', async () => {
    const admin = await sandbox.createUser({ tier: 'premier' });
    const adminClient = make({ keyId: admin.keyId, privateKeyPem: admin.privateKeyPem });
    const pair = await generateRsaKeyPair({ bits: 2048, format: 'pkcs8' });
    const { apiKeyId } = await adminClient.apiKeys.create({ name: 'bot', publicKeyPem: pair.publicKeyPem });
    const bot = make({ keyId: apiKeyId, privateKeyPem: pair.privateKeyPem.replace(/\n/g, '\\n') });
    expect((await bot.getBalance()).balanceCents).toBe(100_000);
    await adminClient.apiKeys.delete(apiKeyId);
    const err = await caught(bot.getBalance());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).code).toBe('unknown_key');
    expectNoSecret(err, pair.privateKeyPem.split('\n')[1]!);

    const generated = await adminClient.apiKeys.generate({ name: 'gen' });
    const genClient = make({ keyId: generated.apiKeyId, privateKeyPem: generated.privateKey.reveal() });
    expect(pemLabel(generated.privateKey.reveal())).toBe('RSA PRIVATE KEY');
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
    expect(await polite.syncLimits()).toMatchObject({ read: { capacity: 50, refillPerSecond: 100 } });
    await Promise.all(Array.from({ length: 20 }, () => polite.getBalance()));
    expect(sandbox.server.requests.filter((r) => r.status === 429)).toHaveLength(0);
  });
});
