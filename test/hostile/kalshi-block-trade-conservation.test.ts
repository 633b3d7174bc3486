/**
 * Attack on the sandbox's money: random sequences of book orders, negotiated (block / RFQ)
 * trades and cash transfers between users' subaccounts, checking after every step that nobody's
 * free or held cash goes below zero, contracts net to zero per market, and money is conserved:
 * Σ (free + held cash) over every engine account + fees + $1 × open interest = Σ deposits.
 * A block trade refused must change nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dollarsToMicros, KalshiMatchingEngine, PRICE_SCALE } from '../../providers/kalshi/sandbox-matching.js';

const USERS = ['u0', 'u1', 'u2'];
const TICKERS = ['KXA', 'KXB'];

type Step =
  | { kind: 'place'; user: number; market: number; side: 'bid' | 'ask'; ticks: number; count: number; tif: 'good_till_canceled' | 'immediate_or_cancel' }
  | { kind: 'block'; buyer: number; seller: number; market: number; ticks: number; count: number; buyerMakes: boolean }
  | { kind: 'transfer'; user: number; from: number; to: number; cents: number }
  | { kind: 'cancel'; user: number; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('place' as const), user: fc.nat(2), market: fc.nat(1), side: fc.constantFrom('bid' as const, 'ask' as const), ticks: fc.integer({ min: 30, max: 70 }), count: fc.integer({ min: 1, max: 30 }).map((c) => c * 100), tif: fc.constantFrom('good_till_canceled' as const, 'immediate_or_cancel' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('block' as const), buyer: fc.nat(2), seller: fc.nat(2), market: fc.nat(1), ticks: fc.integer({ min: 1, max: 99 }), count: fc.integer({ min: 1, max: 4000 }), buyerMakes: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transfer' as const), user: fc.nat(2), from: fc.nat(2), to: fc.nat(2), cents: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), user: fc.nat(2), pick: fc.nat(20) }) },
);

const seen = new Set<string>();
const sub = (user: string, n: number): string => (n === 0 ? user : `${user}/sub/${n}`);

function snapshot(engine: KalshiMatchingEngine): string {
  return JSON.stringify({
    accounts: engine.users().map((u) => engine.account(u)),
    positions: engine.users().map((u) => engine.positions(u)),
    fees: engine.feesCollected(),
    trades: engine.trades().length,
  }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function run(steps: Step[]): void {
  const engine = new KalshiMatchingEngine();
  const now = Date.UTC(2026, 6, 1);
  for (const ticker of TICKERS) engine.addMarket({ ticker, tick: 100 }, now);
  USERS.forEach((u, i) => engine.deposit(u, dollarsToMicros(['40', '25', '12'][i]!)));
  for (const s of steps) {
    if (s.kind === 'place') {
      engine.placeOrder({ userId: USERS[s.user]!, ticker: TICKERS[s.market]!, side: s.side, price: s.ticks * 100, count: s.count, timeInForce: s.tif, selfTradePrevention: 'taker_at_cross' }, now);
    } else if (s.kind === 'block') {
      const before = snapshot(engine);
      const done = engine.executeBlockTrade({ ticker: TICKERS[s.market]!, buyer: USERS[s.buyer]!, seller: USERS[s.seller]!, price: s.ticks * 100, count: s.count, maker: s.buyerMakes ? 'buyer' : 'seller' }, now);
      // A refused negotiated trade changes nothing.
      if (!done.ok) expect(snapshot(engine)).toBe(before);
      seen.add(done.ok ? 'block ok' : `block ${done.error.code}`);
    } else if (s.kind === 'transfer') {
      const user = USERS[s.user]!;
      const moved = engine.transferCash(sub(user, s.from), sub(user, s.to), BigInt(s.cents) * 10_000n);
      seen.add(moved.ok ? 'transfer ok' : `transfer ${moved.reason}`);
    } else {
      const resting = engine.orders(USERS[s.user]!, { status: 'resting' });
      if (resting.length) engine.cancelOrder(USERS[s.user]!, resting[s.pick % resting.length]!.order_id, now);
    }

    let money = engine.feesCollected();
    let deposited = 0n;
    for (const ticker of TICKERS) {
      const positions = engine.users().map((u) => engine.positions(u).find((p) => p.ticker === ticker)?.position ?? 0);
      expect(positions.reduce((a, b) => a + b, 0)).toBe(0);
      money += BigInt(positions.reduce((a, p) => a + Math.max(p, 0), 0)) * BigInt(PRICE_SCALE);
    }
    for (const u of engine.users()) {
      const a = engine.account(u)!;
      expect(a.available, `${u} free cash`).toBeGreaterThanOrEqual(0n);
      expect(a.reserved, `${u} held cash`).toBeGreaterThanOrEqual(0n);
      money += a.available + a.reserved;
      deposited += a.deposited;
    }
    expect(money).toBe(deposited);
  }
}

describe('hostile: sandbox money across block trades, book orders and subaccount transfers', () => {
  it('after any sequence, cash never goes negative and money and contracts are conserved', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), (steps) => run(steps)), { numRuns: 300 });
    // The runs reached the interesting cases: trades and transfers done and refused.
    for (const c of ['block ok', 'block available_balance_too_low', 'transfer ok', 'transfer insufficient_funds']) expect(seen).toContain(c);
  }, 20_000);
});
