import { describe, expect, it } from 'vitest';
import { OrderTracker, type KalshiTrackedOrder, type OrderTrackerSource } from '../../providers/kalshi/order-tracker.js';
import type { KalshiFill, KalshiOrder } from '../../providers/kalshi/client.js';
import type { FillMessage, UserOrderMessage } from '../../providers/kalshi/stream/schemas.js';

/** A REST side the test controls: what the order list and the fills say right now. */
class FakeRest implements OrderTrackerSource {
  order: KalshiOrder | undefined;
  fills: KalshiFill[] = [];
  live = true;
  reads = 0;
  findOrder(): Promise<KalshiOrder | undefined> {
    this.reads += 1;
    return Promise.resolve(this.order);
  }
  orderFills(): Promise<KalshiFill[]> {
    return Promise.resolve(this.fills);
  }
  streamLive(): boolean {
    return this.live;
  }
}

const restOrder = (status: string, filled: string, remaining: string, ts: number): KalshiOrder => ({
  order_id: 'o-1', user_id: 'u', client_order_id: 'c-1', ticker: 'KXT-1', outcome_side: 'yes', book_side: 'bid', type: 'limit', status, yes_price_dollars: '0.5000', no_price_dollars: '0.5000',
  fill_count_fp: filled, remaining_count_fp: remaining, initial_count_fp: '10.00', taker_fill_cost_dollars: '0', maker_fill_cost_dollars: '0', taker_fees_dollars: '0', maker_fees_dollars: '0',
  created_time: new Date(1000).toISOString(), last_update_time: new Date(ts).toISOString(),
});
const streamOrder = (status: string, filled: string, remaining: string, ts: number): UserOrderMessage['msg'] => ({
  order_id: 'o-1', user_id: 'u', ticker: 'KXT-1', exchange_index: 0, status, outcome_side: 'yes', book_side: 'bid', yes_price_dollars: '0.5000',
  fill_count_fp: filled, remaining_count_fp: remaining, initial_count_fp: '10.00', taker_fill_cost_dollars: '0', maker_fill_cost_dollars: '0', taker_fees_dollars: '0', maker_fees_dollars: '0',
  client_order_id: 'c-1', created_ts_ms: 1000, last_updated_ts_ms: ts,
});
const streamFill = (tradeId: string, count: string): FillMessage['msg'] => ({
  trade_id: tradeId, order_id: 'o-1', client_order_id: 'c-1', market_ticker: 'KXT-1', exchange_index: 0, is_taker: false, yes_price_dollars: '0.5000', count_fp: count, fee_cost: '0.01',
  outcome_side: 'yes', book_side: 'bid', ts_ms: 2000, post_position_fp: count,
});

describe('kalshi order tracker', () => {
  const make = (rest: FakeRest): { tracker: OrderTracker; updates: KalshiTrackedOrder[] } => {
    const tracker = new OrderTracker('c-1', rest, { pollIntervalMs: 10_000, reconcileIntervalMs: 10_000 }, () => undefined);
    const updates: KalshiTrackedOrder[] = [];
    tracker.on('update', (u) => updates.push(u));
    return { tracker, updates };
  };

  it('a REST answer older than the stream state is dropped; the same state heard twice is reported once', async () => {
    const rest = new FakeRest();
    const { tracker, updates } = make(rest);
    tracker.onStreamOrder(streamOrder('resting', '4.00', '6.00', 3000));
    tracker.onStreamFill(streamFill('t-1', '4.00'));
    rest.order = restOrder('resting', '0.00', '10.00', 2000); // read before the fill
    await tracker.settle();
    rest.order = restOrder('resting', '4.00', '6.00', 3000); // the same as the stream's
    await tracker.settle();
    expect(updates.map((u) => [u.fill_count_fp, u.source])).toEqual([['4.00', 'stream']]);
    tracker.stop();
  });

  it('a fill heard on the stream and read over REST counts once; the end waits for every fill, reading them when the stream missed one', async () => {
    const rest = new FakeRest();
    const { tracker, updates } = make(rest);
    const fills: string[] = [];
    tracker.on('fill', (f) => fills.push(`${f.trade_id} ${f.source}`));
    tracker.onStreamOrder(streamOrder('resting', '0.00', '10.00', 1000));
    tracker.onStreamFill(streamFill('t-1', '4.00'));
    // The final state arrives, but the fill of the last 6 was lost: the tracker reads the fills.
    rest.fills = [{ fill_id: 'f-1', exchange_index: 0, trade_id: 't-1', order_id: 'o-1', ticker: 'KXT-1', market_ticker: 'KXT-1', outcome_side: 'yes', book_side: 'bid', count_fp: '4.00', yes_price_dollars: '0.5000', no_price_dollars: '0.5000', is_taker: false, fee_cost: '0' } satisfies KalshiFill,
      { fill_id: 'f-2', exchange_index: 0, trade_id: 't-2', order_id: 'o-1', ticker: 'KXT-1', market_ticker: 'KXT-1', outcome_side: 'yes', book_side: 'bid', count_fp: '6.00', yes_price_dollars: '0.5000', no_price_dollars: '0.5000', is_taker: false, fee_cost: '0' } satisfies KalshiFill];
    rest.order = restOrder('executed', '10.00', '0.00', 5000);
    tracker.onStreamOrder(streamOrder('executed', '10.00', '0.00', 5000));
    const final = await tracker.done;
    expect(final).toMatchObject({ status: 'executed', fill_count_fp: '10.00' });
    expect(fills).toEqual(['t-1 stream', 't-2 rest']);
    expect(updates.map((u) => u.status)).toEqual(['resting', 'executed']);
    // After the end nothing more is reported.
    tracker.onStreamOrder(streamOrder('canceled', '10.00', '0.00', 9000));
    expect(tracker.order?.status).toBe('executed');
  });

  it('stop() rejects done with an AbortedError carrying the client_order_id, and clears its timer', async () => {
    const rest = new FakeRest();
    const { tracker } = make(rest);
    tracker.stop();
    await expect(tracker.done).rejects.toMatchObject({ name: 'AbortedError', idempotencyKey: 'c-1' });
  });
});
