/**
 * Order groups enforced by the sandbox's engine, through the client: orders placed with
 * `orderGroupId` count their fills toward the group's contracts limit; when it is hit the
 * group's resting orders are cancelled (the `user_orders` stream says so) and new orders in it
 * are refused until a reset; trigger, limit update and delete act on the live orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { createKalshiClient, type KalshiClient } from '../../providers/kalshi/index.js';
import { KalshiSandbox } from '../../providers/kalshi/sandbox.js';
import { caught } from '../helpers.js';

/** A market of this test's own, with an empty book, so only these users' orders meet. */
const TICKER = 'KXCS2MAJOR-26-GROUPS';

describe('kalshi order groups against the sandbox', () => {
  let sandbox: KalshiSandbox;
  let alice: KalshiClient;
  let bob: KalshiClient;
  beforeAll(async () => {
    sandbox = new KalshiSandbox();
    const baseUrl = await sandbox.start();
    sandbox.markets.push({ ticker: TICKER, event_ticker: 'KXCS2MAJOR-26', title: 'Order groups test market', close_time: '2026-06-21T20:00:00Z' });
    sandbox.engine.addMarket({ ticker: TICKER }, Date.now());
    const [a, b] = await Promise.all([sandbox.createUser({ balanceUsd: 100 }), sandbox.createUser({ balanceUsd: 100 })]);
    alice = createKalshiClient({ baseUrl, keyId: a.keyId, privateKeyPem: a.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
    bob = createKalshiClient({ baseUrl, keyId: b.keyId, privateKeyPem: b.privateKeyPem, retry: { minDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await sandbox?.close();
  });

  it('the limit is hit by fills: the rest of the group is cancelled on REST and the stream, new orders refused until reset', async () => {
    const orders = alice.stream.subscribe({ channel: 'user_orders' });
    const seen = new Map<string, { status: string; remaining: string }[]>();
    orders.on('message', (m) => seen.set(m.msg.order_id, [...(seen.get(m.msg.order_id) ?? []), { status: m.msg.status, remaining: m.msg.remaining_count_fp }]));
    await orders.ready;

    const { order_group_id: orderGroupId } = await alice.orderGroups.create({ contractsLimit: '3' });
    const first = await alice.createOrder({ ticker: TICKER, side: 'bid', count: '2', price: '0.13', timeInForce: 'good_till_canceled', orderGroupId });
    const second = await alice.createOrder({ ticker: TICKER, side: 'bid', count: '2', price: '0.12', timeInForce: 'good_till_canceled', orderGroupId });
    const outside = await alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.11', timeInForce: 'good_till_canceled' });
    expect((await alice.orderGroups.get(orderGroupId)).orders).toEqual([first.order_id, second.order_id]);

    // Bob sells 5 YES down to 0.11: 2 + 1 (capped) in the group, then the order outside it.
    const sold = await bob.createOrder({ ticker: TICKER, side: 'ask', count: '5', price: '0.11', timeInForce: 'immediate_or_cancel' });
    expect(sold.fill_count).toBe('4.00');
    expect(await alice.getOrder(first.order_id)).toMatchObject({ status: 'executed', fill_count_fp: '2.00', order_group_id: orderGroupId });
    expect(await alice.getOrder(second.order_id)).toMatchObject({ status: 'canceled', fill_count_fp: '1.00', remaining_count_fp: '0.00' });
    expect(await alice.getOrder(outside.order_id)).toMatchObject({ status: 'executed' });
    expect((await alice.orderGroups.get(orderGroupId)).is_auto_cancel_enabled).toBe(false);
    await expect.poll(() => seen.get(second.order_id)?.at(-1), { timeout: 3_000 }).toEqual({ status: 'canceled', remaining: '0.00' });

    const refused = await caught(alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.05', timeInForce: 'good_till_canceled', orderGroupId }));
    expect(refused).toMatchObject({ status: 400, providerCode: 'order_group_triggered' });
    await alice.orderGroups.reset(orderGroupId);
    const after = await alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.05', timeInForce: 'good_till_canceled', orderGroupId });
    expect(after.remaining_count).toBe('1.00');

    // A manual trigger cancels the live order; so does delete, for a group's orders after a reset.
    await alice.orderGroups.trigger(orderGroupId);
    expect(await alice.getOrder(after.order_id)).toMatchObject({ status: 'canceled' });
    await expect.poll(() => seen.get(after.order_id)?.at(-1)?.status, { timeout: 3_000 }).toBe('canceled');
    await alice.orderGroups.reset(orderGroupId);
    const kept = await alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.05', timeInForce: 'good_till_canceled', orderGroupId });
    await alice.orderGroups.delete(orderGroupId);
    expect(await alice.getOrder(kept.order_id)).toMatchObject({ status: 'canceled' });
    expect(await caught(alice.orderGroups.get(orderGroupId))).toMatchObject({ status: 404 });
    expect(await caught(alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.05', timeInForce: 'good_till_canceled', orderGroupId }))).toMatchObject({ status: 400, providerCode: 'order_group_not_found' });
  });

  it('a limit lowered to what the group already matched triggers it at once', async () => {
    const { order_group_id: orderGroupId } = await alice.orderGroups.create({ contractsLimit: '10' });
    await bob.createOrder({ ticker: TICKER, side: 'ask', count: '2', price: '0.30', timeInForce: 'good_till_canceled' });
    await alice.createOrder({ ticker: TICKER, side: 'bid', count: '2', price: '0.30', timeInForce: 'immediate_or_cancel', orderGroupId });
    const resting = await alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.04', timeInForce: 'good_till_canceled', orderGroupId });
    await alice.orderGroups.updateLimit(orderGroupId, { contractsLimit: '2' });
    expect(await alice.getOrder(resting.order_id)).toMatchObject({ status: 'canceled' });
    expect((await alice.orderGroups.list()).find((g) => g.id === orderGroupId)).toMatchObject({ contracts_limit_fp: '2.00', is_auto_cancel_enabled: false });
  });

  it('orderGroupId is checked before anything is sent', async () => {
    const before = sandbox.server.requests.length;
    expect(await caught(alice.createOrder({ ticker: TICKER, side: 'bid', count: '1', price: '0.05', timeInForce: 'good_till_canceled', orderGroupId: '' }))).toBeInstanceOf(ValidationError);
    expect(sandbox.server.requests.length).toBe(before);
  });
});
