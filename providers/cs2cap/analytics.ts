/**
 * CS2Cap market analytics (reference/cs2cap.md §6.5) and the catalog's metadata and images
 * (§6.4). Analytics carry USD as major-unit decimal strings (`*_usd`); here each is one exact
 * Money under its wire name. Indicator values stay numbers: they are statistics, not amounts to add up.
 */
import { z } from 'zod';
import type { CallOptions } from '../../src/http/request-sender.js';
import { fromMinorUnits, money, type Money } from '../../src/money.js';
import { parseInput } from '../../src/validation.js';
import type { MarketItemAnalyticsProvider, MarketItemAnalyticsSummary, MarketMeta } from './generated/operations.js';
import { usdOf, type Cs2CapMarketWindow } from './results.js';
import type { createOperationSender } from './operation-kit.js';
import type * as i from './inputs.js';
import { inputIs } from './type-match.js';

export type { Cs2CapChartQuery, Cs2CapIndicatorsQuery } from './inputs.js';
import { MAX_INT_INPUT, MAX_NAME_CHARS, MAX_TIME_CHARS, PHASES, providerListSchema } from './schemas.js';

const PROVIDER = 'cs2cap';
const positiveInt = z.number().int().min(1).max(MAX_INT_INPUT);
const currency = z.string().regex(/^[A-Za-z]{3,5}$/, 'a currency code such as "USD"');
const item = { itemId: positiveInt.optional(), marketHashName: z.string().min(1).max(MAX_NAME_CHARS).optional(), phase: z.enum(PHASES).optional() };
const needsItem = (v: { itemId?: number | undefined; marketHashName?: string | undefined }): boolean => v.itemId !== undefined || v.marketHashName !== undefined;

/** Query of `getIndicators`. */
export const indicatorsQuerySchema = inputIs<i.Cs2CapIndicatorsQuery>()(
  z
  .object({ ...item, interval: z.enum(['1h', '1d']).optional(), currency: currency.optional() })
  .strict()
  .refine(needsItem, { message: 'give itemId or marketHashName', path: ['itemId'] }),
);
/** Query of `getPriceChart`: an item, marketplaces, a window by `start`/`end` or `lookbackDays`, a currency. */
export const chartQuerySchema = inputIs<i.Cs2CapChartQuery>()(
  z
  .object({
    itemId: item.itemId,
    marketHashName: item.marketHashName,
    providers: providerListSchema.optional(),
    start: z.iso.datetime({ offset: true }).max(MAX_TIME_CHARS).or(z.iso.date()).optional(),
    end: z.iso.datetime({ offset: true }).max(MAX_TIME_CHARS).or(z.iso.date()).optional(),
    lookbackDays: z.number().int().min(1).max(20_000).optional(),
    currency: currency.optional(),
    includeDefunct: z.boolean().optional(),
  })
  .strict()
  .refine(needsItem, { message: 'give itemId or marketHashName', path: ['itemId'] })
  // The server silently prefers lookback over start: refuse the mix instead.
  .refine((q) => q.lookbackDays === undefined || q.start === undefined, { message: 'give lookbackDays or start, not both', path: ['lookbackDays'] }),
);

/** The `meta` of an analytics answer. */
export interface Cs2CapMarketMeta {
  /** When the figures were made (ISO time). */
  generated_at: string;
  /** `cache`, `live` or `mixed`. */
  data_source: string;
  /** Age of the data, seconds. */
  freshness_sec: number;
  /** The timeframe, when the server says. */
  window?: Cs2CapMarketWindow | null | undefined;
}
/** An item's market summary (`MarketItemAnalyticsSummary`); USD amounts exact, rates and scores numbers. */
export interface Cs2CapMarketSummary {
  /** Marketplaces listing it. */
  provider_count: number;
  /** The best ask, exact USD. */
  best_ask_usd?: Money | undefined;
  /** The best bid, exact USD. */
  best_bid_usd?: Money | undefined;
  /** The average spread, a percentage (not money). */
  avg_spread_pct?: number | null | undefined;
  /** Units traded in 24 h. */
  total_volume_24h: number;
  /** The liquidity score, 0..100. */
  liquidity?: number | null | undefined;
  /** Units in existence. */
  supply?: number | null | undefined;
  /** Its rank by market capitalisation. */
  rank?: number | null | undefined;
  /** Its market capitalisation, exact USD. */
  marketcap?: Money | undefined;
  /** Price change over 24 h, a percentage (not money). */
  price_rate_24h?: number | null | undefined;
  /** Price change over 24 h, exact USD. */
  price_diff_24h?: Money | undefined;
  /** Price change over 7 days, a percentage (not money). */
  price_rate_7d?: number | null | undefined;
  /** Price change over 7 days, exact USD. */
  price_diff_7d?: Money | undefined;
  /** Price change over 30 days, a percentage (not money). */
  price_rate_30d?: number | null | undefined;
  /** Price change over 30 days, exact USD. */
  price_diff_30d?: Money | undefined;
  /** Sales in a day. */
  sales_1d: number;
  /** Sales in 7 days. */
  sales_7d: number;
  /** Sales in 30 days. */
  sales_30d: number;
  /** Steam sales in 7 days. */
  steam_sales_7d?: number | null | undefined;
  /** Steam sales in 30 days. */
  steam_sales_30d?: number | null | undefined;
  /** The liquidity score's listing part. */
  listing_score?: number | null | undefined;
  /** The liquidity score's bid/ask gap part. */
  gap_score?: number | null | undefined;
  /** The liquidity score's volume part. */
  volume_score?: number | null | undefined;
  /** The liquidity score's stability part, 0..8. */
  stability_score?: number | null | undefined;
  /** The liquidity score's external part, 0..25. */
  external_score?: number | null | undefined;
  /** When the liquidity score was computed (ISO time). */
  liquidity_last_updated?: string | null | undefined;
}
/** One item of the market snapshot. */
export interface Cs2CapMarketSnapshotItem {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** Its summary. */
  summary: Cs2CapMarketSummary;
}
/** The whole market's analytics (`GET /v1/market/items`), rank first. */
export interface Cs2CapMarketSnapshot {
  /** When and from what. */
  meta: Cs2CapMarketMeta;
  /** The items. */
  data: Cs2CapMarketSnapshotData;
}
/** The `data` of the market snapshot. */
export interface Cs2CapMarketSnapshotData {
  /** Every item with analytics, ordered by rank, then catalog id. */
  items: Cs2CapMarketSnapshotItem[];
}
/** One marketplace's figures for an item (`MarketItemAnalyticsProvider`); USD amounts exact. */
export interface Cs2CapMarketProviderFigures {
  /** The marketplace key. */
  provider: string;
  /** Its ask, exact USD. */
  ask_usd: Money;
  /** Its bid, exact USD. */
  bid_usd?: Money | undefined;
  /** Ask − bid, exact USD. */
  spread_usd?: Money | undefined;
  /** The spread, a percentage (not money). */
  spread_pct?: number | null | undefined;
  /** Listings. */
  ask_depth?: number | null | undefined;
  /** Buy orders. */
  bid_depth?: number | null | undefined;
  /** Units traded in 24 h. */
  volume_24h?: number | null | undefined;
  /** Units traded in 7 days. */
  volume_7d?: number | null | undefined;
  /** Value traded in 24 h, exact USD. */
  total_value_24h_usd?: Money | undefined;
  /** Price change over 24 h, a percentage (not money). */
  price_rate_24h?: number | null | undefined;
  /** Price change over 24 h, exact USD. */
  price_diff_24h?: Money | undefined;
  /** Price change over 7 days, a percentage (not money). */
  price_rate_7d?: number | null | undefined;
  /** Price change over 7 days, exact USD. */
  price_diff_7d?: Money | undefined;
  /** Price change over 30 days, a percentage (not money). */
  price_rate_30d?: number | null | undefined;
  /** Price change over 30 days, exact USD. */
  price_diff_30d?: Money | undefined;
  /** Whether the bid looks anomalous. */
  bid_anomaly?: boolean | null | undefined;
}
/** How many marketplaces an item's analytics cover. */
export interface Cs2CapMarketCoverage {
  /** Marketplaces listing it. */
  provider_count: number;
  /** Of those, with volume. */
  providers_with_volume: number;
  /** Of those, with bids. */
  providers_with_bid_side: number;
}
/** The `data` of one item's analytics. */
export interface Cs2CapItemAnalyticsData {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** Its summary. */
  summary: Cs2CapMarketSummary;
  /** Per marketplace. */
  providers: Cs2CapMarketProviderFigures[];
  /** Coverage counts. */
  coverage: Cs2CapMarketCoverage;
}
/** One item's analytics with its per-marketplace breakdown. */
export interface Cs2CapItemAnalytics {
  /** When and from what. */
  meta: Cs2CapMarketMeta;
  /** The figures. */
  data: Cs2CapItemAnalyticsData;
}
/** One group of the market-cap index. */
export interface Cs2CapMarketIndexGroup {
  /** The group (an item type or a weapon type). */
  group: string;
  /** Its market capitalisation, exact USD. */
  marketcap_usd: Money;
  /** Items in the group. */
  item_count: number;
  /** Items counted. */
  included_count: number;
  /** Items left out. */
  excluded_count: number;
}
/** The `meta` of `getMarketIndexes`: the market meta and the grouping. */
export interface Cs2CapMarketIndexesMeta extends Cs2CapMarketMeta {
  /** What the groups are: `item_type` or `weapon_type`. */
  group_by: string;
}
/** Market capitalisation grouped by item type or weapon type. */
export interface Cs2CapMarketIndexes {
  /** When and from what, and the grouping. */
  meta: Cs2CapMarketIndexesMeta;
  /** The total and the groups. */
  data: {
    /** The whole market's capitalisation, exact USD. */
    total_marketcap_usd: Money;
    /** The groups. */
    groups: Cs2CapMarketIndexGroup[];
  };
}
/** Momentum indicators: statistics (floats), not amounts to add up; price levels in the currency asked. */
export interface Cs2CapMomentum {
  /** RSI over 14 buckets, 0..100. */
  rsi_14?: number | null | undefined;
  /** MACD line. */
  macd_line?: number | null | undefined;
  /** MACD signal line. */
  macd_signal?: number | null | undefined;
  /** MACD histogram. */
  macd_histogram?: number | null | undefined;
  /** Simple moving average over 20 buckets (a price level). */
  sma_20?: number | null | undefined;
  /** Simple moving average over 50 buckets (a price level). */
  sma_50?: number | null | undefined;
  /** Simple moving average over 200 buckets (a price level). */
  sma_200?: number | null | undefined;
  /** Exponential moving average over 12 buckets (a price level). */
  ema_12?: number | null | undefined;
  /** Exponential moving average over 26 buckets (a price level). */
  ema_26?: number | null | undefined;
  /** Upper Bollinger band (a price level). */
  bb_upper?: number | null | undefined;
  /** Middle Bollinger band (a price level). */
  bb_middle?: number | null | undefined;
  /** Lower Bollinger band (a price level). */
  bb_lower?: number | null | undefined;
}
/** Volatility indicators: statistics (floats), not money. */
export interface Cs2CapVolatility {
  /** Average true range over 14 buckets. */
  atr_14?: number | null | undefined;
  /** Historical volatility over 20 buckets. */
  historical_volatility_20?: number | null | undefined;
  /** Upper Keltner channel (a price level). */
  kc_upper?: number | null | undefined;
  /** Middle Keltner channel (a price level). */
  kc_middle?: number | null | undefined;
  /** Lower Keltner channel (a price level). */
  kc_lower?: number | null | undefined;
}
/** Volume indicators: statistics (floats), not money. */
export interface Cs2CapVolumeIndicators {
  /** Volume-weighted average price (a price level). */
  vwap?: number | null | undefined;
  /** On-balance volume. */
  obv?: number | null | undefined;
  /** Average volume over 20 buckets. */
  volume_sma_20?: number | null | undefined;
}
/** The server's reading of the indicators. */
export interface Cs2CapSignals {
  /** The RSI's reading. */
  rsi?: string | null | undefined;
  /** The MACD's reading. */
  macd?: string | null | undefined;
  /** The trend's reading. */
  trend?: string | null | undefined;
  /** The Bollinger bands' reading. */
  bollinger?: string | null | undefined;
  /** The volatility's reading. */
  volatility?: string | null | undefined;
  /** A composite score. */
  composite_score?: number | null | undefined;
}
/** How much candle history the indicators had. */
export interface Cs2CapIndicatorCoverage {
  /** Candles used. */
  candle_count: number;
  /** The first bucket (ISO time). */
  first_bucket?: string | null | undefined;
  /** The last bucket (ISO time). */
  last_bucket?: string | null | undefined;
  /** Indicators the history suffices for. */
  sufficient_for?: string[] | undefined;
  /** Indicators it does not. */
  insufficient_for?: string[] | undefined;
}
/** The `data` of an indicators answer. */
export interface Cs2CapIndicatorsData {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The marketplace the candles came from. */
  provider: string;
  /** `1h` or `1d`. */
  interval: string;
  /** The last close, exact USD. */
  close_price_usd: Money;
  /** Momentum. */
  momentum: Cs2CapMomentum;
  /** Volatility. */
  volatility: Cs2CapVolatility;
  /** Volume. */
  volume: Cs2CapVolumeIndicators;
  /** Readings. */
  signals: Cs2CapSignals;
  /** History used. */
  coverage: Cs2CapIndicatorCoverage;
}
/** The `meta` of `getIndicators`: the market meta, the candle width and the marketplace. */
export interface Cs2CapIndicatorsMeta extends Cs2CapMarketMeta {
  /** The candles the indicators were computed on: `1h` or `1d`. */
  interval: string;
  /** The marketplace the candles come from, when one. */
  provider?: string | null | undefined;
}
/** Technical indicators of one item (price levels in the currency asked; `close_price_usd` in USD). */
export interface Cs2CapIndicators {
  /** When and from what, the interval and marketplace. */
  meta: Cs2CapIndicatorsMeta;
  /** The indicators. */
  data: Cs2CapIndicatorsData;
}
/** One daily point of the deep chart. */
export interface Cs2CapChartPoint {
  /** The day, Unix seconds at midnight UTC. */
  t: number;
  /** The price, exact. */
  price: Money;
  /** Listings, when known. */
  qty?: number | null | undefined;
}
/** One marketplace's daily series. */
export interface Cs2CapChartSeries {
  /** The marketplace. */
  provider: string;
  /** Its points, oldest first. */
  data: Cs2CapChartPoint[];
}
/** The `meta` of the deep chart. */
export interface Cs2CapChartMeta {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The currency of every price. */
  currency: string;
  /** The window's start (ISO time). */
  start: string;
  /** The window's end (ISO time). */
  end: string;
  /** The marketplaces charted. */
  providers?: string[] | undefined;
}
/** The deep price chart: one daily series per marketplace. */
export interface Cs2CapPriceChart {
  /** The item, currency, window. */
  meta: Cs2CapChartMeta;
  /** One series per marketplace. */
  series: Cs2CapChartSeries[];
}
/** The values each `listItems` filter takes. */
export interface Cs2CapItemFilterValues {
  /** `itemType` values. */
  item_type: string[];
  /** `itemSubtype` values. */
  item_subtype: string[];
  /** `weaponType` values. */
  weapon_type: string[];
  /** `wearName` values. */
  wear_name: string[];
  /** `phase` values. */
  phase: string[];
  /** `collection` values. */
  collection: string[];
  /** `rarityName` values. */
  rarity_name: string[];
  /** `rarityColor` values. */
  rarity_color: string[];
  /** `styleName` values. */
  style_name: string[];
}
/** How big the catalog is. */
export interface Cs2CapCatalogSize {
  /** How many items the catalog has. */
  total_items: number;
}
/** The catalog's size and the values each `listItems` filter takes. */
export interface Cs2CapItemMetadata {
  /** The catalog's size. */
  catalog: Cs2CapCatalogSize;
  /** The filters' values. */
  filters: Cs2CapItemFilterValues;
}
/** Game image URLs by category display name. A map: its keys are data. */
export type Cs2CapImages = Record<string, string[]>;
/** Query of `getMarketIndexes`. */
export interface Cs2CapIndexesQuery {
  /** `item_type` (default) or `weapon_type`. */
  groupBy?: 'item_type' | 'weapon_type' | undefined;
}
/** Query of `getImages`. */
export interface Cs2CapImagesQuery {
  /** `png` (default) or `webp`. */
  format?: 'png' | 'webp' | undefined;
}

/** The analytics and catalog-extra calls of a CS2Cap client. */
export interface Cs2CapAnalyticsCalls {
  /** Analytics of every item (`GET /v1/market/items`, Pro and above), ordered by rank. */
  getMarketSnapshot(options?: CallOptions): Promise<Cs2CapMarketSnapshot>;
  /** One item's analytics (`GET /v1/market/items/{item_id}`, Pro and above); a 404 when there is none. */
  getItemAnalytics(itemId: number, options?: CallOptions): Promise<Cs2CapItemAnalytics>;
  /** Market capitalisation by `item_type` (default) or `weapon_type` (Quant). */
  getMarketIndexes(query?: Cs2CapIndexesQuery, options?: CallOptions): Promise<Cs2CapMarketIndexes>;
  /** Technical indicators of one item (Quant); a 422 when its candle history is too short. */
  getIndicators(query: i.Cs2CapIndicatorsQuery, options?: CallOptions): Promise<Cs2CapIndicators>;
  /** The deep daily price history per marketplace (Quant), back to 2013 for Steam. */
  getPriceChart(query: i.Cs2CapChartQuery, options?: CallOptions): Promise<Cs2CapPriceChart>;
  /** The catalog's size and the values of each `listItems` filter (all tiers). */
  getItemMetadata(options?: CallOptions): Promise<Cs2CapItemMetadata>;
  /** Game image URLs by category display name, as `png` (default) or `webp` (all tiers). */
  getImages(query?: Cs2CapImagesQuery, options?: CallOptions): Promise<Cs2CapImages>;
}

/** The analytics and catalog-extra calls of a CS2Cap client. */
export function createAnalyticsCalls(send: ReturnType<typeof createOperationSender>): Cs2CapAnalyticsCalls {
  const meta = (m: MarketMeta): Cs2CapMarketMeta => ({ generated_at: m.generated_at, data_source: m.data_source, freshness_sec: m.freshness_sec, window: m.window == null ? m.window : { timeframe: m.window.timeframe } });
  const summary = (s: MarketItemAnalyticsSummary): Cs2CapMarketSummary => ({
    provider_count: s.provider_count,
    best_ask_usd: usdOf(s.best_ask_usd),
    best_bid_usd: usdOf(s.best_bid_usd),
    avg_spread_pct: s.avg_spread_pct,
    total_volume_24h: s.total_volume_24h,
    liquidity: s.liquidity,
    supply: s.supply,
    rank: s.rank,
    marketcap: usdOf(s.marketcap),
    price_rate_24h: s.price_rate_24h,
    price_diff_24h: usdOf(s.price_diff_24h),
    price_rate_7d: s.price_rate_7d,
    price_diff_7d: usdOf(s.price_diff_7d),
    price_rate_30d: s.price_rate_30d,
    price_diff_30d: usdOf(s.price_diff_30d),
    sales_1d: s.sales_1d,
    sales_7d: s.sales_7d,
    sales_30d: s.sales_30d,
    steam_sales_7d: s.steam_sales_7d,
    steam_sales_30d: s.steam_sales_30d,
    listing_score: s.listing_score,
    gap_score: s.gap_score,
    volume_score: s.volume_score,
    stability_score: s.stability_score,
    external_score: s.external_score,
    liquidity_last_updated: s.liquidity_last_updated,
  });
  const figures = (p: MarketItemAnalyticsProvider): Cs2CapMarketProviderFigures => ({
    provider: p.provider,
    ask_usd: money(p.ask_usd, 'USD'),
    bid_usd: usdOf(p.bid_usd),
    spread_usd: usdOf(p.spread_usd),
    spread_pct: p.spread_pct,
    ask_depth: p.ask_depth,
    bid_depth: p.bid_depth,
    volume_24h: p.volume_24h,
    volume_7d: p.volume_7d,
    total_value_24h_usd: usdOf(p.total_value_24h_usd),
    price_rate_24h: p.price_rate_24h,
    price_diff_24h: usdOf(p.price_diff_24h),
    price_rate_7d: p.price_rate_7d,
    price_diff_7d: usdOf(p.price_diff_7d),
    price_rate_30d: p.price_rate_30d,
    price_diff_30d: usdOf(p.price_diff_30d),
    bid_anomaly: p.bid_anomaly,
  });
  return {
    async getMarketSnapshot(call) {
      const res = await send('getMarketAnalyticsSnapshot', { call });
      return { meta: meta(res.meta), data: { items: res.data.items.map((i) => ({ item_id: i.item_id, market_hash_name: i.market_hash_name, phase: i.phase, summary: summary(i.summary) })) } };
    },
    async getItemAnalytics(itemId, call) {
      const id = parseInput(PROVIDER, 'getItemAnalytics', positiveInt, itemId);
      const res = await send('getItemAnalytics', { pathParams: { item_id: id }, call });
      const d = res.data;
      const c = d.coverage;
      return {
        meta: meta(res.meta),
        data: {
          item_id: d.item_id,
          market_hash_name: d.market_hash_name,
          phase: d.phase,
          summary: summary(d.summary),
          providers: d.providers.map(figures),
          coverage: { provider_count: c.provider_count, providers_with_volume: c.providers_with_volume, providers_with_bid_side: c.providers_with_bid_side },
        },
      };
    },
    async getMarketIndexes(query = {}, call) {
      const q = parseInput(PROVIDER, 'getMarketIndexes', z.object({ groupBy: z.enum(['item_type', 'weapon_type']).optional() }).strict(), query);
      const res = await send('getMarketCapIndexes', { query: { group_by: q.groupBy }, call });
      return {
        meta: { ...meta(res.meta), group_by: res.meta.group_by },
        data: {
          total_marketcap_usd: money(res.data.total_marketcap_usd, 'USD'),
          groups: res.data.groups.map((g) => ({ group: g.group, marketcap_usd: money(g.marketcap_usd, 'USD'), item_count: g.item_count, included_count: g.included_count, excluded_count: g.excluded_count })),
        },
      };
    },
    async getIndicators(query, call) {
      const q = parseInput(PROVIDER, 'getIndicators', indicatorsQuerySchema, query);
      const res = await send('getIndicators', { query: { item_id: q.itemId, market_hash_name: q.marketHashName, phase: q.phase, interval: q.interval, currency: q.currency?.toUpperCase() }, call });
      const d = res.data;
      const { momentum: m, volatility: v, volume: u, signals: g, coverage: c } = d;
      return {
        meta: { ...meta(res.meta), interval: res.meta.interval, provider: res.meta.provider },
        data: {
          item_id: d.item_id,
          market_hash_name: d.market_hash_name,
          phase: d.phase,
          provider: d.provider,
          interval: d.interval,
          close_price_usd: money(d.close_price_usd, 'USD'),
          momentum: {
            rsi_14: m.rsi_14,
            macd_line: m.macd_line,
            macd_signal: m.macd_signal,
            macd_histogram: m.macd_histogram,
            sma_20: m.sma_20,
            sma_50: m.sma_50,
            sma_200: m.sma_200,
            ema_12: m.ema_12,
            ema_26: m.ema_26,
            bb_upper: m.bb_upper,
            bb_middle: m.bb_middle,
            bb_lower: m.bb_lower,
          },
          volatility: { atr_14: v.atr_14, historical_volatility_20: v.historical_volatility_20, kc_upper: v.kc_upper, kc_middle: v.kc_middle, kc_lower: v.kc_lower },
          volume: { vwap: u.vwap, obv: u.obv, volume_sma_20: u.volume_sma_20 },
          signals: { rsi: g.rsi, macd: g.macd, trend: g.trend, bollinger: g.bollinger, volatility: g.volatility, composite_score: g.composite_score },
          coverage: { candle_count: c.candle_count, first_bucket: c.first_bucket, last_bucket: c.last_bucket, sufficient_for: c.sufficient_for, insufficient_for: c.insufficient_for },
        },
      };
    },
    async getPriceChart(query, call) {
      const q = parseInput(PROVIDER, 'getPriceChart', chartQuerySchema, query);
      const res = await send('getDeepPriceHistoryChart', {
        query: {
          item_id: q.itemId,
          market_hash_name: q.marketHashName,
          providers: q.providers,
          start: q.start,
          end: q.end,
          lookback: q.lookbackDays,
          currency: q.currency?.toUpperCase(),
          include_defunct: q.includeDefunct,
        },
        call,
      });
      const m = res.meta;
      const cur = m.currency;
      return {
        meta: { item_id: m.item_id, market_hash_name: m.market_hash_name, currency: cur, start: m.start, end: m.end, providers: m.providers },
        series: (res.series ?? []).map((s) => ({ provider: s.provider, data: (s.data ?? []).map((p) => ({ t: p.t, price: fromMinorUnits(p.price, cur), qty: p.qty })) })),
      };
    },
    async getItemMetadata(call) {
      const res = await send('getItemCatalogMetadata', { call });
      const f = res.filters;
      return {
        catalog: { total_items: res.catalog.total_items },
        filters: {
          item_type: f.item_type,
          item_subtype: f.item_subtype,
          weapon_type: f.weapon_type,
          wear_name: f.wear_name,
          phase: f.phase,
          collection: f.collection,
          rarity_name: f.rarity_name,
          rarity_color: f.rarity_color,
          style_name: f.style_name,
        },
      };
    },
    async getImages(query = {}, call) {
      const q = parseInput(PROVIDER, 'getImages', z.object({ format: z.enum(['png', 'webp']).optional() }).strict(), query);
      return send('listGameImages', { query: { format: q.format }, call });
    },
  };
}
