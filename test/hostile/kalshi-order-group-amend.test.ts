/**
 * Hostile: an order group caps what its orders match. The property test places orders; here
 * the cap is attacked through the other ways an order reaches the book — an amend that reprices
 * a resting group order across the spread with a larger count, and a block trade —
 * plus random sequences of those, checking the group never matches more than its limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dollarsToMicros, KalshiMatchingEngine } from '../../providers/kalshi/sandbox-matching.js';

const T = 'KXG';
const now = Date.UTC(2026, 6, 1);

function setup(limit: number): { engine: KalshiMatchingEngine; groupId: string } {
  const engine = new KalshiMatchingEngine();
  engine.addMarket({ ticker: T, tick: 100 }, now);
  engine.deposit('own', dollarsToMicros(10_000));
  engine.deposit('other', dollarsToMicros(10_000));
  const g = engine.createOrderGroup('own', limit, now);
  if (!('id' in g)) throw new Error('no group');
  return { engine, groupId: g.id };
}
const matched = (engine: KalshiMatchingEngine): number => engine.fills('own').filter((f) => engine.order(f.orderId)?.order_group_id !== undefined).reduce((s, f) => s + Number(f.count.replace('.', '')), 0);

describe('hostile: an order group never matches past its limit', () => {
  it('an amend repricing a resting group bid across the spread, with a larger count, fills at most the limit', () => {
    const { engine, groupId } = setup(300);
    engine.placeOrder({ userId: 'other', ticker: T, side: 'ask', price: 5000, count: 2000, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross' }, now);
    const bid = engine.placeOrder({ userId: 'own', ticker: T, side: 'bid', price: 1000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', orderGroupId: groupId }, now);
    if (!bid.ok) throw new Error(bid.error.message);
    engine.amendOrder('own', bid.order.order_id, { price: 5000, count: 1500 }, now + 1);
    expect(matched(engine)).toBe(300);
    expect(engine.orderGroup('own', groupId)).toMatchObject({ triggered: true, matched: 300 });
  });

  it('random amends, block trades and book orders: the group matches at most its limit in any window', () => {
    type Step = { kind: 'own' | 'other' | 'amend' | 'block'; price: number; count: number; pick: number };
    const step = fc.record({ kind: fc.constantFrom('own' as const, 'other' as const, 'amend' as const, 'block' as const), price: fc.integer({ min: 40, max: 60 }).map((c) => c * 100), count: fc.integer({ min: 1, max: 8 }).map((c) => c * 100), pick: fc.nat(10) });
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }).map((c) => c * 100), fc.array(step, { minLength: 3, maxLength: 40 }), (limit, steps: Step[]) => {
      const { engine, groupId } = setup(limit);
      for (const s of steps) {
        if (s.kind === 'own') engine.placeOrder({ userId: 'own', ticker: T, side: s.pick % 2 ? 'bid' : 'ask', price: s.price, count: s.count, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', orderGroupId: groupId }, now);
        else if (s.kind === 'other') engine.placeOrder({ userId: 'other', ticker: T, side: s.pick % 2 ? 'bid' : 'ask', price: s.price, count: s.count, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross' }, now);
        else if (s.kind === 'amend') {
          const resting = engine.orders('own', { status: 'resting' });
          const o = resting[s.pick % Math.max(resting.length, 1)];
          if (o) engine.amendOrder('own', o.order_id, { price: s.price, count: Number(o.fill_count_fp.replace('.', '')) + s.count }, now);
        } else engine.executeBlockTrade({ ticker: T, buyer: 'own', seller: 'other', price: s.price, count: s.count, maker: 'buyer' }, now);
        expect(matched(engine)).toBeLessThanOrEqual(limit);
      }
    }), { numRuns: 200 });
  }, 20_000);
});
