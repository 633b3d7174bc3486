/**
 * docs/results.md across Kalshi's area calls: no camelCase or Money copy beside a wire field,
 * no renamed envelope, no index signature; the book is the wire's `orderbook_fp` plus the
 * client's own `bestYesBid`/`bestYesAsk`; `getFills` and `getPositions` are one method each,
 * awaitable for a page and iterable for every item.
 */
import nock from 'nock';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { generateRsaKeyPair } from '../../src/crypto/rsa-keys.js';
import type { PagePromise } from '../../src/http/paginate.js';
import {
  createKalshiClient,
  type KalshiBlockTradeProposal,
  type KalshiClient,
  type KalshiEndpointCosts,
  type KalshiEventCandlesticks,
  type KalshiExchangeTransfer,
  type KalshiFcmDailyCap,
  type KalshiFill,
  type KalshiFillsPage,
  type KalshiIncentiveProgram,
  type KalshiMarketPosition,
  type KalshiOrderbook,
  type KalshiPositions,
  type KalshiQuote,
  type KalshiRestingOrderValue,
  type KalshiRfq,
  type KalshiSettlement,
  type KalshiSubaccountBalance,
  type KalshiSubaccountTransfer,
  type KalshiSyncedLimits,
  type KalshiTrackedFill,
  type KalshiTrackedOrder,
  type KalshiTransfer,
} from '../../providers/kalshi/index.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://kalshi.test';
const ROOT = '/trade-api/v2';

/** True only when `T` has no string index signature. */
type HasNoIndex<T> = string extends keyof T ? false : true;

const fill = (id: string): KalshiFill => ({
  fill_id: `f-${id}`, exchange_index: 0, trade_id: `t-${id}`, order_id: 'o-1', ticker: 'KXT-1', market_ticker: 'KXT-1', outcome_side: 'yes', book_side: 'bid',
  count_fp: '1.00', yes_price_dollars: '0.5000', no_price_dollars: '0.5000', is_taker: true, fee_cost: '0.0100',
});
const position = (ticker: string): KalshiMarketPosition => ({
  ticker, exchange_index: 0, total_traded_dollars: '1.0000', position_fp: '2.00', market_exposure_dollars: '1.0000', realized_pnl_dollars: '0.0000', fees_paid_dollars: '0.0100', last_updated_ts: '2026-11-01T00:00:00Z',
});

describe('Kalshi area results follow docs/results.md', () => {
  let client: KalshiClient | undefined;
  let privateKeyPem = '';
  offlineWireTests(() => client);
  beforeAll(async () => {
    privateKeyPem = (await generateRsaKeyPair({ bits: 2048 })).privateKeyPem;
  });
  const signed = (): KalshiClient => (client = createKalshiClient({ baseUrl: `${BASE}${ROOT}`, keyId: 'key-1', privateKeyPem, retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 } }));

  it('no copies beside the wire fields, and no index signature: the old names do not compile', () => {
    expectTypeOf<KalshiSettlement>().not.toHaveProperty('revenueMoney');
    expectTypeOf<KalshiSettlement['revenue']>().toEqualTypeOf<number>();
    expectTypeOf<KalshiSubaccountBalance>().not.toHaveProperty('balanceMoney');
    expectTypeOf<KalshiSubaccountTransfer>().not.toHaveProperty('amount');
    expectTypeOf<KalshiSubaccountTransfer>().not.toHaveProperty('createdAt');
    expectTypeOf<KalshiExchangeTransfer>().not.toHaveProperty('amountMoney');
    expectTypeOf<KalshiExchangeTransfer>().not.toHaveProperty('createdAt');
    expectTypeOf<KalshiIncentiveProgram>().not.toHaveProperty('periodRewardMoney');
    expectTypeOf<KalshiIncentiveProgram>().not.toHaveProperty('maxRewardPerAccountMoney');
    expectTypeOf<KalshiTransfer>().not.toHaveProperty('amount');
    expectTypeOf<KalshiTransfer>().not.toHaveProperty('fee');
    expectTypeOf<KalshiRfq>().not.toHaveProperty('targetCost');
    expectTypeOf<KalshiQuote>().not.toHaveProperty('yesBid');
    expectTypeOf<KalshiQuote>().not.toHaveProperty('rfqTargetCost');
    expectTypeOf<KalshiBlockTradeProposal>().not.toHaveProperty('price');
    expectTypeOf<KalshiBlockTradeProposal>().not.toHaveProperty('count');
    expectTypeOf<KalshiFcmDailyCap>().not.toHaveProperty('money');
    expectTypeOf<KalshiRestingOrderValue>().not.toHaveProperty('totalCents');
    expectTypeOf<KalshiEndpointCosts>().not.toHaveProperty('defaultCost');
    expectTypeOf<KalshiEventCandlesticks>().not.toHaveProperty('adjustedEnd');
    expectTypeOf<KalshiSyncedLimits>().not.toHaveProperty('usageTier');
    expectTypeOf<KalshiOrderbook>().not.toHaveProperty('yesBids');
    expectTypeOf<KalshiOrderbook>().not.toHaveProperty('noBids');
    expectTypeOf<KalshiTrackedOrder>().not.toHaveProperty('orderId');
    expectTypeOf<KalshiTrackedOrder>().not.toHaveProperty('fillCount');
    expectTypeOf<KalshiTrackedOrder>().not.toHaveProperty('clientOrderId');
    expectTypeOf<KalshiTrackedFill>().not.toHaveProperty('tradeId');
    expectTypeOf<KalshiTrackedOrder['fill_count_fp']>().toEqualTypeOf<string>();
    expectTypeOf<KalshiTrackedFill['trade_id']>().toEqualTypeOf<string>();
    for (const ok of [
      true satisfies HasNoIndex<KalshiSettlement>, true satisfies HasNoIndex<KalshiSubaccountBalance>, true satisfies HasNoIndex<KalshiSubaccountTransfer>,
      true satisfies HasNoIndex<KalshiExchangeTransfer>, true satisfies HasNoIndex<KalshiIncentiveProgram>, true satisfies HasNoIndex<KalshiTransfer>,
      true satisfies HasNoIndex<KalshiRfq>, true satisfies HasNoIndex<KalshiQuote>, true satisfies HasNoIndex<KalshiBlockTradeProposal>,
      true satisfies HasNoIndex<KalshiFcmDailyCap>, true satisfies HasNoIndex<KalshiRestingOrderValue>, true satisfies HasNoIndex<KalshiSyncedLimits>,
      true satisfies HasNoIndex<KalshiOrderbook>, true satisfies HasNoIndex<KalshiTrackedOrder>, true satisfies HasNoIndex<KalshiTrackedFill>,
    ]) expect(ok).toBe(true);
    const settlement = {} as KalshiSettlement;
    // @ts-expect-error the Money copy is gone: `revenue` (integer cents) is the one field
    void settlement.revenueMoney;
    const book = {} as KalshiOrderbook;
    // @ts-expect-error the renamed levels are gone: `orderbook_fp.yes_dollars` is the wire's
    void book.yesBids;
    expectTypeOf<ReturnType<KalshiClient['getFills']>>().toEqualTypeOf<PagePromise<KalshiFillsPage, KalshiFill>>();
    expectTypeOf<ReturnType<KalshiClient['getPositions']>>().toEqualTypeOf<PagePromise<KalshiPositions, KalshiMarketPosition>>();
  });

  it('getFills: awaited, the page asked for; iterated, every fill across pages by cursor, each page requested once', async () => {
    const c = signed();
    const first = nock(BASE).get(`${ROOT}/portfolio/fills`).query({ ticker: 'KXT-1', limit: '2' }).reply(200, { fills: [fill('1'), fill('2')], cursor: 'c2' });
    const second = nock(BASE).get(`${ROOT}/portfolio/fills`).query({ ticker: 'KXT-1', limit: '2', cursor: 'c2' }).reply(200, { fills: [fill('3')], cursor: '' });
    const list = c.getFills({ ticker: 'KXT-1', limit: 2 });
    const page = await list;
    expect(page.fills.map((f) => f.trade_id)).toEqual(['t-1', 't-2']);
    expect(page.cursor).toBe('c2');
    const all: string[] = [];
    for await (const f of list) all.push(f.trade_id!);
    expect(all).toEqual(['t-1', 't-2', 't-3']);
    expect(first.isDone() && second.isDone()).toBe(true);
  });

  it('getPositions: awaited, the page (market and event positions); iterated, every market position across pages', async () => {
    const c = signed();
    nock(BASE).get(`${ROOT}/portfolio/positions`).query({ limit: '1' }).reply(200, { market_positions: [position('KXA-1')], event_positions: [], cursor: 'p2' });
    nock(BASE).get(`${ROOT}/portfolio/positions`).query({ limit: '1', cursor: 'p2' }).reply(200, { market_positions: [position('KXB-1')], event_positions: [], cursor: '' });
    const tickers: string[] = [];
    for await (const p of c.getPositions({ limit: 1 })) tickers.push(p.ticker);
    expect(tickers).toEqual(['KXA-1', 'KXB-1']);
    nock(BASE).get(`${ROOT}/portfolio/positions`).reply(200, { market_positions: [position('KXA-1')], event_positions: [], cursor: '' });
    expect(await c.getPositions()).toEqual({ market_positions: [position('KXA-1')], event_positions: [], cursor: '' });
  });

  it('a book is the wire\'s orderbook_fp, as sent, with its ticker and the best YES bid and ask added as Money', async () => {
    const c = signed();
    const orderbook_fp = { yes_dollars: [['0.4000', '5.00'], ['0.4200', '3.00']], no_dollars: [['0.5500', '1.00']] };
    nock(BASE).get(`${ROOT}/markets/KXT-1/orderbook`).reply(200, { orderbook_fp, extra: 1 });
    expect(await c.getOrderbook('KXT-1')).toEqual({ ticker: 'KXT-1', orderbook_fp, bestYesBid: { currency: 'USD', amount: '0.42' }, bestYesAsk: { currency: 'USD', amount: '0.45' } });
    nock(BASE).get(`${ROOT}/markets/KXT-1/orderbook`).reply(200, { orderbook_fp: { yes_dollars: [], no_dollars: null } });
    expect(await c.getOrderbook('KXT-1')).toEqual({ ticker: 'KXT-1', orderbook_fp: { yes_dollars: [], no_dollars: null }, bestYesBid: undefined, bestYesAsk: undefined });
  });

  it('syncLimits answers the buckets and costs under the wire\'s names, and sizes the limiters by them', async () => {
    const c = signed();
    nock(BASE).get(`${ROOT}/account/limits`).reply(200, { usage_tier: 'advanced', read: { refill_rate: 300, bucket_capacity: 600 }, write: { refill_rate: 150, bucket_capacity: 300 } });
    nock(BASE).get(`${ROOT}/account/endpoint_costs`).reply(200, { default_cost: 10, endpoint_costs: [{ method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/{order_id}', cost: 2 }] });
    expect(await c.syncLimits()).toEqual({
      usage_tier: 'advanced',
      read: { refill_rate: 300, bucket_capacity: 600 },
      write: { refill_rate: 150, bucket_capacity: 300 },
      default_cost: 10,
      endpoint_costs: [{ method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/{order_id}', cost: 2 }],
    });
  });

  it('settlements keep their integer cents and dollar strings as sent; a cost that is no dollar string is the server\'s bad answer, named', async () => {
    const c = signed();
    const settlement = {
      ticker: 'KXT-1', exchange_index: 0, event_ticker: 'KXT', market_result: 'yes', yes_count_fp: '2.00', yes_total_cost_dollars: '0.3200', no_count_fp: '0.00',
      no_total_cost_dollars: '0.0000', revenue: 200, settled_time: '2026-11-01T00:00:00Z', fee_cost: '0.0100',
    };
    nock(BASE).get(`${ROOT}/portfolio/settlements`).reply(200, { settlements: [settlement], cursor: '' });
    expect(await c.listSettlements()).toEqual({ settlements: [settlement], cursor: '' });
    nock(BASE).get(`${ROOT}/portfolio/settlements`).reply(200, { settlements: [{ ...settlement, fee_cost: 0.01 as unknown as string, yes_total_cost_dollars: 'lots' }], cursor: '' });
    const error = await c.listSettlements().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'ResponseShapeError' });
    expect(String((error as Error).message)).toMatch(/settlements\.0\.(fee_cost|yes_total_cost_dollars)/);
  });
});
