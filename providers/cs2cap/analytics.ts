/**
 * CS2Cap market analytics (reference/cs2cap.md §6.5) and the catalog's metadata and images
 * (§6.4). Analytics carry USD as major-unit decimal strings (`*_usd`); here they are also
 * exact Money. Indicator values stay numbers: they are statistics, not amounts to add up.
 */
import { z } from 'zod';
import type { CallOptions } from '../../src/http/request-sender.js';
import { fromMinorUnits, money, type Money } from '../../src/money.js';
import { parseInput } from '../../src/validation.js';
import type {
  ItemsMetadataResponse,
  MarketHistoryChartPoint,
  MarketHistoryChartResponse,
  MarketIndexesResponse,
  MarketIndicatorsItemResponse,
  MarketItemAnalyticsResponse,
  MarketItemAnalyticsSummary,
  MarketItemsSnapshotResponse,
} from './generated/operations.js';
import type { createOperationSender } from './operation-kit.js';
import { MAX_INT_INPUT, MAX_NAME_CHARS, MAX_TIME_CHARS, PHASES, providerListSchema } from './schemas.js';

const PROVIDER = 'cs2cap';
const positiveInt = z.number().int().min(1).max(MAX_INT_INPUT);
const currency = z.string().regex(/^[A-Za-z]{3,5}$/, 'a currency code such as "USD"');
const item = { itemId: positiveInt.optional(), marketHashName: z.string().min(1).max(MAX_NAME_CHARS).optional(), phase: z.enum(PHASES).optional() };
const needsItem = (v: { itemId?: number | undefined; marketHashName?: string | undefined }): boolean => v.itemId !== undefined || v.marketHashName !== undefined;

/** Query of `getIndicators`. */
export const indicatorsQuerySchema = z
  .object({ ...item, interval: z.enum(['1h', '1d']).optional(), currency: currency.optional() })
  .strict()
  .refine(needsItem, { message: 'give itemId or marketHashName', path: ['itemId'] });
/** Query of `getPriceChart`: an item, marketplaces, a window by `start`/`end` or `lookbackDays`, a currency. */
export const chartQuerySchema = z
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
  .refine((q) => q.lookbackDays === undefined || q.start === undefined, { message: 'give lookbackDays or start, not both', path: ['lookbackDays'] });

/** A market summary with its USD prices also as exact Money. */
export type Cs2CapMarketSummary = MarketItemAnalyticsSummary & { readonly bestAsk: Money | undefined; readonly bestBid: Money | undefined };
/** The whole market's analytics (`GET /v1/market/items`), rank first. */
export interface Cs2CapMarketSnapshot extends Omit<MarketItemsSnapshotResponse, 'data'> {
  data: { items: (Omit<MarketItemsSnapshotResponse['data']['items'][number], 'summary'> & { summary: Cs2CapMarketSummary })[] };
}
/** One item's analytics with its per-marketplace breakdown. */
export interface Cs2CapItemAnalytics extends Omit<MarketItemAnalyticsResponse, 'data'> {
  data: Omit<MarketItemAnalyticsResponse['data'], 'summary'> & { summary: Cs2CapMarketSummary };
}
/** Market capitalisation grouped by item type or weapon type. */
export type Cs2CapMarketIndexes = MarketIndexesResponse & { readonly totalMarketcap: Money };
/** Technical indicators of one item (price levels in the currency asked; `close_price_usd` in USD). */
export type Cs2CapIndicators = MarketIndicatorsItemResponse & { readonly close: Money };
/** One daily point of the deep chart, its price as exact Money. */
export type Cs2CapChartPoint = MarketHistoryChartPoint & { readonly price_money: Money };
/** The deep price chart: one daily series per marketplace. */
export interface Cs2CapPriceChart extends Omit<MarketHistoryChartResponse, 'series'> {
  series: { provider: string; data: Cs2CapChartPoint[] }[];
}
/** The catalog's size and the values each `listItems` filter takes. */
export type Cs2CapItemMetadata = ItemsMetadataResponse;
/** Query of `getIndicators`. */
export type Cs2CapIndicatorsQuery = z.input<typeof indicatorsQuerySchema>;
/** Query of `getPriceChart`. */
export type Cs2CapChartQuery = z.input<typeof chartQuerySchema>;

/** The analytics and catalog-extra calls of a CS2Cap client. */
export interface Cs2CapAnalyticsCalls {
  /** Analytics of every item (`GET /v1/market/items`, Pro and above), ordered by rank. */
  getMarketSnapshot(options?: CallOptions): Promise<Cs2CapMarketSnapshot>;
  /** One item's analytics (`GET /v1/market/items/{item_id}`, Pro and above); a 404 when there is none. */
  getItemAnalytics(itemId: number, options?: CallOptions): Promise<Cs2CapItemAnalytics>;
  /** Market capitalisation by `item_type` (default) or `weapon_type` (Quant). */
  getMarketIndexes(query?: { groupBy?: 'item_type' | 'weapon_type' }, options?: CallOptions): Promise<Cs2CapMarketIndexes>;
  /** Technical indicators of one item (Quant); a 422 when its candle history is too short. */
  getIndicators(query: Cs2CapIndicatorsQuery, options?: CallOptions): Promise<Cs2CapIndicators>;
  /** The deep daily price history per marketplace (Quant), back to 2013 for Steam. */
  getPriceChart(query: Cs2CapChartQuery, options?: CallOptions): Promise<Cs2CapPriceChart>;
  /** The catalog's size and the values of each `listItems` filter (all tiers). */
  getItemMetadata(options?: CallOptions): Promise<Cs2CapItemMetadata>;
  /** Game image URLs by category display name, as `png` (default) or `webp` (all tiers). */
  getImages(query?: { format?: 'png' | 'webp' }, options?: CallOptions): Promise<Record<string, string[]>>;
}

/** The analytics and catalog-extra calls of a CS2Cap client. */
export function createAnalyticsCalls(send: ReturnType<typeof createOperationSender>): Cs2CapAnalyticsCalls {
  const usd = (v: string | null | undefined): Money | undefined => (v == null ? undefined : money(v, 'USD'));
  const summary = (s: MarketItemAnalyticsSummary): Cs2CapMarketSummary => ({ ...s, bestAsk: usd(s.best_ask_usd), bestBid: usd(s.best_bid_usd) });
  return {
    async getMarketSnapshot(call) {
      const res = await send('getMarketAnalyticsSnapshot', { call });
      return { ...res, data: { items: res.data.items.map((i) => ({ ...i, summary: summary(i.summary) })) } };
    },
    async getItemAnalytics(itemId, call) {
      const id = parseInput(PROVIDER, 'getItemAnalytics', positiveInt, itemId);
      const res = await send('getItemAnalytics', { pathParams: { item_id: id }, call });
      return { ...res, data: { ...res.data, summary: summary(res.data.summary) } };
    },
    async getMarketIndexes(query = {}, call) {
      const q = parseInput(PROVIDER, 'getMarketIndexes', z.object({ groupBy: z.enum(['item_type', 'weapon_type']).optional() }).strict(), query);
      const res = await send('getMarketCapIndexes', { query: { group_by: q.groupBy }, call });
      return { ...res, totalMarketcap: money(res.data.total_marketcap_usd, 'USD') };
    },
    async getIndicators(query, call) {
      const q = parseInput(PROVIDER, 'getIndicators', indicatorsQuerySchema, query);
      const res = await send('getIndicators', { query: { item_id: q.itemId, market_hash_name: q.marketHashName, phase: q.phase, interval: q.interval, currency: q.currency?.toUpperCase() }, call });
      return { ...res, close: money(res.data.close_price_usd, 'USD') };
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
      const cur = res.meta.currency;
      return { ...res, series: (res.series ?? []).map((s) => ({ provider: s.provider, data: (s.data ?? []).map((p) => ({ ...p, price_money: fromMinorUnits(p.price, cur) })) })) };
    },
    getItemMetadata: (call) => send('getItemCatalogMetadata', { call }),
    async getImages(query = {}, call) {
      const q = parseInput(PROVIDER, 'getImages', z.object({ format: z.enum(['png', 'webp']).optional() }).strict(), query);
      return send('listGameImages', { query: { format: q.format }, call });
    },
  };
}
