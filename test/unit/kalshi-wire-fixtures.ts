/**
 * Complete Kalshi answers for nock tests: every field the spec requires, so a test states only
 * the fields it is about. Typed by the client's result types, so a fixture that drifts from the
 * spec does not compile.
 */
import type { KalshiBalance, KalshiMarket, KalshiOrder } from '../../providers/kalshi/index.js';

/** A market as `GET /markets` sends it, with `over` on top. */
export function wireMarket(over: Partial<KalshiMarket> = {}): KalshiMarket {
  return {
    ticker: 'KXT-1', event_ticker: 'KXT', market_type: 'binary', yes_sub_title: 'Yes', no_sub_title: 'No',
    created_time: '2026-01-01T00:00:00Z', updated_time: '2026-01-01T00:00:00Z', open_time: '2026-01-01T00:00:00Z', close_time: '2026-12-31T00:00:00Z',
    latest_expiration_time: '2026-12-31T00:00:00Z', settlement_timer_seconds: 300, status: 'active',
    yes_bid_dollars: '0.4000', yes_bid_size_fp: '1.00', yes_ask_dollars: '0.4200', yes_ask_size_fp: '1.00', no_bid_dollars: '0.5800', no_ask_dollars: '0.6000',
    last_price_dollars: '0.4100', volume_fp: '0.00', volume_24h_fp: '0.00', result: '', can_close_early: true, open_interest_fp: '0.00',
    notional_value_dollars: '1.0000', previous_yes_bid_dollars: '0.4000', previous_yes_ask_dollars: '0.4200', previous_price_dollars: '0.4100',
    settlement_bounds_type: 'default', expiration_value: '', rules_primary: 'r', rules_secondary: '', price_level_structure: 'linear_cent',
    price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }],
    ...over,
  };
}

/** An order as `GET /portfolio/orders` sends it, with `over` on top. */
export function wireOrder(over: Partial<KalshiOrder> = {}): KalshiOrder {
  return {
    order_id: 'o-1', user_id: 'u', client_order_id: 'c-1', ticker: 'KXT-1', outcome_side: 'yes', book_side: 'bid', type: 'limit', status: 'resting',
    yes_price_dollars: '0.5000', no_price_dollars: '0.5000', fill_count_fp: '0.00', remaining_count_fp: '1.00', initial_count_fp: '1.00',
    taker_fill_cost_dollars: '0.0000', maker_fill_cost_dollars: '0.0000', taker_fees_dollars: '0.0000', maker_fees_dollars: '0.0000',
    created_time: '2026-11-01T00:00:00Z',
    ...over,
  };
}

/** `GET /portfolio/balance`, the balance in (non-negative) cents. */
export function wireBalance(cents: number, portfolioCents = 0): KalshiBalance {
  return { balance: cents, balance_dollars: `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}00`, portfolio_value: portfolioCents, updated_ts: 1 };
}
