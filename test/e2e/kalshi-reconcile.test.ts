import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKalshiClient, InvalidRequestError, OutcomeUnknownError, type KalshiClient, type KalshiCreateOrder } from '../../src/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

const CREATE = '/trade-api/v2/portfolio/events/orders';
const BATCH = '/trade-api/v2/portfolio/events/orders/batched';
const LIST = '/trade-api/v2/portfolio/orders';
const ORDER: KalshiCreateOrder = { ticker: 'KXCS2MAJOR-26-NAVI', side: 'bid', count: '5', price: '0.10', timeInForce: 'good_till_canceled' };

describe('kalshi: a 409 on createOrder is reconciled, never guessed', () => {
  let sandbox: KalshiSandbox;
  let client: KalshiClient;
  let userId: string;
  const listReads = (): number => sandbox.server.requests.filter((r) => r.method === 'GET' && r.path === LIST).length;
  const mine = () => sandbox.orders.filter((o) => o.user_id === userId);

  beforeEach(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 100 });
    userId = user.userId;
    client = createKalshiClient({ keyId: user.keyId, privateKeyPem: user.privateKeyPem, baseUrl, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterEach(async () => {
    await client.close();
    await sandbox.close();
  });

  it('an order committed but not yet in the list is found by re-reading, and returned once', async () => {
    // The first answer is lost after the order is committed; the list shows it 400 ms later.
    sandbox.orderListLagMs = 400;
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: CREATE });
    const requested: string[] = [];
    client.on('request', (e) => requested.push(`${e.method} ${e.path}`));
    const res = await client.createOrder(ORDER);
    expect(mine()).toHaveLength(1);
    expect(res).toMatchObject({ order_id: mine()[0]!.order_id, client_order_id: mine()[0]!.client_order_id, reconciled: true });
    // It had to read more than once, and every read went through the client's own sender.
    expect(listReads()).toBeGreaterThan(1);
    expect(requested.filter((r) => r === 'GET /portfolio/orders')).toHaveLength(listReads());
  });

  it('an order still not visible after the bounded re-reads is OutcomeUnknownError with its client_order_id', async () => {
    sandbox.orderListLagMs = 60_000;
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: CREATE });
    const started = Date.now();
    const err = (await caught(client.createOrder({ ...ORDER, clientOrderId: 'bot-7f1c' }))) as OutcomeUnknownError;
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.retryable).toBe(false);
    expect(err.idempotencyKey).toBe('bot-7f1c');
    expect(err.message).toMatch(/bot-7f1c/);
    // The order does exist: the error must not read as a definite failure.
    expect(mine().map((o) => o.client_order_id)).toEqual(['bot-7f1c']);
    // Bounded: a handful of reads and a few seconds, not a loop.
    expect(listReads()).toBeGreaterThan(1);
    expect(listReads()).toBeLessThanOrEqual(8);
    expect(took).toBeLessThan(5_000);
  });

  it('a caller-supplied client_order_id of an older, different order is a conflict, not that order', async () => {
    const old = await client.createOrder({ ...ORDER, clientOrderId: 'reused-1' });
    const cases: [Partial<KalshiCreateOrder>, string[]][] = [
      [{ price: '0.11' }, ['price']],
      [{ count: '6' }, ['count']],
      [{ side: 'ask', price: '0.95' }, ['price', 'side']],
      [{ ticker: 'KXCS2MAJOR-26-SPIRIT' }, ['ticker']],
    ];
    for (const [changed, mismatched] of cases) {
      const err = (await caught(client.createOrder({ ...ORDER, ...changed, clientOrderId: 'reused-1' }))) as InvalidRequestError;
      expect(err, JSON.stringify(changed)).toBeInstanceOf(InvalidRequestError);
      expect(err).not.toBeInstanceOf(OutcomeUnknownError);
      expect(err.code).toBe('conflict');
      expect(err.status).toBe(409);
      expect(err.idempotencyKey).toBe('reused-1');
      expect(err.message).toMatch(/reused-1.*different order/);
      expect(err.message).toContain(old.order_id);
      expect(err.details?.mismatched).toEqual(mismatched);
    }
    // Nothing new was placed.
    expect(mine()).toHaveLength(1);
  });

  it('the same client_order_id with the same order is the idempotent repeat: that order, reconciled', async () => {
    const first = await client.createOrder({ ...ORDER, clientOrderId: 'again-1' });
    const again = await client.createOrder({ ...ORDER, count: 5, price: '.1', clientOrderId: 'again-1' });
    expect(again).toMatchObject({ order_id: first.order_id, reconciled: true, client_order_id: 'again-1' });
    expect(mine()).toHaveLength(1);
  });

  it('under many lost answers and a lagging list, every call returns its own order and none places twice', async () => {
    await client.close();
    await sandbox.close();
    sandbox = new KalshiSandbox({ read: { capacity: 1e6, refillPerSecond: 1e6 }, write: { capacity: 1e6, refillPerSecond: 1e6 }, orderListLagMs: 500 });
    const baseUrl = await sandbox.start();
    const user = await sandbox.createUser({ balanceUsd: 10_000 });
    userId = user.userId;
    const unlimited = { capacity: 1e6, refillPerSecond: 1e6 };
    const calls = 19;
    // Enough retries that no call can run out of them, whatever share of the faults it meets.
    const retry = { retries: calls + 1, minDelayMs: 10, maxDelayMs: 50, maxRetriesInFlight: calls * 2 };
    client = createKalshiClient({ keyId: user.keyId, privateKeyPem: user.privateKeyPem, baseUrl, retry, rateLimit: { read: unlimited, write: unlimited } });
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: CREATE, times: calls });
    const results = await Promise.all(Array.from({ length: calls }, (_, i) => client.createOrder({ ...ORDER, clientOrderId: `load-${i}` })));
    const placed = new Map(mine().map((o) => [o.client_order_id, o.order_id]));
    expect(mine()).toHaveLength(calls);
    results.forEach((r, i) => expect(r).toMatchObject({ order_id: placed.get(`load-${i}`), client_order_id: `load-${i}` }));
    // Every lost answer was settled by reading the list back.
    expect(results.filter((r) => r.reconciled).length).toBeGreaterThan(0);
  });

  it('batch: lagging items are found, reused ids are conflicts, invisible ones are outcome_unknown', async () => {
    await client.createOrder({ ...ORDER, ticker: 'KXCS2MAJOR-26-VITALITY', clientOrderId: 'old-b' });
    const batch: KalshiCreateOrder[] = [
      { ...ORDER, clientOrderId: 'new-a' },
      { ...ORDER, ticker: 'KXCS2MAJOR-26-SPIRIT', clientOrderId: 'new-b' },
      // Reuses the id of the VITALITY order above, on another market.
      { ...ORDER, clientOrderId: 'old-b' },
    ];
    sandbox.orderListLagMs = 300;
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: BATCH });
    const results = await client.batchCreateOrders(batch);
    expect(results.map((r) => r.client_order_id)).toEqual(['new-a', 'new-b', 'old-b']);
    expect(results[0]).toMatchObject({ reconciled: true, order_id: mine().find((o) => o.client_order_id === 'new-a')!.order_id });
    expect(results[1]).toMatchObject({ reconciled: true, order_id: mine().find((o) => o.client_order_id === 'new-b')!.order_id });
    expect(results[2]).toMatchObject({ reconciled: false, error: { code: 'conflict' } });
    expect(results[2]?.order_id).toBeUndefined();
    expect(results[2]!.error!.message).toMatch(/different order/);
    expect(mine()).toHaveLength(3);

    sandbox.orderListLagMs = 60_000;
    sandbox.server.inject({ kind: 'reset-after', method: 'POST', path: BATCH });
    const unknown = await client.batchCreateOrders([{ ...ORDER, clientOrderId: 'late-1' }]);
    expect(unknown[0]).toMatchObject({ client_order_id: 'late-1', reconciled: false, error: { code: 'outcome_unknown' } });
    expect(mine().filter((o) => o.client_order_id === 'late-1')).toHaveLength(1);
  });
});
