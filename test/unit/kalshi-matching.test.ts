import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bookSideOf, dollarsToMicros, feeScheduleFor, formatCount, formatMicros, formatPrice, KalshiMatchingEngine, parseCount, parsePrice, yesPriceOf,
  type PlaceOrderInput, type OrderResult,
} from '../../providers/kalshi/sandbox-matching.js';
import type { SandboxMarketEvent } from '../../providers/kalshi/sandbox-market-events.js';
import { KalshiMarketSimulator } from '../../providers/kalshi/sandbox-simulator.js';

const T = 'KXFED-26DEC-H0';
const usd = (s: string): bigint => dollarsToMicros(s);
let engine: KalshiMatchingEngine;
let events: SandboxMarketEvent[];
let now: number;

const order = (userId: string, side: 'bid' | 'ask', price: string, count: string, extra: Partial<PlaceOrderInput> = {}): PlaceOrderInput => ({
  userId, ticker: T, side, price: parsePrice(price)!, count: parseCount(count)!, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...extra,
});
const place = (input: PlaceOrderInput): Extract<OrderResult, { ok: true }> => {
  const r = engine.placeOrder(input, now);
  if (!r.ok) throw new Error(`refused: ${r.error.code} ${r.error.message}`);
  return r;
};
const refused = (r: OrderResult): string => (r.ok ? 'accepted' : r.error.code);
const cash = (userId: string): { available: string; reserved: string } => {
  const a = engine.account(userId)!;
  return { available: formatMicros(a.available), reserved: formatMicros(a.reserved) };
};

beforeEach(() => {
  now = Date.UTC(2026, 5, 1);
  engine = new KalshiMatchingEngine();
  events = [];
  engine.onEvent((e) => events.push(e));
  engine.addMarket({ ticker: T }, now);
  for (const u of ['house', 'alice', 'bob', 'carol']) engine.deposit(u, usd(u === 'house' ? '100000' : '1000'));
  // The book of the measured defects: YES bids 0.50 × 5, 0.52 × 3; NO bids 0.45 × 7, 0.46 × 1 (YES ask 0.54).
  place(order('house', 'bid', '0.50', '5'));
  place(order('house', 'bid', '0.52', '3'));
  place(order('house', 'ask', '0.55', '7'));
  place(order('house', 'ask', '0.54', '1'));
  events = [];
});

describe('the three measured defects', () => {
  it('a sell of YES at 0.99 with the best YES bid at 0.52 rests instead of filling', () => {
    const r = place(order('alice', 'ask', '0.99', '2'));
    expect(r.fills).toEqual([]);
    expect(r.order.status).toBe('resting');
    expect(r.order.remaining_count_fp).toBe('2.00');
    // It rests as a NO bid at 0.01, below the NO bids at 0.45/0.46.
    expect(engine.book(T)!.no).toEqual([['0.4600', '1.00'], ['0.4500', '7.00'], ['0.0100', '2.00']]);
    expect(engine.book(T)!.yes).toEqual([['0.5200', '3.00'], ['0.5000', '5.00']]);
  });

  it('a marketable IOC sell at 0.40 fills at the best bid 0.52, then walks down the book', () => {
    const r = place(order('alice', 'ask', '0.40', '2', { timeInForce: 'immediate_or_cancel' }));
    expect(r.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.5200', '2.00']]);
    expect(r.averageFillPrice).toBe('0.5200');
    const more = place(order('bob', 'ask', '0.40', '4', { timeInForce: 'immediate_or_cancel' }));
    expect(more.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.5200', '1.00'], ['0.5000', '3.00']]);
    expect(more.averageFillPrice).toBe('0.5050');
    expect(engine.book(T)!.yes).toEqual([['0.5000', '2.00']]);
  });

  it('post_only never takes: a crossing post-only order is cancelled (PostOnlyCrossCancel), a passive one rests', () => {
    const before = engine.book(T);
    const r = place(order('alice', 'bid', '0.60', '2', { postOnly: true }));
    expect(r.fills).toEqual([]);
    expect(r.order.status).toBe('canceled');
    expect(r.order.last_update_reason).toBe('PostOnlyCrossCancel');
    expect(engine.book(T)).toEqual(before);
    expect(cash('alice')).toEqual({ available: '1000.0000', reserved: '0.0000' });
    const passive = place(order('alice', 'bid', '0.53', '2', { postOnly: true }));
    expect(passive.order.status).toBe('resting');
    expect(engine.book(T)!.yes[0]).toEqual(['0.5300', '2.00']);
  });
});

describe('price-time priority', () => {
  it('fills the better price first, then the older order at a price, each at the resting price', () => {
    const a = place(order('alice', 'bid', '0.52', '1'));
    const b = place(order('bob', 'bid', '0.53', '1'));
    const c = place(order('carol', 'bid', '0.53', '1'));
    expect(engine.queuePosition(a.order.order_id)).toBe(300);
    expect(engine.queuePosition(b.order.order_id)).toBe(0);
    expect(engine.queuePosition(c.order.order_id)).toBe(100);
    expect(engine.queuePositions('carol')).toEqual([{ orderId: c.order.order_id, ticker: T, queuePosition: 100 }]);
    engine.deposit('dave', usd('100'));
    const r = place(order('dave', 'ask', '0.01', '3', { timeInForce: 'immediate_or_cancel' }));
    expect(r.fills.map((f) => f.yesPrice)).toEqual(['0.5300', '0.5300', '0.5200']);
    const makers = events.filter((e) => e.type === 'fill' && !e.isTaker).map((e) => (e as { userId: string }).userId);
    expect(makers).toEqual(['bob', 'carol', 'house']);
    expect(engine.queuePosition(a.order.order_id)).toBe(200);
  });

  it('a buy that crosses gets the resting price (price improvement), and the remainder rests at its limit', () => {
    const r = place(order('alice', 'bid', '0.60', '3'));
    // NO bids 0.46 × 1 and 0.45 × 7 are YES asks 0.54 and 0.55.
    expect(r.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.5400', '1.00'], ['0.5500', '2.00']]);
    expect(r.order.status).toBe('executed');
    const big = place(order('bob', 'bid', '0.55', '10'));
    expect(big.fills.map((f) => f.count)).toEqual(['5.00']);
    expect(big.order.remaining_count_fp).toBe('5.00');
    expect(engine.book(T)!.yes[0]).toEqual(['0.5500', '5.00']);
    expect(engine.book(T)!.no).toEqual([]);
  });
});

describe('time in force', () => {
  it('fill_or_kill fills in full or not at all', () => {
    const before = engine.book(T);
    const killed = place(order('alice', 'ask', '0.50', '9', { timeInForce: 'fill_or_kill' }));
    expect(killed.fills).toEqual([]);
    expect(killed.order.status).toBe('canceled');
    expect(engine.book(T)).toEqual(before);
    expect(cash('alice').reserved).toBe('0.0000');
    const done = place(order('alice', 'ask', '0.50', '8', { timeInForce: 'fill_or_kill' }));
    expect(done.order.status).toBe('executed');
    expect(done.fills.map((f) => f.count)).toEqual(['3.00', '5.00']);
  });

  it('immediate_or_cancel cancels what does not fill at once; nothing rests', () => {
    const r = place(order('alice', 'bid', '0.54', '3', { timeInForce: 'immediate_or_cancel' }));
    expect(r.fills.map((f) => f.count)).toEqual(['1.00']);
    expect(r.order.status).toBe('canceled');
    expect(r.order.remaining_count_fp).toBe('0.00');
    expect(engine.book(T)!.yes[0]).toEqual(['0.5200', '3.00']);
    expect(cash('alice').reserved).toBe('0.0000');
  });

  it('an expiring order rests until its expiration_time, then is cancelled (ExpiryCancel) before anything trades', () => {
    const r = place(order('alice', 'bid', '0.53', '2', { expirationTs: now + 60_000 }));
    expect(r.order.expiration_ts_ms).toBe(now + 60_000);
    now += 59_999;
    engine.expire(now);
    expect(engine.order(r.order.order_id)!.status).toBe('resting');
    now += 1;
    // The next order would have hit it; it expires first.
    const taker = place(order('bob', 'ask', '0.53', '1', { timeInForce: 'immediate_or_cancel' }));
    expect(taker.fills).toEqual([]);
    const expired = engine.order(r.order.order_id)!;
    expect(expired.status).toBe('canceled');
    expect(expired.last_update_reason).toBe('ExpiryCancel');
    expect(events.some((e) => e.type === 'book' && e.orderId === r.order.order_id && e.delta === '-2.00' && e.userId === undefined)).toBe(true);
    expect(cash('alice').reserved).toBe('0.0000');
  });

  it('refuses expiry with immediate_or_cancel and expiry in the past', () => {
    expect(refused(engine.placeOrder(order('alice', 'bid', '0.4', '1', { timeInForce: 'immediate_or_cancel', expirationTs: now + 1000 }), now))).toBe('invalid_order');
    expect(refused(engine.placeOrder(order('alice', 'bid', '0.4', '1', { expirationTs: now }), now))).toBe('invalid_order');
  });
});

describe('self-trade prevention', () => {
  it('taker_at_cross: fills up to the own order, then cancels the taker; the own order stays', () => {
    place(order('alice', 'bid', '0.51', '2'));
    const r = place(order('alice', 'ask', '0.40', '10', { timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross' }));
    expect(r.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.5200', '3.00']]);
    expect(r.order.status).toBe('canceled');
    expect(r.order.last_update_reason).toBe('SelfTradeCancel');
    expect(engine.book(T)!.yes).toEqual([['0.5100', '2.00'], ['0.5000', '5.00']]);
  });

  it('maker: cancels the own resting order and keeps matching', () => {
    const own = place(order('alice', 'bid', '0.51', '2'));
    const r = place(order('alice', 'ask', '0.40', '5', { timeInForce: 'immediate_or_cancel', selfTradePrevention: 'maker' }));
    expect(r.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.5200', '3.00'], ['0.5000', '2.00']]);
    const cancelled = engine.order(own.order.order_id)!;
    expect(cancelled.status).toBe('canceled');
    expect(cancelled.last_update_reason).toBe('SelfTradeCancel');
    expect(engine.fills('alice').every((f) => f.isTaker)).toBe(true);
  });
});

describe('positions, reduce_only and cash', () => {
  it('a sell reduces a YES position, the closed pair pays $1, and the cash and P&L are exact', () => {
    const buy = place(order('alice', 'bid', '0.54', '1', { timeInForce: 'immediate_or_cancel' }));
    // Taker fee ⌈0.07 × 1 × 0.54 × 0.46⌉ = ⌈0.017388⌉ = 0.02.
    expect(buy.fills[0]!.fee).toBe('0.0200');
    expect(cash('alice').available).toBe('999.4400');
    place(order('bob', 'bid', '0.53', '1'));
    const sell = place(order('alice', 'ask', '0.53', '1', { timeInForce: 'immediate_or_cancel' }));
    expect(sell.fills[0]).toMatchObject({ yesPrice: '0.5300', price: '0.4700', side: 'yes', action: 'sell', outcomeSide: 'no', postPosition: '0.00', fee: '0.0200' });
    // Paid 0.54 + 0.02, then 0.47 + 0.02 for the NO leg, and got $1 for the pair: 1000 − 1.05 + 1.
    expect(cash('alice')).toEqual({ available: '999.9500', reserved: '0.0000' });
    const [p] = engine.positions('alice');
    expect(p).toMatchObject({ position: 0, costBasis: 0n, realizedPnl: -usd('0.01'), feesPaid: usd('0.04') });
    // Bob is long 1 YES bought at 0.53, as maker: ⌈0.0175 × 0.2491⌉ = 0.01.
    expect(engine.positions('bob')[0]).toMatchObject({ position: 100, costBasis: usd('0.53'), feesPaid: usd('0.01') });
  });

  it('selling YES you hold needs no cash for the contracts, only for the fee', () => {
    engine.deposit('dave', usd('0.5600'));
    place(order('dave', 'bid', '0.54', '1', { timeInForce: 'immediate_or_cancel' }));
    expect(cash('dave').available).toBe('0.0000');
    expect(refused(engine.placeOrder(order('dave', 'ask', '0.53', '1'), now))).toBe('available_balance_too_low');
    engine.deposit('dave', usd('0.02'));
    // At 0.53 it is the best YES ask (the house's are 0.54 and 0.55). Covered by the YES held: only the fee is reserved.
    const ask = place(order('dave', 'ask', '0.53', '1'));
    expect(ask.order.status).toBe('resting');
    expect(cash('dave')).toEqual({ available: '0.0100', reserved: '0.0100' });
    // A second contract would open a NO position: 0.47 of collateral that dave does not have.
    expect(refused(engine.placeOrder(order('dave', 'ask', '0.53', '1'), now))).toBe('available_balance_too_low');
    engine.deposit('dave', usd('0.47'));
    place(order('dave', 'ask', '0.53', '1'));
    expect(cash('dave')).toEqual({ available: '0.0000', reserved: '0.4900' });
    place(order('bob', 'bid', '0.53', '2', { timeInForce: 'immediate_or_cancel' }));
    // Two NO legs at 0.47 and two 0.01 fees; the first closes the YES held and returns $1.
    expect(cash('dave')).toEqual({ available: '0.5300', reserved: '0.0000' });
    expect(engine.positions('dave')[0]!.position).toBe(-100);
  });

  it('reduce_only must be immediate_or_cancel and is capped by the position (ReduceOnlyCancel)', () => {
    expect(refused(engine.placeOrder(order('alice', 'ask', '0.40', '1', { reduceOnly: true }), now))).toBe('invalid_order');
    const none = place(order('alice', 'ask', '0.40', '1', { reduceOnly: true, timeInForce: 'immediate_or_cancel' }));
    expect(none.fills).toEqual([]);
    expect(none.order.last_update_reason).toBe('ReduceOnlyCancel');
    place(order('alice', 'bid', '0.55', '2', { timeInForce: 'immediate_or_cancel' }));
    const capped = place(order('alice', 'ask', '0.40', '5', { reduceOnly: true, timeInForce: 'immediate_or_cancel' }));
    expect(capped.fills.map((f) => f.count)).toEqual(['2.00']);
    expect(capped.order.last_update_reason).toBe('ReduceOnlyCancel');
    expect(engine.positions('alice')[0]!.position).toBe(0);
  });

  it('refuses an order the free cash cannot cover, leaving nothing behind', () => {
    engine.deposit('erin', usd('1.00'));
    const before = events.length;
    expect(refused(engine.placeOrder(order('erin', 'bid', '0.50', '2'), now))).toBe('available_balance_too_low');
    expect(engine.orders('erin')).toEqual([]);
    expect(events.length).toBe(before);
    expect(cash('erin')).toEqual({ available: '1.0000', reserved: '0.0000' });
  });

  it('settlement pays $1 per winning contract and empties positions', () => {
    place(order('alice', 'bid', '0.54', '1', { timeInForce: 'immediate_or_cancel' }));
    engine.settleMarket(T, 'yes', now);
    expect(cash('alice').available).toBe('1000.4400');
    expect(engine.positions('alice')[0]).toMatchObject({ position: 0, realizedPnl: usd('0.46') });
    expect(engine.book(T)).toEqual({ yes: [], no: [] });
    expect(refused(engine.placeOrder(order('alice', 'bid', '0.5', '1'), now))).toBe('market_closed');
    expect(events.filter((e) => e.type === 'lifecycle').map((e) => (e as { event: string }).event)).toEqual(['deactivated', 'determined', 'settled']);
  });
});

describe('fees', () => {
  it('charges ⌈rate × C × P × (1 − P)⌉ to the cent, per order accumulated over its fills', () => {
    const r = place(order('alice', 'ask', '0.01', '4', { timeInForce: 'immediate_or_cancel' }));
    // Two makers: 0.52 × 3 then 0.50 × 1. Taker exact 0.07 × (3 × 0.2496 + 0.25) = 0.069916 → 0.07 in all:
    // first fill ⌈0.052416⌉ = 0.06, second ⌈0.069916⌉ − 0.06 = 0.01.
    expect(r.fills.map((f) => f.fee)).toEqual(['0.0600', '0.0100']);
    expect(r.order.taker_fees_dollars).toBe('0.0700');
    expect(r.averageFeePaid).toBe('0.0175');
    // Maker fees: ⌈0.0175 × 3 × 0.2496⌉ = ⌈0.013104⌉ = 0.02 and ⌈0.0175 × 0.25⌉ = ⌈0.004375⌉ = 0.01.
    const makerFees = events.filter((e) => e.type === 'fill' && !e.isTaker).map((e) => (e as { fee: string }).fee);
    expect(makerFees).toEqual(['0.0200', '0.0100']);
    expect(engine.feesCollected()).toBe(usd('0.10'));
  });

  it('schedules by fee_type: quadratic has no maker fee; flat is refused', () => {
    expect(feeScheduleFor('quadratic')).toEqual({ takerPpm: 70_000, makerPpm: 0, roundingMicros: 10_000 });
    expect(feeScheduleFor('quadratic_with_combo_maker_fees', 2)).toEqual({ takerPpm: 140_000, makerPpm: 70_000, roundingMicros: 10_000 });
    expect(() => feeScheduleFor('flat')).toThrow(RangeError);
  });
});

describe('cancel, decrease, amend', () => {
  it('cancel takes the rest off the book and frees the cash; cancelling again reduces nothing; others cannot', () => {
    const r = place(order('alice', 'bid', '0.40', '5'));
    expect(cash('alice').reserved).not.toBe('0.0000');
    expect(refused(engine.cancelOrder('bob', r.order.order_id, now))).toBe('not_found');
    const c = engine.cancelOrder('alice', r.order.order_id, now);
    expect(c.ok && c.reducedBy).toBe(500);
    expect(cash('alice')).toEqual({ available: '1000.0000', reserved: '0.0000' });
    const again = engine.cancelOrder('alice', r.order.order_id, now);
    expect(again.ok && again.reducedBy).toBe(0);
    expect(engine.book(T)!.yes.map(([p]) => p)).not.toContain('0.4000');
  });

  it('decrease (reduce_by / reduce_to) keeps the queue place; to zero cancels', () => {
    const a = place(order('alice', 'bid', '0.52', '5'));
    expect(engine.queuePosition(a.order.order_id)).toBe(300);
    const b = place(order('bob', 'bid', '0.52', '1'));
    const d = engine.decreaseOrder('house', engine.orders('house')[1]!.order_id, { reduceBy: 100 }, now);
    expect(d.ok && d.order.remaining_count_fp).toBe('2.00');
    expect(engine.queuePosition(a.order.order_id)).toBe(200);
    const to = engine.decreaseOrder('alice', a.order.order_id, { reduceTo: 200 }, now);
    expect(to.ok && to.reducedBy).toBe(300);
    expect(engine.queuePosition(b.order.order_id)).toBe(400);
    expect(refused(engine.decreaseOrder('alice', a.order.order_id, { reduceBy: 1, reduceTo: 1 }, now))).toBe('invalid_parameters');
    expect(refused(engine.decreaseOrder('alice', a.order.order_id, { reduceTo: 900 }, now))).toBe('invalid_order_size');
    const zero = engine.decreaseOrder('alice', a.order.order_id, { reduceTo: 0 }, now);
    expect(zero.ok && zero.order.status).toBe('canceled');
  });

  it('amend: a lower count or a new expiry keeps priority; a new price or a larger count goes to the back', () => {
    const a = place(order('alice', 'bid', '0.52', '2'));
    const b = place(order('bob', 'bid', '0.52', '2'));
    const id = a.order.order_id;
    const amend = (price: string, count: string, extra: object = {}): OrderResult => engine.amendOrder('alice', id, { ticker: T, side: 'bid', price: parsePrice(price)!, count: parseCount(count)!, ...extra }, now);
    expect(amend('0.52', '1', { expirationTs: now + 5000 }).ok).toBe(true);
    expect(engine.queuePosition(id)).toBe(300);
    expect(amend('0.52', '3').ok).toBe(true);
    expect(engine.queuePosition(id)).toBe(500);
    expect(engine.queuePosition(b.order.order_id)).toBe(300);
    expect(amend('0.53', '3').ok).toBe(true);
    expect(amend('0.52', '3').ok).toBe(true);
    expect(engine.queuePosition(id)).toBe(500);
    expect(engine.order(id)).toMatchObject({ last_update_reason: 'Amend', initial_count_fp: '3.00', expiration_ts_ms: now + 5000 });
    expect(engine.book(T)!.yes[0]).toEqual(['0.5200', '8.00']);
  });

  it('amend to a crossing price trades at once; count is filled + remaining; mismatches are refused', () => {
    const a = place(order('alice', 'bid', '0.50', '3'));
    const id = a.order.order_id;
    expect(refused(engine.amendOrder('alice', id, { ticker: 'OTHER', price: 5000, count: 300 }, now))).toBe('order_ticker_mismatch');
    expect(refused(engine.amendOrder('alice', id, { side: 'ask', price: 5000, count: 300 }, now))).toBe('order_side_mismatch');
    const crossed = engine.amendOrder('alice', id, { price: 5400, count: 300, updatedClientOrderId: 'renamed' }, now);
    expect(crossed.ok && crossed.fills.map((f) => [f.yesPrice, f.count])).toEqual([['0.5400', '1.00']]);
    expect(crossed.ok && crossed.order).toMatchObject({ client_order_id: 'renamed', status: 'resting', remaining_count_fp: '2.00', fill_count_fp: '1.00' });
    expect(refused(engine.amendOrder('alice', id, { price: 5400, count: 100 }, now))).toBe('invalid_order_size');
    const post = place(order('bob', 'bid', '0.40', '1', { postOnly: true }));
    expect(refused(engine.amendOrder('bob', post.order.order_id, { price: 5500, count: 100 }, now))).toBe('invalid_order');
  });

  it('client_order_id is unique per user', () => {
    place(order('alice', 'bid', '0.40', '1', { clientOrderId: 'k1' }));
    expect(refused(engine.placeOrder(order('alice', 'bid', '0.41', '1', { clientOrderId: 'k1' }), now))).toBe('order_already_exists');
    expect(engine.placeOrder(order('bob', 'bid', '0.41', '1', { clientOrderId: 'k1' }), now).ok).toBe(true);
  });
});

describe('events', () => {
  it('a trade emits the book delta with the taker as cause, the trade, both fills, positions and order updates', () => {
    place(order('alice', 'ask', '0.52', '1', { clientOrderId: 'sell-1', timeInForce: 'immediate_or_cancel' }));
    expect(events.map((e) => e.type)).toEqual(['book', 'trade', 'fill', 'fill', 'position', 'position', 'order', 'order']);
    expect(events[0]).toMatchObject({ type: 'book', side: 'yes', price: '0.5200', delta: '-1.00', userId: 'alice', clientOrderId: 'sell-1', ownerUserId: 'house' });
    expect(events[1]).toMatchObject({ type: 'trade', yesPrice: '0.5200', noPrice: '0.4800', count: '1.00', takerSide: 'no', takerBookSide: 'ask' });
    expect(events[2]).toMatchObject({ type: 'fill', userId: 'alice', isTaker: true, side: 'no', action: 'buy', price: '0.4800', postPosition: '-1.00' });
    expect(events[3]).toMatchObject({ type: 'fill', userId: 'house', isTaker: false, side: 'yes', action: 'buy', price: '0.5200', postPosition: '1.00' });
    expect((events[2] as { tradeId: string }).tradeId).toBe((events[3] as { tradeId: string }).tradeId);
    expect(events[7]).toMatchObject({ type: 'order', userId: 'alice', order: { client_order_id: 'sell-1', status: 'executed' } });
  });

  it('a resting order emits a positive delta caused by its owner; the book snapshot matches', () => {
    place(order('bob', 'ask', '0.70', '2.5', { clientOrderId: 'b-1' }));
    expect(events[0]).toMatchObject({ type: 'book', side: 'no', price: '0.3000', delta: '2.50', userId: 'bob', clientOrderId: 'b-1' });
    expect(engine.book(T)!.no.at(-1)).toEqual(['0.3000', '2.50']);
    expect(engine.tickers()).toEqual([T]);
  });
});

describe('units', () => {
  it('parses and formats exact decimals', () => {
    expect(parsePrice('0.56')).toBe(5600);
    expect(parsePrice('0.5600')).toBe(5600);
    expect(parsePrice('.5')).toBe(5000);
    expect(parsePrice('0.56789')).toBeUndefined();
    expect(parsePrice('1e-2')).toBeUndefined();
    expect(parsePrice('')).toBeUndefined();
    expect(parseCount('10')).toBe(1000);
    expect(parseCount('2.5')).toBe(250);
    expect(parseCount('0.001')).toBeUndefined();
    expect(formatPrice(5)).toBe('0.0005');
    expect(formatCount(-250)).toBe('-2.50');
    expect(formatMicros(17_500n)).toBe('0.0175');
    expect(formatMicros(-1_230_000n)).toBe('-1.2300');
    expect(bookSideOf('no', 'sell')).toBe('bid');
    expect(bookSideOf('no', 'buy')).toBe('ask');
    expect(yesPriceOf('no', 4500)).toBe(5500);
  });

  it('keeps to the market price grid; a decicent market takes 0.525', () => {
    expect(refused(engine.placeOrder(order('alice', 'bid', '0.525', '1'), now))).toBe('invalid_order');
    engine.addMarket({ ticker: 'KXDECI', tick: 10 }, now);
    expect(engine.placeOrder({ ...order('alice', 'bid', '0.525', '1'), ticker: 'KXDECI' }, now).ok).toBe(true);
    expect(refused(engine.placeOrder(order('alice', 'bid', '1.00', '1'), now))).toBe('invalid_order');
    expect(refused(engine.placeOrder(order('alice', 'bid', '0.50', '0'), now))).toBe('invalid_order_size');
  });
});

describe('background market simulator', () => {
  const simulated = (seed: number, steps: number): SandboxMarketEvent[] => {
    const e = new KalshiMatchingEngine();
    const log: SandboxMarketEvent[] = [];
    e.onEvent((ev) => log.push(ev));
    e.addMarket({ ticker: 'KXSIM-A' }, 0);
    e.addMarket({ ticker: 'KXSIM-B', tick: 10 }, 0);
    let clock = 1_000;
    const sim = new KalshiMarketSimulator({ engine: e, seed, now: () => (clock += 7) });
    sim.step(steps);
    return log;
  };

  it('is deterministic per seed and produces quotes, trades and cancels', () => {
    const a = simulated(42, 400);
    expect(JSON.stringify(simulated(42, 400))).toBe(JSON.stringify(a));
    expect(JSON.stringify(simulated(43, 400))).not.toBe(JSON.stringify(a));
    const kinds = new Set(a.map((ev) => (ev.type === 'order' ? `order:${ev.order.status}` : ev.type)));
    expect([...kinds]).toEqual(expect.arrayContaining(['book', 'trade', 'fill', 'position', 'order:resting', 'order:canceled', 'order:executed']));
    expect(a.filter((ev) => ev.type === 'trade').length).toBeGreaterThan(20);
  });

  it('runs on an unref()\'d timer at its rate and stops cleanly', async () => {
    const e = new KalshiMatchingEngine();
    e.addMarket({ ticker: 'KXSIM' }, Date.now());
    const sim = new KalshiMarketSimulator({ engine: e, seed: 7, intervalMs: 5, actionsPerTick: 3 });
    const spy = vi.spyOn(globalThis, 'setInterval');
    sim.start();
    sim.start();
    expect(spy).toHaveBeenCalledTimes(1);
    const timer = spy.mock.results[0]!.value as NodeJS.Timeout;
    spy.mockRestore();
    expect(timer.hasRef()).toBe(false);
    expect(sim.running).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    sim.stop();
    expect(sim.running).toBe(false);
    const orders = sim.traderIds.flatMap((u) => e.orders(u)).length;
    expect(orders).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sim.traderIds.flatMap((u) => e.orders(u)).length).toBe(orders);
  });

  it('leaves closed markets alone', () => {
    const e = new KalshiMatchingEngine();
    e.addMarket({ ticker: 'KXSIM' }, 0);
    e.closeMarket('KXSIM', 0);
    const sim = new KalshiMarketSimulator({ engine: e, now: () => 1 });
    sim.step(50);
    expect(sim.traderIds.flatMap((u) => e.orders(u))).toEqual([]);
  });
});
