import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dollarsToMicros, KalshiMatchingEngine, ORDER_GROUP_WINDOW_MS } from '../../providers/kalshi/sandbox-matching.js';
import type { SandboxMarketEvent, SandboxOrderView } from '../../providers/kalshi/sandbox-market-events.js';

/*
 * Order groups in the matching engine: random sequences of a group owner's orders (some in the
 * group, some not), a counterparty's takers and makers, triggers, resets, limit changes and
 * clock moves, checking after every step:
 * - a group's orders never match past its limit within the 15 s window (a fill is capped at
 *   what the limit leaves); a group whose window reached its limit is triggered, and a
 *   triggered group has no resting order;
 * - an order placed in a triggered group is refused and nothing changes; after a reset the
 *   group takes orders again;
 * - orders outside the group are never cancelled by it (a resting one outside ends canceled
 *   only by self-trade prevention);
 * - the last `order` event of every order equals the order as the engine reports it (so a
 *   stream of user_orders ends where REST does).
 */

const OWNER = 'owner';
const OTHER = 'other';
const TICKER = 'KXGROUP';

type Step =
  | { kind: 'own'; inGroup: boolean; side: 'bid' | 'ask'; cents: number; count: number; tif: 'good_till_canceled' | 'immediate_or_cancel' }
  | { kind: 'other'; side: 'bid' | 'ask'; cents: number; count: number; tif: 'good_till_canceled' | 'immediate_or_cancel' }
  | { kind: 'trigger' }
  | { kind: 'reset' }
  | { kind: 'limit'; count: number }
  | { kind: 'wait'; ms: number };

const cents = fc.integer({ min: 45, max: 55 });
const count = fc.integer({ min: 1, max: 6 }).map((c) => c * 100);
const tif = fc.constantFrom('good_till_canceled' as const, 'good_till_canceled' as const, 'immediate_or_cancel' as const);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('own' as const), inGroup: fc.integer({ min: 0, max: 3 }).map((n) => n > 0), side: fc.constantFrom('bid' as const, 'ask' as const), cents, count, tif }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('other' as const), side: fc.constantFrom('bid' as const, 'ask' as const), cents, count, tif }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trigger' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reset' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('limit' as const), count: fc.integer({ min: 1, max: 12 }).map((c) => c * 100) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 9_000 }) }) },
);

function run(limit: number, steps: Step[]): void {
  const engine = new KalshiMatchingEngine();
  const events: SandboxMarketEvent[] = [];
  engine.onEvent((e) => events.push(e));
  let now = 1_700_000_000_000;
  engine.addMarket({ ticker: TICKER }, now);
  engine.deposit(OWNER, dollarsToMicros(10_000));
  engine.deposit(OTHER, dollarsToMicros(10_000));
  const created = engine.createOrderGroup(OWNER, limit, now);
  if ('ok' in created) throw new Error('group not created');
  const groupId = created.id;
  const inGroup = new Set<string>();
  const outside = new Set<string>();
  const outsideResting = new Set<string>();
  /** Fills of the group's orders (ts, count), to recompute the window independently. */
  const groupFills: { ts: number; count: number }[] = [];
  const windowAt = (ts: number): number => groupFills.filter((f) => f.ts > ts - ORDER_GROUP_WINDOW_MS).reduce((s, f) => s + f.count, 0);

  for (const s of steps) {
    const before = events.length;
    const wasTriggered = engine.orderGroup(OWNER, groupId)!.triggered;
    if (s.kind === 'wait') now += s.ms;
    else if (s.kind === 'trigger') engine.triggerOrderGroup(OWNER, groupId, now);
    else if (s.kind === 'reset') {
      engine.resetOrderGroup(OWNER, groupId, now);
      groupFills.length = 0;
    } else if (s.kind === 'limit') engine.updateOrderGroupLimit(OWNER, groupId, s.count, now);
    else {
      const user = s.kind === 'own' ? OWNER : OTHER;
      const grouped = s.kind === 'own' && s.inGroup;
      const res = engine.placeOrder({ userId: user, ticker: TICKER, side: s.side, price: s.cents * 100, count: s.count, timeInForce: s.tif, selfTradePrevention: 'maker', ...(grouped ? { orderGroupId: groupId } : {}) }, now);
      if (grouped && wasTriggered) {
        // Refused while triggered, and nothing happened.
        expect(res.ok).toBe(false);
        expect(!res.ok && res.error.code).toBe('order_group_triggered');
        expect(events.length).toBe(before);
      } else if (res.ok && s.kind === 'own') {
        (grouped ? inGroup : outside).add(res.order.order_id);
        if (!grouped && s.tif === 'good_till_canceled') outsideResting.add(res.order.order_id);
      }
    }
    engine.expire(now); // the engine's clock, for its window, is the test's
    // Each fill of a group order keeps the window at or below the limit.
    const group = engine.orderGroup(OWNER, groupId)!;
    for (const e of events.slice(before)) {
      if (e.type !== 'fill' || !inGroup.has(e.orderId)) continue;
      groupFills.push({ ts: e.ts, count: Number(e.count.replace('.', '')) });
      expect(windowAt(e.ts), 'a group matched past its limit').toBeLessThanOrEqual(group.limit);
    }
    const windowNow = windowAt(now);
    if (windowNow >= group.limit) expect(group.triggered, `window ${windowNow} ≥ limit ${group.limit}`).toBe(true);
    if (group.triggered) for (const id of inGroup) expect(engine.order(id)!.status).not.toBe('resting');
    expect(group.matched).toBe(windowNow);
    expect(new Set(group.orderIds)).toEqual(inGroup);
  }
  for (const id of outside) expect(engine.order(id)!.order_group_id).toBeUndefined();
  for (const id of outsideResting) {
    const o = engine.order(id)!;
    if (o.status === 'canceled') expect(o.last_update_reason, `outside order ${id} cancelled`).toBe('SelfTradeCancel');
  }
  // The stream of order events ends where the engine is, for every order.
  const lastEvent = new Map<string, SandboxOrderView>();
  for (const e of events) if (e.type === 'order') lastEvent.set(e.order.order_id, e.order);
  for (const id of [...inGroup, ...outside]) {
    const { queue_position_fp: _q, ...now_ } = engine.order(id)!;
    const { queue_position_fp: _e, ...streamed } = lastEvent.get(id)!;
    expect(streamed).toEqual(now_);
  }
}

describe('kalshi order groups in the matching engine (property)', () => {
  it('the limit triggers on the fill that reaches it, cancels the group, refuses new orders until reset; events end where the engine is', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }).map((c) => c * 100), fc.array(step, { minLength: 5, maxLength: 60 }), (limit, steps) => run(limit, steps)), { numRuns: 150 });
  });

  it('a concrete run: two resting bids of 2 in a group of 3, a seller sells 4 → 2 + 1 fill, the rest is cancelled; reset lets orders in again', () => {
    const engine = new KalshiMatchingEngine();
    const events: SandboxMarketEvent[] = [];
    engine.onEvent((e) => events.push(e));
    const t = 1_700_000_000_000;
    engine.addMarket({ ticker: TICKER }, t);
    engine.deposit(OWNER, dollarsToMicros(100));
    engine.deposit(OTHER, dollarsToMicros(100));
    const g = engine.createOrderGroup(OWNER, 300, t);
    if ('ok' in g) throw new Error('no group');
    const first = engine.placeOrder({ userId: OWNER, ticker: TICKER, side: 'bid', price: 4_000, count: 200, timeInForce: 'good_till_canceled', selfTradePrevention: 'maker', orderGroupId: g.id }, t);
    const second = engine.placeOrder({ userId: OWNER, ticker: TICKER, side: 'bid', price: 3_900, count: 200, timeInForce: 'good_till_canceled', selfTradePrevention: 'maker', orderGroupId: g.id }, t);
    const free = engine.placeOrder({ userId: OWNER, ticker: TICKER, side: 'bid', price: 3_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'maker' }, t);
    if (!first.ok || !second.ok || !free.ok) throw new Error('not placed');
    const sold = engine.placeOrder({ userId: OTHER, ticker: TICKER, side: 'ask', price: 3_000, count: 400, timeInForce: 'immediate_or_cancel', selfTradePrevention: 'maker' }, t + 1);
    if (!sold.ok) throw new Error('not sold');
    // 2 at 0.40, then 1 at 0.39 (capped: the limit leaves 1): the limit of 3 is reached, the
    // second order's last contract is cancelled, and the order outside the group still trades.
    expect(engine.order(first.order.order_id)).toMatchObject({ status: 'executed', fill_count_fp: '2.00' });
    expect(engine.order(second.order.order_id)).toMatchObject({ status: 'canceled', fill_count_fp: '1.00', remaining_count_fp: '0.00' });
    expect(engine.order(free.order.order_id)).toMatchObject({ status: 'executed', fill_count_fp: '1.00' });
    expect(sold.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.4000', '2.00'], ['0.3900', '1.00'], ['0.3000', '1.00']]);
    expect(engine.orderGroup(OWNER, g.id)).toMatchObject({ triggered: true, matched: 300, orderIds: [first.order.order_id, second.order.order_id] });
    // The cancel is on the user_orders stream: the second order's last event is its cancel.
    const secondEvents = events.filter((e) => e.type === 'order' && e.order.order_id === second.order.order_id);
    expect(secondEvents.at(-1)).toMatchObject({ order: { status: 'canceled', remaining_count_fp: '0.00' } });
    expect(events.filter((e) => e.type === 'order_group').map((e) => e.type === 'order_group' && e.event)).toEqual(['created', 'triggered']);
    const refused = engine.placeOrder({ userId: OWNER, ticker: TICKER, side: 'bid', price: 3_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'maker', orderGroupId: g.id }, t + 2);
    expect(!refused.ok && refused.error).toMatchObject({ status: 400, code: 'order_group_triggered' });
    engine.resetOrderGroup(OWNER, g.id, t + 3);
    expect(engine.placeOrder({ userId: OWNER, ticker: TICKER, side: 'bid', price: 3_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'maker', orderGroupId: g.id }, t + 4).ok).toBe(true);
    expect(engine.updateOrderGroupLimit(OWNER, g.id, 100, t + 5)).toMatchObject({ triggered: false, matched: 0, limit: 100 });
    expect(engine.deleteOrderGroup(OWNER, g.id, t + 6)).toMatchObject({ id: g.id });
    expect(engine.orderGroup(OWNER, g.id)).toBeUndefined();
    expect(engine.orders(OWNER, { status: 'resting' })).toEqual([]);
  });

  it('the window is rolling: fills older than 15 s no longer count', () => {
    const engine = new KalshiMatchingEngine();
    const t = 1_700_000_000_000;
    engine.addMarket({ ticker: TICKER }, t);
    engine.deposit(OWNER, dollarsToMicros(100));
    engine.deposit(OTHER, dollarsToMicros(100));
    const g = engine.createOrderGroup(OWNER, 300, t);
    if ('ok' in g) throw new Error('no group');
    const take = (at: number, n: number): void => {
      engine.placeOrder({ userId: OTHER, ticker: TICKER, side: 'ask', price: 5_000, count: n, timeInForce: 'good_till_canceled', selfTradePrevention: 'maker' }, at);
      engine.placeOrder({ userId: OWNER, ticker: TICKER, side: 'bid', price: 5_000, count: n, timeInForce: 'immediate_or_cancel', selfTradePrevention: 'maker', orderGroupId: g.id }, at);
    };
    take(t, 200);
    expect(engine.orderGroup(OWNER, g.id)).toMatchObject({ matched: 200, triggered: false });
    take(t + ORDER_GROUP_WINDOW_MS, 200); // the first 2 left the window just now
    expect(engine.orderGroup(OWNER, g.id)).toMatchObject({ matched: 200, triggered: false });
    take(t + ORDER_GROUP_WINDOW_MS + 1, 100);
    expect(engine.orderGroup(OWNER, g.id)).toMatchObject({ matched: 300, triggered: true });
    // A lower limit than the window holds triggers at once.
    engine.resetOrderGroup(OWNER, g.id, t + ORDER_GROUP_WINDOW_MS + 2);
    take(t + ORDER_GROUP_WINDOW_MS + 3, 100);
    expect(engine.updateOrderGroupLimit(OWNER, g.id, 100, t + ORDER_GROUP_WINDOW_MS + 4)).toMatchObject({ triggered: true });
  });
});
