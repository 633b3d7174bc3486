/**
 * Calls built on the generated operation table (generated/operations.ts): each names its
 * operationId, so its method, path template and whether it is signed come from the spec, and
 * its answer is checked against the spec's schema. Inputs are read in the units a person
 * means (a `Date` or Unix seconds, tickers as strings) and checked before anything is sent.
 */
import { z } from 'zod';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import { withDollarFields } from './answer-dollars.js';
import * as g from './generated/operations.js';
import type { KalshiOperationId } from './generated/operations.js';
import { countInput, tickerSchema, unixSecondsInput } from './schemas.js';

const PROVIDER = 'kalshi';

/** How a spec call is sent: by operationId, with its path parameters and query. */
export type KalshiOperationSender = <T>(
  id: KalshiOperationId,
  schema: z.ZodType<T>,
  o?: {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    /** `write` for order, order-group and quote writes (reference/kalshi.md §4.1); `read` otherwise. */
    limitClass?: 'read' | 'write';
    /** Overrides the generated table's repeat safety. */
    safety?: 'read' | 'idempotent' | 'unsafe';
    /** For an unsafe write: how the caller can check whether it happened. */
    outcomeHint?: string;
    /** The id the server dedupes this write by (e.g. `client_transfer_id`): a lost answer is then an OutcomeUnknownError carrying it. */
    idempotencyKey?: string;
    /** Tokens this call costs when the server's endpoint-cost table (syncLimits) does not say. */
    cost?: number;
    call?: CallOptions | undefined;
  },
) => Promise<T>;

/** One candle of a market: YES bid/ask and trade-price OHLC over the period ending at `end_period_ts` (Unix seconds). */
export type KalshiCandlestick = g.MarketCandlestick;
/** The candles of one market of a batch (spec `MarketCandlesticksResponse`): `market_ticker`, `candlesticks`. */
export type KalshiMarketCandlesticks = g.MarketCandlesticksResponse;
/**
 * The candles of every market of an event (spec `GetEventCandlesticksResponse`), as sent:
 * `market_candlesticks[i]` are the candles of `market_tickers[i]`; `adjusted_end_ts` (Unix
 * seconds) is where the server cut the range.
 */
export type KalshiEventCandlesticks = g.GetEventCandlesticksResponse;
/** A deposit to or a withdrawal from the account (spec `Deposit`, `Withdrawal`), as sent. */
export interface KalshiTransfer extends g.Deposit {
  /** The amount moved, integer cents (exact; `amount_cents / 100` dollars). */
  readonly amount_cents: number;
  /** The fee charged on it, integer cents. */
  readonly fee_cents: number;
  /** When it was made, Unix seconds. */
  readonly created_ts: number;
}

/** The time range and period of a candlestick request: `Date`s or Unix seconds. */
export interface KalshiCandleRange {
  /** Start of the range: a `Date` or Unix seconds. */
  readonly start: Date | number;
  /** End of the range: a `Date` or Unix seconds. */
  readonly end: Date | number;
  /** Minutes per candle: 1, 60 or 1440. */
  readonly periodMinutes: 1 | 60 | 1440;
}

/** An order group: a cap on the contracts its orders may fill before all of them are cancelled. */
export type KalshiOrderGroup = g.OrderGroup;
/** One order group with the ids of its orders. */
export type KalshiOrderGroupDetail = g.GetOrderGroupResponse;

/** The exchange's weekly trading hours and maintenance windows. */
export type KalshiExchangeSchedule = g.Schedule;
/** A scheduled change of a series' fee. */
export type KalshiSeriesFeeChange = g.SeriesFeeChange;
/** A scheduled change of one event's fee (overriding its series'). */
export type KalshiEventFeeChange = g.EventFeeChange;
/** One market's settlement in your account (spec `Settlement`): what you held, what it paid, fees. */
export interface KalshiSettlement extends g.Settlement {
  /** What the settlement paid you, integer cents (exact; `revenue / 100` dollars). */
  readonly revenue: number;
  /** Fees of the settlement, a fixed-point dollar string. */
  readonly fee_cost: string;
  /** What your YES contracts cost in total, a fixed-point dollar string. */
  readonly yes_total_cost_dollars: string;
  /** What your NO contracts cost in total, a fixed-point dollar string. */
  readonly no_total_cost_dollars: string;
}
/** Your trailing-30-day volume and the volume each earned usage level needs. */
export type KalshiVolumeProgress = g.AccountApiUsageLevelVolumeProgress;
/** A series: the template its events repeat (frequency, category, settlement sources). */
export type KalshiSeries = g.Series;
/** An event's images and the metadata of its markets. */
export type KalshiEventMetadata = g.GetEventMetadataResponse;
/** Where one resting order of yours stands in its price level's queue. */
export type KalshiQueuePosition = g.OrderQueuePosition;
/** A non-default token cost of one endpoint, as the server lists it. */
export type KalshiEndpointCost = g.EndpointTokenCost;
/** The times before which data lives under `/historical` only. */
export type KalshiHistoricalCutoff = g.GetHistoricalCutoffResponse;

/** The value of your resting orders (spec `GetPortfolioRestingOrderTotalValueResponse`), as sent. */
export interface KalshiRestingOrderValue {
  /** The value of all of them, integer cents (exact). */
  readonly total_resting_order_value: number;
  /** The same per exchange shard: `exchange_index`, and `balance` as a fixed-point dollar string. */
  readonly resting_order_value_breakdown: readonly g.IndexedBalance[];
}

/** Token costs as `GET /account/endpoint_costs` gives them (spec `GetAccountEndpointCostsResponse`). */
export interface KalshiEndpointCosts {
  /** Tokens a request costs when `endpoint_costs` does not list its endpoint. */
  readonly default_cost: number;
  /** The endpoints that cost something else. */
  readonly endpoint_costs: readonly KalshiEndpointCost[];
}

/** A page of scheduled event fee changes (spec `GetEventFeeChangesResponse`); an empty `cursor` ends the list. */
export type KalshiEventFeeChangesPage = g.GetEventFeeChangesResponse;
/** The order group `orderGroups.create` made (spec `CreateOrderGroupResponse`): `order_group_id`, `subaccount`. */
export type KalshiCreatedOrderGroup = g.CreateOrderGroupResponse;
/** A page of settlements (spec `GetSettlementsResponse`). */
export interface KalshiSettlementsPage {
  /** The settlements of this page. */
  readonly settlements: KalshiSettlement[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** A page of deposits (spec `GetDepositsResponse`). */
export interface KalshiDepositsPage {
  /** The deposits of this page, newest first. */
  readonly deposits: KalshiTransfer[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** A page of withdrawals (spec `GetWithdrawalsResponse`). */
export interface KalshiWithdrawalsPage {
  /** The withdrawals of this page, newest first. */
  readonly withdrawals: KalshiTransfer[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}

/** Filters and paging of `listSettlements`. */
export interface KalshiSettlementsQuery {
  /** Page size, 1–1000 (the server's default when omitted). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Only the settlement of this market. */
  readonly ticker?: string;
  /** Only the settlements of the markets of this event. */
  readonly eventTicker?: string;
  /** Settled at or after this time: a `Date` or Unix seconds. */
  readonly minTs?: Date | number;
  /** Settled at or before this time: a `Date` or Unix seconds. */
  readonly maxTs?: Date | number;
  /** Only this subaccount, 0–63. */
  readonly subaccount?: number;
}

/** The calls of this module (see the file comment). */
export interface KalshiSpecCalls {
  /** The exchange's standard hours and maintenance windows (public). */
  getExchangeSchedule(options?: CallOptions): Promise<KalshiExchangeSchedule>;
  /** When your portfolio data (balance, orders, fills, positions) was last brought up to date. */
  getUserDataTimestamp(options?: CallOptions): Promise<Date>;
  /** Scheduled fee changes of series (public); `showHistorical` includes past ones. */
  getSeriesFeeChanges(query?: { seriesTicker?: string; showHistorical?: boolean }, options?: CallOptions): Promise<KalshiSeriesFeeChange[]>;
  /** One page of scheduled event fee changes (public). */
  listEventFeeChanges(query?: { eventTicker?: string; limit?: number; cursor?: string }, options?: CallOptions): PagePromise<KalshiEventFeeChangesPage, KalshiEventFeeChange>;
  /**
   * Every scheduled event fee change matching the filter, following `cursor`.
   * @deprecated Iterate the page call instead: `for await (const change of kalshi.listEventFeeChanges(query))`.
   */
  eventFeeChanges(query?: { eventTicker?: string; limit?: number }, options?: CallOptions): AsyncGenerator<KalshiEventFeeChange, void, undefined>;
  /** The tags used by series, by category (public): the values `listSeries({ category, tags })` accepts. */
  getTagsByCategory(options?: CallOptions): Promise<Record<string, string[]>>;
  /** One series (public). */
  getSeries(seriesTicker: string, query?: { includeVolume?: boolean }, options?: CallOptions): Promise<KalshiSeries>;
  /** Every series matching the filters (public; the list is not paged). */
  listSeries(query?: { category?: string; tags?: string[]; includeProductMetadata?: boolean; includeVolume?: boolean; minUpdatedTs?: Date | number }, options?: CallOptions): Promise<KalshiSeries[]>;
  /** An event's images and market metadata (public). */
  getEventMetadata(eventTicker: string, options?: CallOptions): Promise<KalshiEventMetadata>;
  /** Queue positions of your resting orders: all of them, or those of some markets or of an event (signed). */
  getQueuePositions(query?: { marketTickers?: string[]; eventTicker?: string; subaccount?: number }, options?: CallOptions): Promise<KalshiQueuePosition[]>;
  /** How many contracts rest ahead of one of your orders at its price (a decimal string; signed). */
  getQueuePosition(orderId: string, options?: CallOptions): Promise<string>;
  /** The value of your resting orders (signed). */
  getRestingOrderValue(options?: CallOptions): Promise<KalshiRestingOrderValue>;
  /** The token cost of every endpoint that does not cost the default (public). */
  getEndpointCosts(options?: CallOptions): Promise<KalshiEndpointCosts>;
  /** The cut-off times of the live API: older data is under `/historical` (public). */
  getHistoricalCutoff(options?: CallOptions): Promise<KalshiHistoricalCutoff>;
  /** Candles of one market (public). */
  getCandlesticks(query: KalshiCandleRange & { seriesTicker: string; ticker: string; includeLatestBeforeStart?: boolean }, options?: CallOptions): Promise<KalshiCandlestick[]>;
  /** Candles of up to 100 markets in one request (public): the wire's `markets` list, one item per market Kalshi knows. */
  getCandlesticksBatch(query: KalshiCandleRange & { tickers: string[]; includeLatestBeforeStart?: boolean }, options?: CallOptions): Promise<KalshiMarketCandlesticks[]>;
  /** Candles of every market of an event (public), as the wire pairs them (see `KalshiEventCandlesticks`). */
  getEventCandlesticks(query: KalshiCandleRange & { seriesTicker: string; eventTicker: string }, options?: CallOptions): Promise<KalshiEventCandlesticks>;
  /** Order groups: caps on the contracts a set of orders may fill. */
  readonly orderGroups: {
    /** Your order groups (signed). */
    list(query?: { subaccount?: number }, options?: CallOptions): Promise<KalshiOrderGroup[]>;
    /** One order group and its orders (signed). */
    get(orderGroupId: string, query?: { subaccount?: number }, options?: CallOptions): Promise<KalshiOrderGroupDetail>;
    /**
     * Create a group whose orders may fill at most `contractsLimit` contracts (a decimal
     * string, or a number) before all are cancelled. Not repeat-safe (Kalshi takes no
     * idempotency key here): never retried once it may have been sent; after an
     * OutcomeUnknownError, list the groups before creating again.
     */
    create(input: { contractsLimit: string | number; subaccount?: number }, options?: CallOptions): Promise<KalshiCreatedOrderGroup>;
    /** Delete a group and cancel its orders; deleting twice is harmless. */
    delete(orderGroupId: string, options?: CallOptions): Promise<void>;
    /**
     * Reset the group's filled-contracts counter so its orders may trade again. Never retried once it
     * may have been sent (a second reset after fills would allow another full limit); after an
     * OutcomeUnknownError, read the group before resetting again.
     */
    reset(orderGroupId: string, options?: CallOptions): Promise<void>;
    /** Trigger the group now: cancel its orders as if the limit were hit (repeat-safe). */
    trigger(orderGroupId: string, options?: CallOptions): Promise<void>;
    /** Set the group's limit to a value (repeat-safe: setting it twice sets the same value). */
    updateLimit(orderGroupId: string, input: { contractsLimit: string | number }, options?: CallOptions): Promise<void>;
  };
  /** One page of your settlements (signed); `minTs`/`maxTs` a `Date` or Unix seconds. */
  listSettlements(query?: KalshiSettlementsQuery, options?: CallOptions): PagePromise<KalshiSettlementsPage, KalshiSettlement>;
  /**
   * Every settlement of yours matching the query, following `cursor`.
   * @deprecated Iterate the page call instead: `for await (const settlement of kalshi.listSettlements(query))`.
   */
  settlements(query?: Omit<KalshiSettlementsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiSettlement, void, undefined>;
  /** Your trailing volume against the volume goals of the earned API usage levels (signed). */
  getVolumeProgress(options?: CallOptions): Promise<KalshiVolumeProgress[]>;
  /**
   * Move this account to the Advanced API usage level (self-serve; signed). Not retried once
   * it may have been sent; after an OutcomeUnknownError, `syncLimits()` shows the level.
   */
  upgradeUsageLevel(options?: CallOptions): Promise<void>;
  /** One page of your deposits (signed). */
  listDeposits(query?: { limit?: number; cursor?: string }, options?: CallOptions): PagePromise<KalshiDepositsPage, KalshiTransfer>;
  /**
   * Every deposit of yours, following `cursor`.
   * @deprecated Iterate the page call instead: `for await (const transfer of kalshi.listDeposits(query))`.
   */
  deposits(query?: { limit?: number }, options?: CallOptions): AsyncGenerator<KalshiTransfer, void, undefined>;
  /** One page of your withdrawals (signed). */
  listWithdrawals(query?: { limit?: number; cursor?: string }, options?: CallOptions): PagePromise<KalshiWithdrawalsPage, KalshiTransfer>;
  /**
   * Every withdrawal of yours, following `cursor`.
   * @deprecated Iterate the page call instead: `for await (const transfer of kalshi.listWithdrawals(query))`.
   */
  withdrawals(query?: { limit?: number }, options?: CallOptions): AsyncGenerator<KalshiTransfer, void, undefined>;
}

const orderId = lazySchema(() => z.string().min(1).max(200));
const seriesFeeQuery = lazySchema(() => z.object({ seriesTicker: tickerSchema.optional(), showHistorical: z.boolean().optional() }).strict());
const eventFeeQuery = lazySchema(() => z.object({ eventTicker: tickerSchema.optional(), limit: z.number().int().min(1).max(1000).optional(), cursor: z.string().min(1).max(2000).optional() }).strict());
const seriesQuery = lazySchema(() => z.object({ includeVolume: z.boolean().optional() }).strict());
const seriesListQuery = lazySchema(() => z
  .object({
    category: z.string().min(1).max(200).optional(),
    tags: z.array(z.string().min(1).max(200).refine((t) => !t.includes(','), 'a tag cannot contain a comma (tags are sent comma-separated)')).max(100).optional(),
    includeProductMetadata: z.boolean().optional(),
    includeVolume: z.boolean().optional(),
    minUpdatedTs: unixSecondsInput.optional(),
  })
  .strict());
const queuePositionsQuery = lazySchema(() => z
  .object({ marketTickers: z.array(tickerSchema).min(1).max(100).optional(), eventTicker: tickerSchema.optional(), subaccount: z.number().int().min(0).max(63).optional() })
  .strict());

const period = lazySchema(() => z.union([z.literal(1), z.literal(60), z.literal(1440)], { message: 'periodMinutes must be 1, 60 or 1440' }));
// A function, not a shape object: spread into three schemas, each built on first use.
const rangeShape = () => ({ start: unixSecondsInput, end: unixSecondsInput, periodMinutes: period });
const startBeforeEnd = { message: 'start must not be after end', path: ['start'] };
const candleQuery = lazySchema(() => z.object({ ...rangeShape(), seriesTicker: tickerSchema, ticker: tickerSchema, includeLatestBeforeStart: z.boolean().optional() }).strict().refine((q) => q.start <= q.end, startBeforeEnd));
const candleBatchQuery = lazySchema(() => z.object({ ...rangeShape(), tickers: z.array(tickerSchema).min(1).max(100), includeLatestBeforeStart: z.boolean().optional() }).strict().refine((q) => q.start <= q.end, startBeforeEnd));
const eventCandleQuery = lazySchema(() => z.object({ ...rangeShape(), seriesTicker: tickerSchema, eventTicker: tickerSchema }).strict().refine((q) => q.start <= q.end, startBeforeEnd));
const transferPageQuery = lazySchema(() => z.object({ limit: z.number().int().min(1).max(500).optional(), cursor: z.string().min(1).max(2000).optional() }).strict());
const groupId = lazySchema(() => z.string().min(1).max(200));
const subaccountQuery = lazySchema(() => z.object({ subaccount: z.number().int().min(0).max(63).optional() }).strict());
const groupLimitInput = lazySchema(() => z.object({ contractsLimit: countInput.refine((c) => c !== '0' && !/^0(\.0+)?$/.test(c), 'contractsLimit must be above 0') }).strict());
const groupCreateInput = lazySchema(() => groupLimitInput.extend({ subaccount: z.number().int().min(0).max(63).optional() }).strict());
const settlementsQuery = lazySchema(() => z
  .object({
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    ticker: tickerSchema.optional(),
    eventTicker: tickerSchema.optional(),
    minTs: unixSecondsInput.optional(),
    maxTs: unixSecondsInput.optional(),
    subaccount: z.number().int().min(0).max(63).optional(),
  })
  .strict());

// Dollar strings the spec types as plain text, checked as part of the answer (answer-dollars.ts).
const restingValueAnswer = lazySchema(() => withDollarFields(g.GetPortfolioRestingOrderTotalValueResponseSchema, (a) => a.resting_order_value_breakdown.map((b, i) => [['resting_order_value_breakdown', i, 'balance'], b.balance] as const)));
const settlementsAnswer = lazySchema(() => withDollarFields(g.GetSettlementsResponseSchema, (a) => a.settlements.flatMap((x, i) => (['fee_cost', 'yes_total_cost_dollars', 'no_total_cost_dollars'] as const).map((f) => [['settlements', i, f], x[f]] as const))));

/** The calls, sending through `send` (the client's, which signs, limits, retries and checks). */
export function createKalshiSpecCalls(send: KalshiOperationSender): KalshiSpecCalls {
  const calls: KalshiSpecCalls = {
    async getExchangeSchedule(c) {
      return (await send('GetExchangeSchedule', g.GetExchangeScheduleResponseSchema, { call: c })).schedule;
    },
    async getUserDataTimestamp(c) {
      const res = await send('GetUserDataTimestamp', g.GetUserDataTimestampResponseSchema.extend({ as_of_time: z.iso.datetime({ offset: true }) }), { call: c });
      return new Date(res.as_of_time);
    },
    async getSeriesFeeChanges(query = {}, c) {
      const q = parseInput(PROVIDER, 'getSeriesFeeChanges', seriesFeeQuery, query);
      const res = await send('GetSeriesFeeChanges', g.GetSeriesFeeChangesResponseSchema, { query: { series_ticker: q.seriesTicker, show_historical: q.showHistorical }, call: c });
      return res.series_fee_change_arr;
    },
    listEventFeeChanges: cursorList(PROVIDER, (p) => p.event_fee_changes, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listEventFeeChanges', eventFeeQuery, query);
      return send('GetEventFeeChanges', g.GetEventFeeChangesResponseSchema, { query: { event_ticker: q.eventTicker, limit: q.limit, cursor: q.cursor }, call: c });
    }),
    eventFeeChanges(query = {}, c) {
      parseInput(PROVIDER, 'eventFeeChanges', eventFeeQuery, query);
      return itemsWhenIterated(() => calls.listEventFeeChanges(query, c));
    },
    async getTagsByCategory(c) {
      return (await send('GetTagsForSeriesCategories', g.GetTagsForSeriesCategoriesResponseSchema, { call: c })).tags_by_categories;
    },
    async getSeries(seriesTicker, query = {}, c) {
      const t = parseInput(PROVIDER, 'getSeries', tickerSchema, seriesTicker);
      const q = parseInput(PROVIDER, 'getSeries', seriesQuery, query);
      return (await send('GetSeries', g.GetSeriesResponseSchema, { params: { series_ticker: t }, query: { include_volume: q.includeVolume }, call: c })).series;
    },
    async listSeries(query = {}, c) {
      const q = parseInput(PROVIDER, 'listSeries', seriesListQuery, query);
      const res = await send('GetSeriesList', g.GetSeriesListResponseSchema, {
        query: { category: q.category, tags: q.tags?.join(','), include_product_metadata: q.includeProductMetadata, include_volume: q.includeVolume, min_updated_ts: q.minUpdatedTs },
        call: c,
      });
      return res.series;
    },
    async getEventMetadata(eventTicker, c) {
      const t = parseInput(PROVIDER, 'getEventMetadata', tickerSchema, eventTicker);
      return send('GetEventMetadata', g.GetEventMetadataResponseSchema, { params: { event_ticker: t }, call: c });
    },
    async getQueuePositions(query = {}, c) {
      const q = parseInput(PROVIDER, 'getQueuePositions', queuePositionsQuery, query);
      const res = await send('GetOrderQueuePositions', g.GetOrderQueuePositionsResponseSchema, { query: { market_tickers: q.marketTickers?.join(','), event_ticker: q.eventTicker, subaccount: q.subaccount }, call: c });
      return res.queue_positions;
    },
    async getQueuePosition(id, c) {
      const o = parseInput(PROVIDER, 'getQueuePosition', orderId, id);
      return (await send('GetOrderQueuePosition', g.GetOrderQueuePositionResponseSchema, { params: { order_id: o }, call: c })).queue_position_fp;
    },
    async getRestingOrderValue(c) {
      return send('GetPortfolioRestingOrderTotalValue', restingValueAnswer, { call: c });
    },
    async getEndpointCosts(c) {
      return send('GetAccountEndpointCosts', g.GetAccountEndpointCostsResponseSchema, { call: c });
    },
    getHistoricalCutoff: (c) => send('GetHistoricalCutoff', g.GetHistoricalCutoffResponseSchema, { call: c }),
    async getCandlesticks(query, c) {
      const q = parseInput(PROVIDER, 'getCandlesticks', candleQuery, query);
      const res = await send('GetMarketCandlesticks', g.GetMarketCandlesticksResponseSchema, {
        params: { series_ticker: q.seriesTicker, ticker: q.ticker },
        query: { start_ts: q.start, end_ts: q.end, period_interval: q.periodMinutes, include_latest_before_start: q.includeLatestBeforeStart },
        call: c,
      });
      return res.candlesticks;
    },
    async getCandlesticksBatch(query, c) {
      const q = parseInput(PROVIDER, 'getCandlesticksBatch', candleBatchQuery, query);
      const res = await send('BatchGetMarketCandlesticks', g.BatchGetMarketCandlesticksResponseSchema, {
        query: { market_tickers: q.tickers.join(','), start_ts: q.start, end_ts: q.end, period_interval: q.periodMinutes, include_latest_before_start: q.includeLatestBeforeStart },
        call: c,
      });
      return res.markets;
    },
    async getEventCandlesticks(query, c) {
      const q = parseInput(PROVIDER, 'getEventCandlesticks', eventCandleQuery, query);
      return send('GetMarketCandlesticksByEvent', g.GetEventCandlesticksResponseSchema, {
        params: { series_ticker: q.seriesTicker, ticker: q.eventTicker },
        query: { start_ts: q.start, end_ts: q.end, period_interval: q.periodMinutes },
        call: c,
      });
    },
    orderGroups: {
      async list(query = {}, c) {
        const q = parseInput(PROVIDER, 'orderGroups.list', subaccountQuery, query);
        return (await send('GetOrderGroups', g.GetOrderGroupsResponseSchema, { query: { subaccount: q.subaccount }, call: c })).order_groups ?? [];
      },
      async get(id, query = {}, c) {
        const gid = parseInput(PROVIDER, 'orderGroups.get', groupId, id);
        const q = parseInput(PROVIDER, 'orderGroups.get', subaccountQuery, query);
        return send('GetOrderGroup', g.GetOrderGroupResponseSchema, { params: { order_group_id: gid }, query: { subaccount: q.subaccount }, call: c });
      },
      async create(input, c) {
        const q = parseInput(PROVIDER, 'orderGroups.create', groupCreateInput, input);
        return send('CreateOrderGroup', g.CreateOrderGroupResponseSchema, {
          body: { contracts_limit_fp: q.contractsLimit, subaccount: q.subaccount },
          limitClass: 'write',
          safety: 'unsafe',
          outcomeHint: 'List your order groups (orderGroups.list) to see whether it was created before creating another.',
          call: c,
        });
      },
      async delete(id, c) {
        const gid = parseInput(PROVIDER, 'orderGroups.delete', groupId, id);
        await send('DeleteOrderGroup', g.EmptyResponseSchema, { params: { order_group_id: gid }, limitClass: 'write', call: c });
      },
      async reset(id, c) {
        const gid = parseInput(PROVIDER, 'orderGroups.reset', groupId, id);
        // Not repeat-safe: a second reset after fills in between would allow another full limit.
        await send('ResetOrderGroup', g.EmptyResponseSchema, {
          params: { order_group_id: gid },
          body: {},
          limitClass: 'write',
          safety: 'unsafe',
          outcomeHint: 'Read the group (orderGroups.get) before resetting again: a second reset after fills would allow another full limit.',
          call: c,
        });
      },
      async trigger(id, c) {
        const gid = parseInput(PROVIDER, 'orderGroups.trigger', groupId, id);
        await send('TriggerOrderGroup', g.EmptyResponseSchema, { params: { order_group_id: gid }, body: {}, limitClass: 'write', call: c });
      },
      async updateLimit(id, input, c) {
        const gid = parseInput(PROVIDER, 'orderGroups.updateLimit', groupId, id);
        const q = parseInput(PROVIDER, 'orderGroups.updateLimit', groupLimitInput, input);
        await send('UpdateOrderGroupLimit', g.EmptyResponseSchema, { params: { order_group_id: gid }, body: { contracts_limit_fp: q.contractsLimit }, limitClass: 'write', call: c });
      },
    },
    listSettlements: cursorList(PROVIDER, (p) => p.settlements, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listSettlements', settlementsQuery, query);
      return send('GetSettlements', settlementsAnswer, {
        query: { limit: q.limit, cursor: q.cursor, ticker: q.ticker, event_ticker: q.eventTicker, min_ts: q.minTs, max_ts: q.maxTs, subaccount: q.subaccount },
        call: c,
      });
    }),
    settlements(query = {}, c) {
      parseInput(PROVIDER, 'settlements', settlementsQuery, query);
      return itemsWhenIterated(() => calls.listSettlements(query, c));
    },
    async getVolumeProgress(c) {
      return (await send('GetAccountApiUsageLevelVolumeProgress', g.GetAccountApiUsageLevelVolumeProgressResponseSchema, { call: c })).volume_progress;
    },
    async upgradeUsageLevel(c) {
      await send('UpgradeAccountApiUsageLevel', z.unknown(), { safety: 'unsafe', outcomeHint: 'syncLimits() reports the usage tier the account is on now.', call: c });
    },
    listDeposits: cursorList(PROVIDER, (p) => p.deposits, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listDeposits', transferPageQuery, query);
      return send('GetDeposits', g.GetDepositsResponseSchema, { query: { limit: q.limit, cursor: q.cursor }, call: c });
    }),
    deposits(query = {}, c) {
      parseInput(PROVIDER, 'deposits', transferPageQuery, query);
      return itemsWhenIterated(() => calls.listDeposits(query, c));
    },
    listWithdrawals: cursorList(PROVIDER, (p) => p.withdrawals, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'listWithdrawals', transferPageQuery, query);
      return send('GetWithdrawals', g.GetWithdrawalsResponseSchema, { query: { limit: q.limit, cursor: q.cursor }, call: c });
    }),
    withdrawals(query = {}, c) {
      parseInput(PROVIDER, 'withdrawals', transferPageQuery, query);
      return itemsWhenIterated(() => calls.listWithdrawals(query, c));
    },
  };
  return calls;
}

/**
 * A table of the server's per-endpoint costs, matched against concrete request paths: the
 * server lists templates (`/portfolio/events/orders/{order_id}`), the client sends ids.
 */
export class KalshiEndpointCostTable {
  #rules: { method: string; template: string; pattern: RegExp; cost: number }[] = [];
  #defaultCost: number | undefined;
  readonly #literal: Set<string>;

  /**
   * @param literalEndpoints `METHOD /path` of every endpoint without a path parameter (from the
   *   spec): such a path is only ever billed by its own entry, never by a template it happens to
   *   fit (`DELETE /portfolio/events/orders/batched` is not `…/{order_id}`).
   */
  constructor(literalEndpoints: Iterable<string> = []) {
    this.#literal = new Set(literalEndpoints);
  }

  /** Replace the table with what the server says. */
  set(costs: KalshiEndpointCosts): void {
    this.#defaultCost = costs.default_cost;
    this.#rules = costs.endpoint_costs.map((e) => ({ method: e.method.toUpperCase(), template: relativePath(e.path), pattern: templatePattern(e.path), cost: e.cost }));
  }

  /** The server's cost of one request, or `fallback` when the server has not said. */
  costOf(method: string, path: string, fallback: number): number {
    const m = method.toUpperCase();
    const literal = this.#literal.has(`${m} ${path}`);
    const rule = this.#rules.find((r) => r.method === m && (literal ? r.template === path : r.pattern.test(path)));
    if (rule) return rule.cost;
    // Known non-default costs stay until the server lists otherwise; the default follows the server.
    return this.#defaultCost !== undefined && fallback === DEFAULT_COST ? this.#defaultCost : fallback;
  }
}
const DEFAULT_COST = 10;

/** A listed path without the `/trade-api/v2` root and a trailing slash. */
function relativePath(path: string): string {
  return path.replace(/^\/trade-api\/v2(?=\/)/, '').replace(/\/+$/, '');
}

/** `/trade-api/v2/portfolio/orders/{order_id}` → a regex over the client's paths (`/portfolio/orders/<one segment>`). */
function templatePattern(path: string): RegExp {
  const body = relativePath(path)
    .split(/(\{[^}]*\})/)
    .map((part) => (/^\{[^}]*\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}/?$`);
}
