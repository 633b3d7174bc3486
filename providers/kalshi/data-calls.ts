/**
 * Kalshi's market-data calls beyond markets and books: live data of milestones (games,
 * weather indexes), milestones, structured targets, multivariate (combo) collections and
 * their events, incentive programs, event forecast history and the sport filters. All are
 * public reads except the forecast history (signed) and the creation of a combo market.
 * Inputs are checked before anything is sent, in the units a person means: a `Date` or Unix
 * seconds for the spec's seconds, a `Date` or Unix milliseconds for its milliseconds.
 */
import { z } from 'zod';
import { cursorList, itemsWhenIterated, type PagePromise } from '../../src/http/paginate.js';
import type { CallOptions } from '../../src/http/request-sender.js';
import { lazySchema, parseInput } from '../../src/validation.js';
import * as g from './generated/operations.js';
import { tickerSchema, unixSecondsInput } from './schemas.js';
import type { KalshiOperationSender } from './spec-calls.js';

const PROVIDER = 'kalshi';

/** The live state of one milestone (a game, a race, an index): `details` as the source sends it. */
export type KalshiLiveData = g.LiveData;
/** The live state of an event, with the chart ranges it offers. */
export type KalshiEventLiveData = g.EventLiveData;
/** Play by play of a game: periods, each with its events. */
export type KalshiGameStats = g.PlayByPlay;
/** A weather index of a city: points `t` (Unix ms) with the value `v` and its status. */
export type KalshiWeatherIndex = g.GetWeatherIndexResponse;
/** The calibration timeline of a city's weather index (times in Unix ms). */
export type KalshiWeatherCalibrations = g.GetWeatherIndexCalibrationsResponse;
/** A milestone: a real-world occurrence (a game, a meeting) that events refer to. */
export type KalshiMilestone = g.Milestone;
/** A structured target (a team, a player) with its details as the source sends them. */
export type KalshiStructuredTarget = Omit<g.StructuredTarget, 'details'> & {
  /** The target's details as the source sends them (an open object: its fields differ by source). */
  readonly details?: Record<string, unknown> | undefined;
};
/** A multivariate (combo) event: created from a collection's combinations. */
export type KalshiMultivariateEvent = g.EventData;
/** A multivariate event collection: which events' markets may be combined, and how. */
export type KalshiMultivariateCollection = g.MultivariateEventCollection;
/** A market of a combination (spec `CreateMarketInMultivariateEventCollectionResponse`, the answer to `multivariate.createMarket`). */
export interface KalshiMultivariateMarket {
  /** The combination's event. */
  readonly event_ticker: string;
  /** The combination's market: trade it by this ticker. */
  readonly market_ticker: string;
  /** The market itself, when `withMarketPayload` was asked. */
  readonly market?: g.Market | undefined;
}
/** An incentive program (spec `IncentiveProgram`), as sent. */
export interface KalshiIncentiveProgram extends g.IncentiveProgram {
  /** The reward of one period, integer **centi-cents** (1/10 000 dollar; exact: `period_reward / 10_000` dollars). */
  readonly period_reward: number;
  /** The most one account can earn, integer centi-cents; absent or null when there is no cap. */
  readonly max_reward_per_account?: number | null | undefined;
  /** The size an order needs to qualify, a fixed-point contract count, when the program sets one. */
  readonly target_size_fp?: string | null | undefined;
}
/** A page of milestones (spec `GetMilestonesResponse`). */
export type KalshiMilestonesPage = g.GetMilestonesResponse;
/** A page of structured targets (spec `GetStructuredTargetsResponse`). */
export interface KalshiStructuredTargetsPage {
  /** The targets of this page (empty when the server sends none). */
  readonly structured_targets: KalshiStructuredTarget[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly cursor?: string | undefined;
}
/** A page of multivariate events (spec `GetMultivariateEventsResponse`); an empty `cursor` ends the list. */
export type KalshiMultivariateEventsPage = g.GetMultivariateEventsResponse;
/** A page of multivariate event collections (spec `GetMultivariateEventCollectionsResponse`). */
export type KalshiCollectionsPage = g.GetMultivariateEventCollectionsResponse;
/** A page of incentive programs (spec `GetIncentiveProgramsResponse`): note the wire's `next_cursor`. */
export interface KalshiIncentiveProgramsPage {
  /** The programs of this page. */
  readonly incentive_programs: KalshiIncentiveProgram[];
  /** The next page's cursor; absent or empty on the last page. */
  readonly next_cursor?: string | undefined;
}
/** One period of an event's forecast, at the percentiles asked. */
export type KalshiForecastPoint = g.ForecastPercentilesPoint;
/** The search filters by sport, and the order to show the sports in. */
export type KalshiSportFilters = g.GetFiltersBySportsResponse;

/** Filters and paging of `milestones.list`. */
export interface KalshiMilestonesQuery {
  /** Page size, 1–500 (default 100; the server requires one). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Milestones starting at or after this time (a `Date`, or an RFC 3339 string). */
  readonly minimumStartDate?: Date | string;
  /** Only milestones of this category. */
  readonly category?: string;
  /** Only milestones of this competition. */
  readonly competition?: string;
  /** Only milestones of this source id. */
  readonly sourceId?: string;
  /** Only milestones of this type. */
  readonly type?: string;
  /** Only milestones that this event refers to. */
  readonly relatedEventTicker?: string;
  /** Milestones updated after this time: a `Date` or Unix seconds. */
  readonly minUpdatedTs?: Date | number;
}
/** Filters and paging of `structuredTargets.list`. */
export interface KalshiStructuredTargetsQuery {
  /** Only these ids (up to 2000). */
  readonly ids?: readonly string[];
  /** Only targets of this type. */
  readonly type?: string;
  /** Matches the target's league, conference, division, tour or any of its leagues. */
  readonly competition?: string;
  /** Page size, 1–2000 (server default 100). */
  readonly pageSize?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
}
/** Filters and paging of `multivariate.listEvents`. */
export interface KalshiMultivariateEventsQuery {
  /** 1–200 (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
  /** Not together with `collectionTicker`. */
  readonly seriesTicker?: string;
  /** Only the events of this collection; not together with `seriesTicker`. */
  readonly collectionTicker?: string;
  /** Each event with its markets (`markets`). */
  readonly withNestedMarkets?: boolean;
}
/** Filters and paging of `multivariate.listCollections`. */
export interface KalshiCollectionsQuery {
  /** Only collections in this state. */
  readonly status?: 'unopened' | 'open' | 'closed';
  /** Only collections that combine this event. */
  readonly associatedEventTicker?: string;
  /** Only collections of this series. */
  readonly seriesTicker?: string;
  /** 1–200. */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
}
/** Filters and paging of `incentivePrograms.list`. */
export interface KalshiIncentiveProgramsQuery {
  /** Only programs in this state (`all` by default on the server). */
  readonly status?: 'all' | 'active' | 'upcoming' | 'closed' | 'paid_out';
  /** Only programs of this kind. */
  readonly type?: 'all' | 'liquidity' | 'volume' | 'margin_maker_volume' | 'margin_taker_volume';
  /** Exact description. */
  readonly incentiveDescription?: string;
  /** 1–10000 (server default 100). */
  readonly limit?: number;
  /** Where to continue: the `cursor` of the page before (list calls set it themselves when iterated). */
  readonly cursor?: string;
}
/**
 * The window of `liveData.weather`: `from` and `to` (a `Date` or Unix **milliseconds**, as the
 * spec has them), or `lastSeconds`. `from` needs `to`; `lastSeconds` goes alone.
 */
export interface KalshiWeatherQuery {
  /** Start of the window: a `Date` or Unix milliseconds; needs `to`. */
  readonly from?: Date | number;
  /** End of the window: a `Date` or Unix milliseconds. */
  readonly to?: Date | number;
  /** A trailing window of this many seconds ending now. */
  readonly lastSeconds?: number;
  /** Each point with its stations' readings. */
  readonly detailed?: boolean;
}
/** The combination of `multivariate.createMarket`: one leg per market. */
export interface KalshiCombinationInput {
  /** The legs: per leg its market, that market's event, and the side (`yes`, `no`); 1–100 legs. */
  readonly selectedMarkets: readonly {
    /** The leg's market. */
    readonly marketTicker: string;
    /** That market's event. */
    readonly eventTicker: string;
    /** The leg's side. */
    readonly side: 'yes' | 'no';
  }[];
  /** Include the market itself in the answer. */
  readonly withMarketPayload?: boolean;
}
/** The request of `getEventForecastHistory`. */
export interface KalshiForecastHistoryQuery {
  /** The event's series. */
  readonly seriesTicker: string;
  /** The event. */
  readonly eventTicker: string;
  /** Percentiles 0–9999 (hundredths of a percent: 5000 is the median), 1 to 10 of them. */
  readonly percentiles: readonly number[];
  /** `Date`s or Unix seconds. */
  readonly start: Date | number;
  /** End of the range: a `Date` or Unix seconds. */
  readonly end: Date | number;
  /** Minutes per period: 1, 60 or 1440, or 0 for 5-second periods. */
  readonly periodMinutes: 0 | 1 | 60 | 1440;
}

/** The calls of this module (see the file comment). */
export interface KalshiDataCalls {
  /** Live data of milestones (games, races, indexes) and weather indexes (public). */
  readonly liveData: {
    /** Live data of one type (e.g. `basketball_game`) of a milestone (public, read). */
    get(type: string, milestoneId: string, query?: { includePlayerStats?: boolean }, options?: CallOptions): Promise<KalshiLiveData>;
    /** Live data of a milestone, whatever its type (public, read). */
    byMilestone(milestoneId: string, query?: { includePlayerStats?: boolean }, options?: CallOptions): Promise<KalshiLiveData>;
    /** Live data of up to 100 milestones in one request (public, read); unknown ids are left out. */
    batch(milestoneIds: readonly string[], query?: { includePlayerStats?: boolean }, options?: CallOptions): Promise<KalshiLiveData[]>;
    /** Play by play of a milestone's game (public, read). */
    gameStats(milestoneId: string, options?: CallOptions): Promise<KalshiGameStats>;
    /** Live data of an event; `range` (e.g. `1h`) narrows its timeseries where supported (public, read). */
    forEvent(eventTicker: string, query?: { range?: string }, options?: CallOptions): Promise<KalshiEventLiveData>;
    /** A city's weather index over a window (default: the last 24 hours; public, read). */
    weather(city: string, query?: KalshiWeatherQuery, options?: CallOptions): Promise<KalshiWeatherIndex>;
    /** The calibration timeline of a city's weather index (public, read). */
    weatherCalibrations(city: string, options?: CallOptions): Promise<KalshiWeatherCalibrations>;
  };
  /** Milestones: the real-world occurrences events refer to (public). */
  readonly milestones: {
    /** One milestone (public, read). */
    get(milestoneId: string, options?: CallOptions): Promise<KalshiMilestone>;
    /** One page of milestones (public, read). */
    list(query?: KalshiMilestonesQuery, options?: CallOptions): PagePromise<KalshiMilestonesPage, KalshiMilestone>;
    /**
     * Every milestone matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const milestone of kalshi.milestones.list(query))`.
     */
    all(query?: Omit<KalshiMilestonesQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiMilestone, void, undefined>;
  };
  /** Structured targets: teams, players and the like (public). */
  readonly structuredTargets: {
    /** One structured target (public, read). */
    get(structuredTargetId: string, options?: CallOptions): Promise<KalshiStructuredTarget>;
    /** One page of structured targets (public, read). */
    list(query?: KalshiStructuredTargetsQuery, options?: CallOptions): PagePromise<KalshiStructuredTargetsPage, KalshiStructuredTarget>;
    /**
     * Every structured target matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const target of kalshi.structuredTargets.list(query))`.
     */
    all(query?: Omit<KalshiStructuredTargetsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiStructuredTarget, void, undefined>;
  };
  /** Multivariate (combo) collections, their events and markets. */
  readonly multivariate: {
    /** One page of multivariate (combo) events (public, read). */
    listEvents(query?: KalshiMultivariateEventsQuery, options?: CallOptions): PagePromise<KalshiMultivariateEventsPage, KalshiMultivariateEvent>;
    /**
     * Every multivariate event matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const event of kalshi.multivariate.listEvents(query))`.
     */
    events(query?: Omit<KalshiMultivariateEventsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiMultivariateEvent, void, undefined>;
    /** One page of multivariate event collections (public, read). */
    listCollections(query?: KalshiCollectionsQuery, options?: CallOptions): PagePromise<KalshiCollectionsPage, KalshiMultivariateCollection>;
    /**
     * Every collection matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const collection of kalshi.multivariate.listCollections(query))`.
     */
    collections(query?: Omit<KalshiCollectionsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiMultivariateCollection, void, undefined>;
    /** One collection (public, read). */
    getCollection(collectionTicker: string, options?: CallOptions): Promise<KalshiMultivariateCollection>;
    /**
     * Create — or look up, when it exists — the market of one combination of a collection
     * (signed; Kalshi requires it once before the combination can be traded or looked up).
     * Repeat-safe: the market is determined by the combination, so a repeat answers the same
     * market and creates nothing new; the client may retry it. Each creation counts against
     * Kalshi's weekly cap (5000 per user).
     */
    createMarket(collectionTicker: string, input: KalshiCombinationInput, options?: CallOptions): Promise<KalshiMultivariateMarket>;
  };
  /** Incentive programs of markets (public). */
  readonly incentivePrograms: {
    /** One page of incentive programs (public, read). */
    list(query?: KalshiIncentiveProgramsQuery, options?: CallOptions): PagePromise<KalshiIncentiveProgramsPage, KalshiIncentiveProgram>;
    /**
     * Every incentive program matching the query, following `cursor`.
     * @deprecated Iterate the page call instead: `for await (const program of kalshi.incentivePrograms.list(query))`.
     */
    all(query?: Omit<KalshiIncentiveProgramsQuery, 'cursor'>, options?: CallOptions): AsyncGenerator<KalshiIncentiveProgram, void, undefined>;
  };
  /** An event's forecast at some percentiles over time (signed, read). */
  getEventForecastHistory(query: KalshiForecastHistoryQuery, options?: CallOptions): Promise<KalshiForecastPoint[]>;
  /** The search filters (scopes, competitions) of each sport (public, read). */
  getSportFilters(options?: CallOptions): Promise<KalshiSportFilters>;
}

/** 1e11 ms is 1973: a smaller number of "milliseconds" can only be seconds. */
const MIN_UNIX_MS = 1e11;
const MS_OR_DATE = 'Unix time in milliseconds, or a Date';
/** A time the spec takes in Unix milliseconds: a `Date`, or a whole number of milliseconds. */
const unixMillisInput = lazySchema(() => z
  .custom<number | Date>((v) => typeof v === 'number' || v instanceof Date, { message: `must be ${MS_OR_DATE}` })
  .transform((v, ctx) => {
    const ms = v instanceof Date ? v.getTime() : v;
    if (v instanceof Date && !Number.isFinite(ms)) ctx.addIssue({ code: 'custom', message: `must be ${MS_OR_DATE} (this Date is invalid)` });
    else if (!Number.isSafeInteger(ms) || ms < 0) ctx.addIssue({ code: 'custom', message: `must be ${MS_OR_DATE}: a whole, non-negative number` });
    else if (ms < MIN_UNIX_MS) ctx.addIssue({ code: 'custom', message: `must be ${MS_OR_DATE}; this number is too small for milliseconds and looks like seconds (multiply by 1000, or pass a Date)` });
    else return ms;
    return z.NEVER;
  }));
/** An RFC 3339 time: a `Date` or a string with an offset, sent as ISO 8601 UTC. */
const dateTimeInput = lazySchema(() => z.union([z.date(), z.iso.datetime({ offset: true })], { error: 'must be a Date or an RFC 3339 date-time string' }).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be a valid date' });
    return z.NEVER;
  }
  return d.toISOString();
}));

const id = lazySchema(() => z.string().min(1).max(200));
const word = lazySchema(() => z.string().min(1).max(200));
const cursor = lazySchema(() => z.string().min(1).max(2000).optional());
const playerStatsQuery = lazySchema(() => z.object({ includePlayerStats: z.boolean().optional() }).strict());
const milestoneIds = lazySchema(() => z.array(id).min(1).max(100));
const eventRangeQuery = lazySchema(() => z.object({ range: z.string().min(1).max(20).regex(/^[0-9a-z]+$/i, 'a range such as 15min, 1h or 1d').optional() }).strict());
const city = lazySchema(() => z.string().min(1).max(100).regex(/^[a-z0-9_-]+$/i, 'a city id such as miami'));
const weatherQuery = lazySchema(() => z
  .object({ from: unixMillisInput.optional(), to: unixMillisInput.optional(), lastSeconds: z.number().int().min(1).max(366 * 86_400).optional(), detailed: z.boolean().optional() })
  .strict()
  .refine((q) => q.lastSeconds === undefined || (q.from === undefined && q.to === undefined), { message: 'lastSeconds cannot be combined with from/to', path: ['lastSeconds'] })
  .refine((q) => q.from === undefined || q.to !== undefined, { message: 'from needs to (or use lastSeconds)', path: ['to'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from must not be after to', path: ['from'] }));
const milestonesQuery = lazySchema(() => z
  .object({
    limit: z.number().int().min(1).max(500).optional(),
    cursor,
    minimumStartDate: dateTimeInput.optional(),
    category: word.optional(),
    competition: word.optional(),
    sourceId: word.optional(),
    type: word.optional(),
    relatedEventTicker: tickerSchema.optional(),
    minUpdatedTs: unixSecondsInput.optional(),
  })
  .strict());
const structuredTargetsQuery = lazySchema(() => z
  .object({ ids: z.array(id).min(1).max(2000).optional(), type: word.optional(), competition: word.optional(), pageSize: z.number().int().min(1).max(2000).optional(), cursor })
  .strict());
const multivariateEventsQuery = lazySchema(() => z
  .object({ limit: z.number().int().min(1).max(200).optional(), cursor, seriesTicker: tickerSchema.optional(), collectionTicker: tickerSchema.optional(), withNestedMarkets: z.boolean().optional() })
  .strict()
  .refine((q) => q.seriesTicker === undefined || q.collectionTicker === undefined, { message: 'seriesTicker and collectionTicker cannot be combined', path: ['collectionTicker'] }));
const collectionsQuery = lazySchema(() => z
  .object({ status: z.enum(['unopened', 'open', 'closed']).optional(), associatedEventTicker: tickerSchema.optional(), seriesTicker: tickerSchema.optional(), limit: z.number().int().min(1).max(200).optional(), cursor })
  .strict());
const combinationInput = lazySchema(() => z
  .object({
    selectedMarkets: z.array(z.object({ marketTicker: tickerSchema, eventTicker: tickerSchema, side: z.enum(['yes', 'no']) }).strict()).min(1).max(100),
    withMarketPayload: z.boolean().optional(),
  })
  .strict());
const incentiveQuery = lazySchema(() => z
  .object({
    status: z.enum(['all', 'active', 'upcoming', 'closed', 'paid_out']).optional(),
    type: z.enum(['all', 'liquidity', 'volume', 'margin_maker_volume', 'margin_taker_volume']).optional(),
    incentiveDescription: z.string().min(1).max(1000).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
    cursor,
  })
  .strict());
const forecastQuery = lazySchema(() => z
  .object({
    seriesTicker: tickerSchema,
    eventTicker: tickerSchema,
    percentiles: z.array(z.number().int().min(0).max(9999)).min(1).max(10),
    start: unixSecondsInput,
    end: unixSecondsInput,
    periodMinutes: z.union([z.literal(0), z.literal(1), z.literal(60), z.literal(1440)], { message: 'periodMinutes must be 0 (5 seconds), 1, 60 or 1440' }),
  })
  .strict()
  .refine((q) => q.start <= q.end, { message: 'start must not be after end', path: ['start'] }));

/** The generated schema reads `details` (an open object) as an empty object; keep what the server sent. */
const structuredTargetSchema = lazySchema(() => g.StructuredTargetSchema.extend({ details: z.record(z.string(), z.unknown()).optional() }));
const structuredTargetResponse = lazySchema(() => z.object({ structured_target: structuredTargetSchema.optional() }));
const structuredTargetsResponse = lazySchema(() => z.object({ structured_targets: z.array(structuredTargetSchema).optional(), cursor: z.string().optional() }));

/** The calls, sending through `send` (the client's, which signs, limits, retries and checks). */
export function createKalshiDataCalls(send: KalshiOperationSender): KalshiDataCalls {
  const liveData: KalshiDataCalls['liveData'] = {
    async get(type, milestoneId, query = {}, c) {
      const t = parseInput(PROVIDER, 'liveData.get', word, type);
      const m = parseInput(PROVIDER, 'liveData.get', id, milestoneId);
      const q = parseInput(PROVIDER, 'liveData.get', playerStatsQuery, query);
      return (await send('GetLiveData', g.GetLiveDataResponseSchema, { params: { type: t, milestone_id: m }, query: { include_player_stats: q.includePlayerStats }, call: c })).live_data;
    },
    async byMilestone(milestoneId, query = {}, c) {
      const m = parseInput(PROVIDER, 'liveData.byMilestone', id, milestoneId);
      const q = parseInput(PROVIDER, 'liveData.byMilestone', playerStatsQuery, query);
      return (await send('GetLiveDataByMilestone', g.GetLiveDataResponseSchema, { params: { milestone_id: m }, query: { include_player_stats: q.includePlayerStats }, call: c })).live_data;
    },
    async batch(ids, query = {}, c) {
      const m = parseInput(PROVIDER, 'liveData.batch', milestoneIds, ids);
      const q = parseInput(PROVIDER, 'liveData.batch', playerStatsQuery, query);
      // `milestone_ids` is a repeated key (style form, explode).
      return (await send('GetLiveDatas', g.GetLiveDatasResponseSchema, { query: { milestone_ids: m, include_player_stats: q.includePlayerStats }, call: c })).live_datas;
    },
    async gameStats(milestoneId, c) {
      const m = parseInput(PROVIDER, 'liveData.gameStats', id, milestoneId);
      return (await send('GetGameStats', g.GetGameStatsResponseSchema, { params: { milestone_id: m }, call: c })).pbp ?? {};
    },
    async forEvent(eventTicker, query = {}, c) {
      const t = parseInput(PROVIDER, 'liveData.forEvent', tickerSchema, eventTicker);
      const q = parseInput(PROVIDER, 'liveData.forEvent', eventRangeQuery, query);
      return (await send('GetEventLiveData', g.GetEventLiveDataResponseSchema, { params: { event_ticker: t }, query: { range: q.range }, call: c })).live_data;
    },
    async weather(cityId, query = {}, c) {
      const ct = parseInput(PROVIDER, 'liveData.weather', city, cityId);
      const q = parseInput(PROVIDER, 'liveData.weather', weatherQuery, query);
      return send('GetWeatherIndex', g.GetWeatherIndexResponseSchema, { params: { city: ct }, query: { from: q.from, to: q.to, last_sec: q.lastSeconds, detailed: q.detailed }, call: c });
    },
    async weatherCalibrations(cityId, c) {
      const ct = parseInput(PROVIDER, 'liveData.weatherCalibrations', city, cityId);
      return send('GetWeatherIndexCalibrations', g.GetWeatherIndexCalibrationsResponseSchema, { params: { city: ct }, call: c });
    },
  };

  const milestones: KalshiDataCalls['milestones'] = {
    async get(milestoneId, c) {
      const m = parseInput(PROVIDER, 'milestones.get', id, milestoneId);
      return (await send('GetMilestone', g.GetMilestoneResponseSchema, { params: { milestone_id: m }, call: c })).milestone;
    },
    list: cursorList(PROVIDER, (p) => p.milestones, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'milestones.list', milestonesQuery, query);
      return send('GetMilestones', g.GetMilestonesResponseSchema, {
        query: {
          // The spec requires `limit`: the client always sends one.
          limit: q.limit ?? 100, cursor: q.cursor, minimum_start_date: q.minimumStartDate, category: q.category, competition: q.competition,
          source_id: q.sourceId, type: q.type, related_event_ticker: q.relatedEventTicker, min_updated_ts: q.minUpdatedTs,
        },
        call: c,
      });
    }),
    all(query = {}, c) {
      parseInput(PROVIDER, 'milestones.all', milestonesQuery, query);
      return itemsWhenIterated(() => milestones.list(query, c));
    },
  };

  const structuredTargets: KalshiDataCalls['structuredTargets'] = {
    async get(targetId, c) {
      const t = parseInput(PROVIDER, 'structuredTargets.get', id, targetId);
      const res = await send('GetStructuredTarget', structuredTargetResponse, { params: { structured_target_id: t }, call: c });
      return res.structured_target ?? {};
    },
    list: cursorList(PROVIDER, (p) => p.structured_targets, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'structuredTargets.list', structuredTargetsQuery, query);
      const res = await send('GetStructuredTargets', structuredTargetsResponse, { query: { ids: q.ids, type: q.type, competition: q.competition, page_size: q.pageSize, cursor: q.cursor }, call: c });
      return { structured_targets: res.structured_targets ?? [], cursor: res.cursor };
    }),
    all(query = {}, c) {
      parseInput(PROVIDER, 'structuredTargets.all', structuredTargetsQuery, query);
      return itemsWhenIterated(() => structuredTargets.list(query, c));
    },
  };

  const multivariate: KalshiDataCalls['multivariate'] = {
    listEvents: cursorList(PROVIDER, (p) => p.events, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'multivariate.listEvents', multivariateEventsQuery, query);
      return send('GetMultivariateEvents', g.GetMultivariateEventsResponseSchema, {
        query: { limit: q.limit, cursor: q.cursor, series_ticker: q.seriesTicker, collection_ticker: q.collectionTicker, with_nested_markets: q.withNestedMarkets },
        call: c,
      });
    }),
    events(query = {}, c) {
      parseInput(PROVIDER, 'multivariate.events', multivariateEventsQuery, query);
      return itemsWhenIterated(() => multivariate.listEvents(query, c));
    },
    listCollections: cursorList(PROVIDER, (p) => p.multivariate_contracts, (p) => p.cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'multivariate.listCollections', collectionsQuery, query);
      return send('GetMultivariateEventCollections', g.GetMultivariateEventCollectionsResponseSchema, {
        query: { status: q.status, associated_event_ticker: q.associatedEventTicker, series_ticker: q.seriesTicker, limit: q.limit, cursor: q.cursor },
        call: c,
      });
    }),
    collections(query = {}, c) {
      parseInput(PROVIDER, 'multivariate.collections', collectionsQuery, query);
      return itemsWhenIterated(() => multivariate.listCollections(query, c));
    },
    async getCollection(collectionTicker, c) {
      const t = parseInput(PROVIDER, 'multivariate.getCollection', tickerSchema, collectionTicker);
      return (await send('GetMultivariateEventCollection', g.GetMultivariateEventCollectionResponseSchema, { params: { collection_ticker: t }, call: c })).multivariate_contract;
    },
    async createMarket(collectionTicker, input, c) {
      const t = parseInput(PROVIDER, 'multivariate.createMarket', tickerSchema, collectionTicker);
      const q = parseInput(PROVIDER, 'multivariate.createMarket', combinationInput, input);
      return send('CreateMarketInMultivariateEventCollection', g.CreateMarketInMultivariateEventCollectionResponseSchema, {
        params: { collection_ticker: t },
        body: { selected_markets: q.selectedMarkets.map((l) => ({ market_ticker: l.marketTicker, event_ticker: l.eventTicker, side: l.side })), with_market_payload: q.withMarketPayload },
        // One combination has one market: a repeat looks the same market up (the sandbox does the same).
        safety: 'idempotent',
        call: c,
      });
    },
  };

  const incentivePrograms: KalshiDataCalls['incentivePrograms'] = {
    list: cursorList(PROVIDER, (p) => p.incentive_programs, (p) => p.next_cursor, async (query = {}, c) => {
      const q = parseInput(PROVIDER, 'incentivePrograms.list', incentiveQuery, query);
      return send('GetIncentivePrograms', g.GetIncentiveProgramsResponseSchema, {
        query: { status: q.status, type: q.type, incentive_description: q.incentiveDescription, limit: q.limit, cursor: q.cursor },
        call: c,
      });
    }),
    all(query = {}, c) {
      parseInput(PROVIDER, 'incentivePrograms.all', incentiveQuery, query);
      return itemsWhenIterated(() => incentivePrograms.list(query, c));
    },
  };

  return {
    liveData,
    milestones,
    structuredTargets,
    multivariate,
    incentivePrograms,
    async getEventForecastHistory(query, c) {
      const q = parseInput(PROVIDER, 'getEventForecastHistory', forecastQuery, query);
      const res = await send('GetEventForecastPercentilesHistory', g.GetEventForecastPercentilesHistoryResponseSchema, {
        params: { series_ticker: q.seriesTicker, ticker: q.eventTicker },
        query: { percentiles: q.percentiles, start_ts: q.start, end_ts: q.end, period_interval: q.periodMinutes },
        call: c,
      });
      return res.forecast_history;
    },
    async getSportFilters(c) {
      return send('GetFiltersForSports', g.GetFiltersBySportsResponseSchema, { call: c });
    },
  };
}
