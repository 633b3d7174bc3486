import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dollarsToMicros, KalshiMatchingEngine, parseCount, parsePrice, PRICE_SCALE, type PlaceOrderInput, type OrderResult,
} from '../../providers/kalshi/sandbox-matching.js';
import type { SandboxMarketEvent, SandboxOrderView } from '../../providers/kalshi/sandbox-market-events.js';

/*
 * Random sequences of orders, cancels, amends, decreases and clock moves among four users in
 * two markets (a cent market with cent fee rounding, a decicent market with centicent fee
 * rounding), checking after every step:
 * - the book is never crossed: best YES bid + best NO bid < 1.0000;
 * - contracts are conserved: in each market the users' net positions sum to zero (every fill
 *   creates or redeems YES/NO pairs, so the YES held equals the NO held = open interest);
 * - money is conserved: Σ users' free + reserved cash + fees collected + $1 × open interest
 *   (the collateral behind the open pairs) = Σ deposits; nobody's free or reserved cash is < 0;
 * - each user's cash = deposits + Σ (realized P&L − cost basis − fees);
 * - every fill is at the resting (maker) order's price and within the taker's limit;
 * - the fills of a new order are exactly those of a naive price-time priority model run on
 *   the book before it (self-trade prevention, fill_or_kill, post_only, reduce_only included);
 * - the book equals the sum of the resting orders' remaining counts per level, queue positions
 *   are the running sums of the counts ahead, order counts add up;
 * - the book events replayed from the start rebuild the book exactly;
 * - and the whole run is deterministic (same steps → same events).
 */

const USERS = ['u0', 'u1', 'u2', 'u3'];
const MARKETS = [
  { ticker: 'KXCENT', tick: 100, fees: { takerPpm: 70_000, makerPpm: 17_500, roundingMicros: 10_000 } },
  { ticker: 'KXDECI', tick: 10, fees: { takerPpm: 70_000, makerPpm: 17_500, roundingMicros: 100 } },
];
const DEPOSITS = ['60', '30', '1.5', '45'];

type Step =
  | { kind: 'place'; user: number; market: number; side: 'bid' | 'ask'; ticks: number; count: number; tif: PlaceOrderInput['timeInForce']; stp: PlaceOrderInput['selfTradePrevention']; postOnly: boolean; reduceOnly: boolean; expiresIn: number | undefined }
  | { kind: 'cancel'; user: number; pick: number }
  | { kind: 'amend'; user: number; pick: number; ticks: number; count: number }
  | { kind: 'decrease'; user: number; pick: number; by: number | undefined; to: number | undefined }
  | { kind: 'wait'; ms: number };

const count = fc.oneof(fc.integer({ min: 1, max: 12 }).map((c) => c * 100), fc.integer({ min: 1, max: 700 }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('place' as const), user: fc.nat(3), market: fc.nat(1), side: fc.constantFrom('bid' as const, 'ask' as const),
    ticks: fc.integer({ min: 44, max: 56 }), count,
    tif: fc.constantFrom('good_till_canceled' as const, 'good_till_canceled' as const, 'good_till_canceled' as const, 'immediate_or_cancel' as const, 'fill_or_kill' as const),
    stp: fc.constantFrom('taker_at_cross' as const, 'maker' as const), postOnly: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    reduceOnly: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), expiresIn: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4000 }) }),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), user: fc.nat(3), pick: fc.nat(40) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('amend' as const), user: fc.nat(3), pick: fc.nat(40), ticks: fc.integer({ min: 44, max: 56 }), count }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decrease' as const), user: fc.nat(3), pick: fc.nat(40), by: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }), to: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
);

/** Price of an order on its own ladder (a NO price for an ask). */
const ladderPrice = (o: SandboxOrderView): number => (o.book_side === 'bid' ? parsePrice(o.yes_price_dollars)! : PRICE_SCALE - parsePrice(o.yes_price_dollars)!);
const crosses = (side: 'bid' | 'ask', limit: number, maker: SandboxOrderView): boolean => {
  const makerYes = parsePrice(maker.yes_price_dollars)!;
  return side === 'bid' ? limit >= makerYes : makerYes >= limit;
};

/** The fills (maker order id, count) a naive price-time priority book would give a new order. */
function expectedFills(engine: KalshiMatchingEngine, input: PlaceOrderInput): [string, number][] {
  const makers = USERS.flatMap((u) => engine.orders(u, { ticker: input.ticker, status: 'resting' }))
    .filter((o) => o.book_side !== input.side)
    .sort((a, b) => ladderPrice(b) - ladderPrice(a) || parseCount(a.queue_position_fp!)! - parseCount(b.queue_position_fp!)!);
  let remaining = input.count;
  if (input.reduceOnly) {
    const held = engine.positions(input.userId).find((p) => p.ticker === input.ticker)?.position ?? 0;
    remaining = Math.min(remaining, input.side === 'bid' ? Math.max(-held, 0) : Math.max(held, 0));
  }
  if (input.postOnly && makers.some((m) => crosses(input.side, input.price, m))) return [];
  const fills: [string, number][] = [];
  for (const maker of makers) {
    if (remaining === 0 || !crosses(input.side, input.price, maker)) break;
    if (maker.user_id === input.userId) {
      if (input.selfTradePrevention === 'taker_at_cross') break;
      continue;
    }
    const n = Math.min(remaining, parseCount(maker.remaining_count_fp)!);
    fills.push([maker.order_id, n]);
    remaining -= n;
  }
  if (input.timeInForce === 'fill_or_kill' && remaining > 0) return [];
  return fills;
}

/** What the random runs exercised, so a vacuous pass (no trades, no expiry…) fails. */
const seen = new Map<string, number>();
const saw = (what: string): void => {
  seen.set(what, (seen.get(what) ?? 0) + 1);
};

function run(steps: Step[], check: boolean): SandboxMarketEvent[] {
  const engine = new KalshiMatchingEngine();
  const log: SandboxMarketEvent[] = [];
  engine.onEvent((e) => log.push(e));
  let now = Date.UTC(2026, 6, 1);
  for (const m of MARKETS) engine.addMarket(m, now);
  USERS.forEach((u, i) => engine.deposit(u, dollarsToMicros(DEPOSITS[i]!)));
  const replay = new Map<string, number>();
  // Mostly resting orders (the interesting case), sometimes any order (a done one must be refused).
  const pick = (user: string, n: number): SandboxOrderView | undefined => {
    const resting = engine.orders(user, { status: 'resting' });
    const all = n % 5 === 0 || resting.length === 0 ? engine.orders(user) : resting;
    return all.length ? all[n % all.length] : undefined;
  };

  for (const s of steps) {
    const from = log.length;
    let placed: { input: PlaceOrderInput; expected: [string, number][]; result: OrderResult } | undefined;
    if (s.kind === 'place') {
      const market = MARKETS[s.market]!;
      const input: PlaceOrderInput = {
        userId: USERS[s.user]!, ticker: market.ticker, side: s.side, price: s.ticks * 100 + (market.tick === 10 ? (s.count % 10) * 10 : 0),
        count: s.count, timeInForce: s.reduceOnly ? 'immediate_or_cancel' : s.tif, selfTradePrevention: s.stp, postOnly: s.postOnly, reduceOnly: s.reduceOnly,
        ...(s.expiresIn !== undefined && !s.reduceOnly && s.tif !== 'immediate_or_cancel' ? { expirationTs: now + s.expiresIn } : {}),
      };
      engine.expire(now);
      const expected = check ? expectedFills(engine, input) : [];
      placed = { input, expected, result: engine.placeOrder(input, now) };
    } else if (s.kind === 'cancel') {
      const o = pick(USERS[s.user]!, s.pick);
      if (o) engine.cancelOrder(USERS[s.user]!, o.order_id, now);
    } else if (s.kind === 'amend') {
      const o = pick(USERS[s.user]!, s.pick);
      if (o) {
        const tick = MARKETS.find((m) => m.ticker === o.ticker)!.tick;
        engine.amendOrder(USERS[s.user]!, o.order_id, { price: Math.min(s.ticks * 100 + (tick === 10 ? (s.count % 10) * 10 : 0), PRICE_SCALE - tick), count: parseCount(o.fill_count_fp)! + s.count }, now);
      }
    } else if (s.kind === 'decrease') {
      const o = pick(USERS[s.user]!, s.pick);
      if (o) engine.decreaseOrder(USERS[s.user]!, o.order_id, { ...(s.by !== undefined ? { reduceBy: s.by } : {}), ...(s.to !== undefined ? { reduceTo: s.to } : {}) }, now);
    } else {
      now += s.ms;
      engine.expire(now);
    }
    if (!check) continue;
    const fresh = log.slice(from);
    for (const e of fresh) {
      if (e.type === 'trade') saw(`trade:${s.kind}`);
      if (e.type === 'fill' && e.action === 'sell') saw('closing fill');
      if (e.type === 'fill' && e.ticker === 'KXDECI') saw('decicent fill');
      if (e.type === 'order' && e.order.last_update_reason) saw(e.order.last_update_reason);
    }
    if (placed && !placed.result.ok) saw(placed.result.error.code);

    // Every fill at the maker's price, within the taker's limit.
    const byTrade = new Map<string, SandboxMarketEvent[]>();
    for (const e of fresh) if (e.type === 'fill') byTrade.set(e.tradeId, [...(byTrade.get(e.tradeId) ?? []), e]);
    for (const [tradeId, pair] of byTrade) {
      const trade = fresh.find((e) => e.type === 'trade' && e.tradeId === tradeId) as Extract<SandboxMarketEvent, { type: 'trade' }>;
      expect(pair).toHaveLength(2);
      const taker = pair.find((f) => f.type === 'fill' && f.isTaker) as Extract<SandboxMarketEvent, { type: 'fill' }>;
      const maker = pair.find((f) => f.type === 'fill' && !f.isTaker) as Extract<SandboxMarketEvent, { type: 'fill' }>;
      const makerOrder = engine.order(maker.orderId)!;
      const takerOrder = engine.order(taker.orderId)!;
      expect(trade.yesPrice).toBe(makerOrder.yes_price_dollars);
      expect(taker.yesPrice).toBe(trade.yesPrice);
      expect(maker.yesPrice).toBe(trade.yesPrice);
      const limit = parsePrice(takerOrder.yes_price_dollars)!;
      const price = parsePrice(trade.yesPrice)!;
      if (takerOrder.book_side === 'bid') expect(price).toBeLessThanOrEqual(limit);
      else expect(price).toBeGreaterThanOrEqual(limit);
      expect(takerOrder.book_side).not.toBe(makerOrder.book_side);
      expect(taker.userId).not.toBe(maker.userId);
    }

    // The fills of a new order are the naive model's.
    if (placed) {
      const makerFills = fresh.filter((e) => e.type === 'fill' && !e.isTaker).map((e) => [(e as { orderId: string }).orderId, parseCount((e as { count: string }).count)!]);
      if (placed.result.ok) expect(makerFills).toEqual(placed.expected);
      else expect(makerFills).toEqual([]);
    }

    // Book events replayed rebuild the book.
    for (const e of fresh) {
      if (e.type !== 'book') continue;
      const k = `${e.ticker} ${e.side} ${e.price}`;
      const next = (replay.get(k) ?? 0) + parseCount(e.delta.replace('-', ''))! * (e.delta.startsWith('-') ? -1 : 1);
      expect(next).toBeGreaterThanOrEqual(0);
      if (next === 0) replay.delete(k);
      else replay.set(k, next);
    }

    let money = 0n;
    let deposited = 0n;
    for (const m of MARKETS) {
      const book = engine.book(m.ticker)!;
      // Not crossed.
      const bestYes = book.yes[0] ? parsePrice(book.yes[0][0])! : 0;
      const bestNo = book.no[0] ? parsePrice(book.no[0][0])! : 0;
      expect(bestYes + bestNo).toBeLessThan(PRICE_SCALE);
      // Replay equals the book; the book equals the resting orders.
      const levels = new Map<string, number>();
      for (const [p, c] of book.yes) levels.set(`${m.ticker} yes ${p}`, parseCount(c)!);
      for (const [p, c] of book.no) levels.set(`${m.ticker} no ${p}`, parseCount(c)!);
      for (const [k, v] of replay) if (k.startsWith(`${m.ticker} `)) expect(levels.get(k)).toBe(v);
      expect([...replay.keys()].filter((k) => k.startsWith(`${m.ticker} `)).length).toBe(levels.size);
      const resting = USERS.flatMap((u) => engine.orders(u, { ticker: m.ticker, status: 'resting' }));
      const fromOrders = new Map<string, SandboxOrderView[]>();
      for (const o of resting) {
        const k = `${m.ticker} ${o.book_side === 'bid' ? 'yes' : 'no'} ${(ladderPrice(o) / PRICE_SCALE).toFixed(4)}`;
        fromOrders.set(k, [...(fromOrders.get(k) ?? []), o]);
      }
      expect(new Map([...fromOrders].map(([k, os]) => [k, os.reduce((sum, o) => sum + parseCount(o.remaining_count_fp)!, 0)]))).toEqual(levels);
      // Queue positions are the running sums of what is ahead.
      for (const os of fromOrders.values()) {
        const sorted = [...os].sort((a, b) => parseCount(a.queue_position_fp!)! - parseCount(b.queue_position_fp!)!);
        let ahead = 0;
        for (const o of sorted) {
          expect(parseCount(o.queue_position_fp!)).toBe(ahead);
          ahead += parseCount(o.remaining_count_fp)!;
        }
      }
      // Contracts: net positions sum to zero; open interest is the YES held.
      const positions = USERS.map((u) => engine.positions(u).find((p) => p.ticker === m.ticker)?.position ?? 0);
      expect(positions.reduce((a, b) => a + b, 0)).toBe(0);
      const openInterest = positions.reduce((a, p) => a + Math.max(p, 0), 0);
      money += BigInt(openInterest) * 10_000n;
    }
    for (const u of USERS) {
      const a = engine.account(u)!;
      expect(a.available).toBeGreaterThanOrEqual(0n);
      expect(a.reserved).toBeGreaterThanOrEqual(0n);
      if (engine.orders(u, { status: 'resting' }).length === 0) expect(a.reserved).toBe(0n);
      money += a.available + a.reserved;
      deposited += a.deposited;
      const pnl = engine.positions(u).reduce((sum, p) => sum + p.realizedPnl - p.costBasis - p.feesPaid, 0n);
      expect(a.available + a.reserved).toBe(a.deposited + pnl);
      for (const o of engine.orders(u)) {
        const filled = parseCount(o.fill_count_fp)!;
        const remaining = parseCount(o.remaining_count_fp)!;
        expect(filled + remaining).toBeLessThanOrEqual(parseCount(o.initial_count_fp)!);
        expect(o.status === 'resting').toBe(remaining > 0);
        expect(engine.fills(u, { orderId: o.order_id }).reduce((sum, f) => sum + parseCount(f.count)!, 0)).toBe(filled);
      }
    }
    expect(money + engine.feesCollected()).toBe(deposited);
  }
  if (check) {
    // Settlement pays out the collateral of every open pair: afterwards all cash is free and
    // deposits = cash + fees exactly.
    engine.settleMarket('KXCENT', 'yes', now);
    engine.settleMarket('KXDECI', 'no', now);
    let total = 0n;
    for (const u of USERS) {
      const a = engine.account(u)!;
      expect(a.reserved).toBe(0n);
      expect(engine.positions(u).every((p) => p.position === 0 && p.costBasis === 0n)).toBe(true);
      total += a.available - a.deposited;
    }
    expect(total + engine.feesCollected()).toBe(0n);
  }
  return log;
}

describe('kalshi matching engine properties', () => {
  it('after any sequence of orders, cancels, amends, decreases and clock moves, every invariant holds', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }), (steps) => {
      run(steps, true);
    }), { numRuns: 120 });
    for (const what of ['trade:place', 'trade:amend', 'closing fill', 'decicent fill', 'SelfTradeCancel', 'ExpiryCancel', 'PostOnlyCrossCancel', 'ReduceOnlyCancel', 'Decrease', 'Amend', 'available_balance_too_low']) {
      expect(seen.get(what) ?? 0, `${what} in ${JSON.stringify([...seen])}`).toBeGreaterThan(3);
    }
  });

  it('is deterministic: the same steps give the same events', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      expect(JSON.stringify(run(steps, false))).toBe(JSON.stringify(run(steps, false)));
    }), { numRuns: 30 });
  });
});
