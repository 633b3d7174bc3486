/**
 * What the CS2Cap market-data calls return (docs/results.md, docs/cs2cap.md "Result shapes"):
 * the wire's names and nesting; every money amount one exact `Money` under its wire name (from
 * the `*_decimal` text when the wire sends one, else from the integer minor units); nothing the
 * client does not know. Each converter builds its result field by field, so a field a server
 * adds never passes through and the compiler checks each result against its type.
 */
import type { z } from 'zod';
import { fromMinorUnits, money, type Money } from '../../src/money.js';
import type { APIKeyInfo, BatchBidsResponse } from './generated/operations.js';
import type * as s from './schemas.js';

type Wire<T extends z.ZodType> = z.output<T>;

/** The page information of a list (`PaginationMeta`, or its cursor variant). */
export interface Cs2CapPagination {
  /** The page size the server applied. */
  limit: number;
  /** Where this page starts (offset-paged lists). */
  offset?: number | undefined;
  /** Matching records in all; `-1` on cursor-paged lists (unknown). */
  total?: number | undefined;
  /** Whether a later page exists. */
  has_next: boolean;
  /** Whether an earlier page exists. */
  has_prev?: boolean | undefined;
  /** The cursor of the next page (cursor-paged lists); `null` on the last. */
  next_cursor?: string | null | undefined;
}

/** The filters a `/prices` or `/bids` answer says it applied. */
export interface Cs2CapPricesFilters {
  /** The catalog id asked for. */
  item_id?: number | null | undefined;
  /** The item name asked for. */
  market_hash_name?: string | null | undefined;
  /** The Doppler phase asked for. */
  phase?: string | null | undefined;
  /** The marketplaces asked for. */
  requested_providers?: string[] | null | undefined;
}

/** The `meta` of a `/prices` or `/bids` page. */
export interface Cs2CapPricesMeta {
  /** The currency of every amount on the page. */
  currency: string;
  /** The filters applied. */
  filters?: Cs2CapPricesFilters | undefined;
  /** The marketplaces that were asked. */
  providers_queried?: string[] | undefined;
}

/** One marketplace's lowest ask for an item (`MarketItem`). */
export interface Cs2CapPrice {
  /** The marketplace key (`steam`, `buff163`, …). */
  provider: string;
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The lowest ask, exact (from `lowest_ask_decimal` when sent, else from the minor units). */
  lowest_ask: Money;
  /** Listings at that marketplace. */
  quantity: number;
  /** A tracked redirect to the listing (all tiers). */
  link?: string | null | undefined;
  /** The direct marketplace URL (Pro and Quant only). */
  url?: string | null | undefined;
  /** When the price or quantity last changed (ISO time). */
  timestamp?: string | null | undefined;
  /** When the record was last refreshed (ISO time). */
  last_updated?: string | null | undefined;
}

/** One marketplace's highest buy order for an item (`BuyOrderItem`). */
export interface Cs2CapBid {
  /** The marketplace key. */
  provider: string;
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The highest bid, exact (from `highest_bid_decimal` when sent, else from the minor units). */
  highest_bid: Money;
  /** Buy orders at that marketplace. */
  num_bids: number;
  /** When the bid or count last changed (ISO time). */
  timestamp?: string | null | undefined;
  /** When the record was last refreshed (ISO time). */
  last_updated?: string | null | undefined;
}

/** A page of `GET /v1/prices`. */
export interface Cs2CapPricesPage {
  /** The currency and the filters applied. */
  meta: Cs2CapPricesMeta;
  /** One row per marketplace. */
  items: Cs2CapPrice[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}

/** A page of `GET /v1/bids`. */
export interface Cs2CapBidsPage {
  /** The currency and the filters applied. */
  meta: Cs2CapPricesMeta;
  /** One row per marketplace. */
  items: Cs2CapBid[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}

/** The `meta` of a batch lookup. */
export interface Cs2CapBatchMeta {
  /** The currency of every amount. */
  currency: string;
  /** Items asked for. */
  requested_item_count?: number | undefined;
  /** Items found. */
  found_item_count?: number | undefined;
  /** The marketplaces that were asked. */
  providers_queried?: string[] | undefined;
  /** When the answer was made (ISO time). */
  generated_at?: string | null | undefined;
}

/** One marketplace's ask in a batch lookup (`BatchPriceQuote`). */
export interface Cs2CapBatchPriceQuote {
  /** The marketplace key. */
  provider: string;
  /** The lowest ask, exact (from `lowest_ask_decimal` when sent, else from the minor units). */
  lowest_ask: Money;
  /** Listings at that marketplace. */
  quantity: number;
  /** When the price last changed (ISO time). */
  timestamp?: string | null | undefined;
  /** When the record was last refreshed (ISO time). */
  last_updated?: string | null | undefined;
}

/** One item of `POST /v1/prices/batch`, with an ask per marketplace. */
export interface Cs2CapBatchPriceItem {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** One ask per marketplace. */
  quotes: Cs2CapBatchPriceQuote[];
}

/** The answer of `POST /v1/prices/batch`. */
export interface Cs2CapBatchPrices {
  /** Currency and counts. */
  meta: Cs2CapBatchMeta;
  /** The items found. */
  items: Cs2CapBatchPriceItem[];
  /** Ids asked for and not found. */
  items_not_found: number[];
  /** Names asked for and not found. */
  names_not_found?: string[] | null | undefined;
}

/** One marketplace's bid in a batch lookup (`BatchBidQuote`). */
export interface Cs2CapBatchBidQuote {
  /** The marketplace key. */
  provider: string;
  /** The highest bid, exact (from `highest_bid_decimal` when sent, else from the minor units). */
  highest_bid: Money;
  /** Buy orders at that marketplace. */
  num_bids: number;
  /** When the bid last changed (ISO time). */
  timestamp?: string | null | undefined;
  /** When the record was last refreshed (ISO time). */
  last_updated?: string | null | undefined;
}

/** One item of `POST /v1/bids/batch`, with a bid per marketplace. */
export interface Cs2CapBatchBidItem {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** One bid per marketplace. */
  quotes: Cs2CapBatchBidQuote[];
}

/** The answer of `POST /v1/bids/batch`: per item, the highest bid on each marketplace. */
export interface Cs2CapBatchBids {
  /** Currency and counts. */
  meta: Cs2CapBatchMeta;
  /** The items found. */
  items: Cs2CapBatchBidItem[];
  /** Ids asked for and not found. */
  items_not_found: number[];
  /** Names asked for and not found. */
  names_not_found?: string[] | null | undefined;
}

/** The filters a price-history page says it applied. */
export interface Cs2CapPriceHistoryFilters {
  /** The catalog id asked for. */
  item_id?: number | null | undefined;
  /** The item name asked for. */
  market_hash_name?: string | null | undefined;
  /** The Doppler phase asked for. */
  phase?: string | null | undefined;
  /** The marketplace asked for. */
  provider?: string | null | undefined;
  /** The window's start (ISO time). */
  start?: string | null | undefined;
  /** The window's end (ISO time). */
  end?: string | null | undefined;
}

/** The `meta` of a price-history page. */
export interface Cs2CapPriceHistoryMeta {
  /** The currency of every price. */
  currency: string;
  /** The filters applied. */
  filters?: Cs2CapPriceHistoryFilters | undefined;
  /** Records on this page. */
  result_count?: number | undefined;
}

/** One price-history record (`PriceSnapshot`). */
export interface Cs2CapPriceSnapshot {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The marketplace (a display name in the server's answers, not always a key). */
  provider: string;
  /** When the price was seen (ISO time). */
  time: string;
  /** The price, exact (from minor units of `currency`). */
  price: Money;
  /** The currency the server priced in. */
  currency: string;
  /** Listings at that time. */
  quantity: number;
}

/** A page of `GET /v1/prices/history` (cursor-paginated), newest first. */
export interface Cs2CapPriceHistoryPage {
  /** Currency, filters, count. */
  meta: Cs2CapPriceHistoryMeta;
  /** The records. */
  items: Cs2CapPriceSnapshot[];
  /** Cursor paging. */
  pagination: Cs2CapPagination;
}

/** The marketplace each value of a candle came from. */
export interface Cs2CapCandleProviders {
  /** Where the open came from (`unknown` when the server does not say). */
  o: string;
  /** Where the high came from. */
  h: string;
  /** Where the low came from. */
  l: string;
  /** Where the close came from (`unknown` when the server does not say). */
  c: string;
}

/** One composite candle across all marketplaces (`PriceCandleItem`). */
export interface Cs2CapCandle {
  /** The bucket's start, Unix seconds. */
  t: number;
  /** Open, exact. */
  o: Money;
  /** High, exact. */
  h: Money;
  /** Low, exact. */
  l: Money;
  /** Close, exact. */
  c: Money;
  /** Estimated volume (from inventory changes), a count. */
  v: number;
  /** Listings, when known (`null` on older daily candles). */
  q?: number | null | undefined;
  /** The marketplace of each value. */
  providers: Cs2CapCandleProviders;
}

/** The `meta` of a candles answer: the effective window. */
export interface Cs2CapCandlesMeta {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** Always `All Providers`: candles are composite. */
  provider: string;
  /** The currency of every amount. */
  currency: string;
  /** `1d`, `1h` or `5m`. */
  interval: string;
  /** The window's start (ISO time). */
  start: string;
  /** The window's end (ISO time). */
  end: string;
}

/** The answer of `GET /v1/prices/candles`: the effective window in `meta`, candles oldest first. */
export interface Cs2CapCandles {
  /** The item, currency, interval and window. */
  meta: Cs2CapCandlesMeta;
  /** The candles, oldest first (sparse unless `fill`). */
  data: Cs2CapCandle[];
}

/** A sticker on a sold or held item. */
export interface Cs2CapSticker {
  /** The sticker's name. */
  name: string;
  /** Its slot on the weapon. */
  slot?: number | null | undefined;
  /** Its wear, a float 0..1 (not money). */
  wear?: number | null | undefined;
}

/** A charm on a sold or held item. */
export interface Cs2CapCharm {
  /** The charm's name. */
  name: string;
  /** Its pattern id. */
  pattern_id?: number | null | undefined;
}

/** What one held skin is beyond its name: wear, seed, inspect link, name tag, stickers, charms. */
export interface Cs2CapSkinDetails {
  /** The wear float, 0..1 (not money). */
  float_value?: number | null | undefined;
  /** The paint seed. */
  paint_seed?: number | null | undefined;
  /** The inspect link. */
  inspect_link?: string | null | undefined;
  /** The name tag. */
  name_tag?: string | null | undefined;
  /** Its stickers. */
  stickers?: Cs2CapSticker[] | null | undefined;
  /** Its charms. */
  charms?: Cs2CapCharm[] | null | undefined;
}

/** Inspect links of a sale. */
export interface Cs2CapInspect {
  /** The in-game inspect link. */
  in_game?: string | null | undefined;
  /** A front screenshot URL. */
  screenshot_front?: string | null | undefined;
  /** A back screenshot URL. */
  screenshot_back?: string | null | undefined;
}

/** One recent sale (`SaleRecordDetail`). */
export interface Cs2CapSale {
  /** When it sold (ISO time). */
  date: string;
  /** The marketplace key. */
  provider: string;
  /** The price, exact (from minor units of `currency`). */
  price: Money;
  /** The currency the server priced in. */
  currency: string;
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The wear float, 0..1 (not money). */
  float?: number | null | undefined;
  /** The paint seed. */
  paint_seed?: number | null | undefined;
  /** Its stickers. */
  stickers?: Cs2CapSticker[] | null | undefined;
  /** Its charms. */
  charms?: Cs2CapCharm[] | null | undefined;
  /** Its inspect links. */
  inspect?: Cs2CapInspect | null | undefined;
}

/** The filters a sales page says it applied. */
export interface Cs2CapSalesFilters {
  /** The catalog id asked for. */
  item_id?: number | null | undefined;
  /** The item name asked for. */
  market_hash_name?: string | null | undefined;
  /** The Doppler phase asked for. */
  phase?: string | null | undefined;
  /** The marketplaces asked for. */
  requested_providers?: string[] | null | undefined;
  /** The smallest wear float asked for. */
  min_float?: number | null | undefined;
  /** The largest wear float asked for. */
  max_float?: number | null | undefined;
  /** The paint seed asked for. */
  paint_seed?: number | null | undefined;
  /** The stickers asked for. */
  stickers?: string[] | null | undefined;
  /** The charm asked for. */
  charms?: string | null | undefined;
  /** The page size applied. */
  limit?: number | undefined;
}

/** The `meta` of a sales page. */
export interface Cs2CapSalesMeta {
  /** The currency of every price. */
  currency: string;
  /** The filters applied. */
  filters?: Cs2CapSalesFilters | undefined;
  /** The marketplaces that were asked. */
  providers_queried?: string[] | undefined;
  /** Sales on this page. */
  result_count?: number | undefined;
}

/** A page of `GET /v1/sales` (cursor-paginated). */
export interface Cs2CapSalesPage {
  /** Currency, filters, count. */
  meta: Cs2CapSalesMeta;
  /** The sales. */
  items: Cs2CapSale[];
  /** Cursor paging. */
  pagination: Cs2CapPagination;
}

/** One catalog item (`ItemOut`). */
export interface Cs2CapCatalogItem {
  /** The CS2Cap catalog id. */
  item_id?: number | null | undefined;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** The item type (`Weapon`, `Sticker`, …). */
  item_type?: string | null | undefined;
  /** The item subtype. */
  item_subtype?: string | null | undefined;
  /** The weapon type (`Rifle`, …). */
  weapon_type?: string | null | undefined;
  /** The base name (`AK-47`). */
  base_name?: string | null | undefined;
  /** The skin name (`Redline`). */
  skin_name?: string | null | undefined;
  /** The wear name (`Field-Tested`). */
  wear_name?: string | null | undefined;
  /** The game's definition index, as text. */
  def_index?: string | null | undefined;
  /** The game's paint index. */
  paint_index?: number | null | undefined;
  /** The collection. */
  collection?: string | null | undefined;
  /** The collection's image URL. */
  collection_image?: string | null | undefined;
  /** Containers it drops from. */
  crates?: string[] | null | undefined;
  /** The containers' image URLs. */
  crates_images?: string[] | null | undefined;
  /** Its release date (`YYYY-MM-DD`). */
  release_date?: string | null | undefined;
  /** The rarity name. */
  rarity_name?: string | null | undefined;
  /** The rarity colour. */
  rarity_color?: string | null | undefined;
  /** The finish style. */
  style_name?: string | null | undefined;
  /** Whether it is StatTrak™. */
  is_stattrak?: boolean | null | undefined;
  /** Whether it is a souvenir. */
  is_souvenir?: boolean | null | undefined;
  /** The smallest wear float of the skin, 0..1 (not money). */
  min_float?: number | null | undefined;
  /** The largest wear float of the skin, 0..1 (not money). */
  max_float?: number | null | undefined;
  /** The image URL. */
  image_url?: string | null | undefined;
  /** Units in existence, when known. */
  supply?: number | null | undefined;
}

/** A page of the catalog (`GET /v1/items`). */
export interface Cs2CapItemsPage {
  /** The items. */
  items: Cs2CapCatalogItem[];
  /** Offset paging (without `limit`, the whole match in one page). */
  pagination: Cs2CapPagination;
}

/** A marketplace's fees, each a fraction (`0.025` = 2.5 %; not money). */
export interface Cs2CapProviderFees {
  /** The seller's fee, a fraction. */
  sell_fee?: number | null | undefined;
  /** The fee of selling into a buy order, a fraction. */
  insta_sell_fee?: number | null | undefined;
  /** The trading spread fee, a fraction. */
  trading_spread_fee?: number | null | undefined;
}

/** What a marketplace offers. */
export interface Cs2CapProviderFeatures {
  /** Whether it has buy orders (`getBids`). */
  has_buy_orders?: boolean | null | undefined;
  /** Whether it has recent sales (`getSales`). */
  has_recent_sales?: boolean | null | undefined;
}

/** A marketplace's health as CS2Cap last saw it. */
export interface Cs2CapProviderHealth {
  /** `up`, `degraded`, `down` (or another the server adds). */
  status: string;
  /** When it was last checked (ISO time). */
  last_checked_at?: string | null | undefined;
  /** Offers listed. */
  total_offers?: number | null | undefined;
  /** Distinct items listed. */
  unique_items?: number | null | undefined;
  /** Share of the catalog listed, a percentage (not money). */
  market_coverage?: number | null | undefined;
  /** The listed value in the marketplace's `default_currency`, exact; absent when either is not sent. */
  total_value?: Money | undefined;
  /** The listed value in USD, exact. */
  total_value_usd?: Money | undefined;
}

/** One marketplace (`ProviderInfo`): key, fees, features, health. */
export interface Cs2CapProviderInfo {
  /** The marketplace key, as queries take it. */
  key: string;
  /** Its logo URL. */
  logo?: string | undefined;
  /** A short code. */
  code?: string | null | undefined;
  /** `STORE`, `P2P`, `ESCROW`, `TRADING`, `HYBRID`. */
  market_type?: string | null | undefined;
  /** The currency it prices in. */
  default_currency?: string | null | undefined;
  /** Its fees, fractions. */
  fees: Cs2CapProviderFees;
  /** What it offers. */
  features: Cs2CapProviderFeatures;
  /** Its health. */
  health: Cs2CapProviderHealth;
}

/** `GET /v1/providers`: the marketplaces by display name (`BUFF163`, …). A map: its keys are data. */
export type Cs2CapProviders = Record<string, Cs2CapProviderInfo>;

/** Key metadata (`APIKeyInfo`), with the effective rate and monthly quota. */
export interface Cs2CapKeyInfo {
  /** The key's id. */
  id: string;
  /** `sk_live_root` or `sk_live_child`. */
  key_prefix: string;
  /** Its name (child keys). */
  name?: string | null | undefined;
  /** The root key's id (child keys). */
  root_key_id?: string | null | undefined;
  /** Whether it is the root key. */
  is_root_key: boolean;
  /** Whether it is active. */
  is_active: boolean;
  /** When it was created (ISO time). */
  created_at: string;
  /** When it was last used (ISO time). */
  last_used_at?: string | null | undefined;
  /** When it expires (ISO time). */
  expires_at?: string | null | undefined;
  /** Its own monthly quota, below the tier's. */
  quota_requests_per_month_override?: number | null | undefined;
  /** Its own rate per minute, below the tier's. */
  rate_requests_per_minute_override?: number | null | undefined;
  /** The monthly quota that applies. */
  effective_quota_requests_per_month: number;
  /** The rate per minute that applies. */
  effective_rate_requests_per_minute: number;
}

/** One child key with its use this month. */
export interface Cs2CapSubKeyDetail {
  /** The key's metadata. */
  key: Cs2CapKeyInfo;
  /** Requests made with it this month. */
  requests_this_month?: number | null | undefined;
}

/** A page of child keys. */
export interface Cs2CapSubKeyList {
  /** The keys. */
  keys: Cs2CapSubKeyDetail[];
  /** Offset paging. */
  pagination: Cs2CapPagination;
}

/** What `subKeys.revoke()` returns. */
export interface Cs2CapSubKeyRevoked {
  /** `true` once revoked. */
  ok: boolean;
  /** The revoked key's id. */
  key_id?: string | undefined;
  /** When it was revoked (ISO time). */
  revoked_at?: string | null | undefined;
}

/** What `syncLimits()` applied (the client's own result). */
export interface Cs2CapSyncedLimits {
  /** The key's effective rate, now the limiter's (unless `rateLimit.default` was given). */
  requestsPerMinute: number;
  /** The key's effective monthly quota. */
  quotaPerMonth: number;
}

/** The `window` of an analytics `meta`. */
export interface Cs2CapMarketWindow {
  /** The timeframe the figures cover. */
  timeframe?: string | null | undefined;
}

/** The `meta` of an arbitrage page. */
export interface Cs2CapArbitrageMeta {
  /** When the ranking was made (ISO time). */
  generated_at: string;
  /** `cache`, `live` or `mixed`. */
  data_source: string;
  /** Age of the data, seconds. */
  freshness_sec: number;
  /** The timeframe, when the server says. */
  window?: Cs2CapMarketWindow | null | undefined;
}

/** One cross-marketplace opportunity (`MarketArbitrageItem`), amounts in USD. */
export interface Cs2CapArbitrage {
  /** The CS2Cap catalog id. */
  item_id: number;
  /** The Steam market name. */
  market_hash_name: string;
  /** The Doppler phase, or `null`. */
  phase?: string | null | undefined;
  /** Where to buy (at its ask). */
  buy_provider: string;
  /** Where to sell (into its bid). */
  sell_provider: string;
  /** The ask to buy at, exact USD. */
  buy_price_usd: Money;
  /** The bid to sell into, exact USD. */
  sell_price_usd: Money;
  /** The spread before fees, a percentage (not money). */
  gross_spread_pct: number;
  /** The server's estimate of the fees, exact USD. */
  estimated_fees_usd: Money;
  /** The profit after the estimated fees, exact USD. */
  net_profit_usd: Money;
  /** When the prices were last refreshed (ISO time). */
  last_updated: string;
}

/** The `data` of an arbitrage page. */
export interface Cs2CapArbitrageData {
  /** The opportunities, best first. */
  items: Cs2CapArbitrage[];
}

/** A page of `GET /v1/market/arbitrage`, ranked by net profit. */
export interface Cs2CapArbitragePage {
  /** When and from what. */
  meta: Cs2CapArbitrageMeta;
  /** The opportunities. */
  data: Cs2CapArbitrageData;
  /** Offset paging. */
  pagination: Cs2CapPagination;
}

/** `integer minor units` or `decimal text` → one exact Money (the text wins: it is exact in every currency). */
export function amountOf(decimal: string | null | undefined, minor: number, currency: string): Money {
  return decimal ? money(decimal, currency) : fromMinorUnits(minor, currency);
}

/** A USD decimal string → Money, `null`/absent → `undefined`. */
export function usdOf(v: string | null | undefined): Money | undefined {
  return v == null ? undefined : money(v, 'USD');
}

/** The page information, field by field. */
export function pagination(p: Wire<typeof s.paginationSchema>): Cs2CapPagination {
  return { limit: p.limit, offset: p.offset, total: p.total, has_next: p.has_next, has_prev: p.has_prev, next_cursor: p.next_cursor };
}

// The rows of the bulk streams are built by these too: field by field, one shape for every
// row, no object spread (a spread of a parsed row was the slowest step of a bulk stream).
/** A `MarketItem` priced in `currency`. */
export function priceRow(i: Wire<typeof s.marketItemSchema>, currency: string): Cs2CapPrice {
  return {
    provider: i.provider,
    item_id: i.item_id,
    market_hash_name: i.market_hash_name,
    phase: i.phase,
    lowest_ask: amountOf(i.lowest_ask_decimal, i.lowest_ask, currency),
    quantity: i.quantity,
    link: i.link,
    url: i.url,
    timestamp: i.timestamp,
    last_updated: i.last_updated,
  };
}

/** A `BuyOrderItem` priced in `currency`. */
export function bidRow(i: Wire<typeof s.buyOrderItemSchema>, currency: string): Cs2CapBid {
  return {
    provider: i.provider,
    item_id: i.item_id,
    market_hash_name: i.market_hash_name,
    phase: i.phase,
    highest_bid: amountOf(i.highest_bid_decimal, i.highest_bid, currency),
    num_bids: i.num_bids,
    timestamp: i.timestamp,
    last_updated: i.last_updated,
  };
}

function pricesMeta(m: Wire<typeof s.pricesPageSchema>['meta']): Cs2CapPricesMeta {
  const f = m.filters;
  return {
    currency: m.currency,
    filters: f === undefined ? undefined : { item_id: f.item_id, market_hash_name: f.market_hash_name, phase: f.phase, requested_providers: f.requested_providers },
    providers_queried: m.providers_queried,
  };
}

/** A `/prices` page. */
export function pricesPage(p: Wire<typeof s.pricesPageSchema>): Cs2CapPricesPage {
  const cur = p.meta.currency;
  return { meta: pricesMeta(p.meta), items: p.items.map((i) => priceRow(i, cur)), pagination: pagination(p.pagination) };
}

/** A `/bids` page. */
export function bidsPage(p: Wire<typeof s.bidsPageSchema>): Cs2CapBidsPage {
  const cur = p.meta.currency;
  return { meta: pricesMeta(p.meta), items: p.items.map((i) => bidRow(i, cur)), pagination: pagination(p.pagination) };
}

function batchMeta(m: Wire<typeof s.batchPricesSchema>['meta']): Cs2CapBatchMeta {
  return { currency: m.currency, requested_item_count: m.requested_item_count, found_item_count: m.found_item_count, providers_queried: m.providers_queried, generated_at: m.generated_at };
}

/** A `BatchPriceQuote` priced in `currency`. */
export function batchPriceQuote(q: { provider: string; lowest_ask: number; lowest_ask_decimal?: string | null | undefined; quantity: number; timestamp?: string | null | undefined; last_updated?: string | null | undefined }, currency: string): Cs2CapBatchPriceQuote {
  return { provider: q.provider, lowest_ask: amountOf(q.lowest_ask_decimal, q.lowest_ask, currency), quantity: q.quantity, timestamp: q.timestamp, last_updated: q.last_updated };
}

/** The answer of a prices batch. */
export function batchPrices(b: Wire<typeof s.batchPricesSchema>): Cs2CapBatchPrices {
  const cur = b.meta.currency;
  return {
    meta: batchMeta(b.meta),
    items: b.items.map((i) => ({ item_id: i.item_id, market_hash_name: i.market_hash_name, phase: i.phase, quotes: i.quotes.map((q) => batchPriceQuote(q, cur)) })),
    items_not_found: b.items_not_found,
    names_not_found: b.names_not_found,
  };
}

/** The answer of a bids batch. */
export function batchBids(b: BatchBidsResponse): Cs2CapBatchBids {
  const cur = b.meta.currency;
  return {
    meta: batchMeta(b.meta),
    items: b.items.map((i) => ({
      item_id: i.item_id,
      market_hash_name: i.market_hash_name,
      phase: i.phase,
      quotes: i.quotes.map((q) => ({ provider: q.provider, highest_bid: amountOf(q.highest_bid_decimal, q.highest_bid, cur), num_bids: q.num_bids, timestamp: q.timestamp, last_updated: q.last_updated })),
    })),
    items_not_found: b.items_not_found,
    names_not_found: b.names_not_found,
  };
}

/** A price-history page. */
export function priceHistoryPage(p: Wire<typeof s.priceHistoryPageSchema>): Cs2CapPriceHistoryPage {
  const f = p.meta.filters;
  return {
    meta: {
      currency: p.meta.currency,
      filters: f === undefined ? undefined : { item_id: f.item_id, market_hash_name: f.market_hash_name, phase: f.phase, provider: f.provider, start: f.start, end: f.end },
      result_count: p.meta.result_count,
    },
    items: p.items.map((i) => ({
      item_id: i.item_id,
      market_hash_name: i.market_hash_name,
      phase: i.phase,
      provider: i.provider,
      time: i.time,
      price: fromMinorUnits(i.price, i.currency),
      currency: i.currency,
      quantity: i.quantity,
    })),
    pagination: pagination(p.pagination),
  };
}

/** A candles answer. */
export function candles(p: Wire<typeof s.candlesPageSchema>): Cs2CapCandles {
  const m = p.meta;
  const cur = m.currency;
  return {
    meta: { item_id: m.item_id, market_hash_name: m.market_hash_name, phase: m.phase, provider: m.provider, currency: cur, interval: m.interval, start: m.start, end: m.end },
    data: p.data.map((k) => ({
      t: k.t,
      o: fromMinorUnits(k.o, cur),
      h: fromMinorUnits(k.h, cur),
      l: fromMinorUnits(k.l, cur),
      c: fromMinorUnits(k.c, cur),
      v: k.v,
      q: k.q,
      providers: { o: k.providers.o, h: k.providers.h, l: k.providers.l, c: k.providers.c },
    })),
  };
}

/** A sticker, field by field. */
export function sticker(x: { name: string; slot?: number | null | undefined; wear?: number | null | undefined }): Cs2CapSticker {
  return { name: x.name, slot: x.slot, wear: x.wear };
}

/** A charm, field by field. */
export function charm(x: { name: string; pattern_id?: number | null | undefined }): Cs2CapCharm {
  return { name: x.name, pattern_id: x.pattern_id };
}

/** A sales page. */
export function salesPage(p: Wire<typeof s.salesPageSchema>): Cs2CapSalesPage {
  const f = p.meta.filters;
  return {
    meta: {
      currency: p.meta.currency,
      filters:
        f === undefined
          ? undefined
          : {
              item_id: f.item_id,
              market_hash_name: f.market_hash_name,
              phase: f.phase,
              requested_providers: f.requested_providers,
              min_float: f.min_float,
              max_float: f.max_float,
              paint_seed: f.paint_seed,
              stickers: f.stickers,
              charms: f.charms,
              limit: f.limit,
            },
      providers_queried: p.meta.providers_queried,
      result_count: p.meta.result_count,
    },
    items: p.items.map((i) => ({
      date: i.date,
      provider: i.provider,
      price: fromMinorUnits(i.price, i.currency),
      currency: i.currency,
      item_id: i.item_id,
      market_hash_name: i.market_hash_name,
      phase: i.phase,
      float: i.float,
      paint_seed: i.paint_seed,
      stickers: i.stickers?.map(sticker) ?? i.stickers,
      charms: i.charms?.map(charm) ?? i.charms,
      inspect: i.inspect == null ? i.inspect : { in_game: i.inspect.in_game, screenshot_front: i.inspect.screenshot_front, screenshot_back: i.inspect.screenshot_back },
    })),
    pagination: pagination(p.pagination),
  };
}

/** A catalog page: the schema already names every field and drops the rest. */
export function itemsPage(p: Wire<typeof s.itemsPageSchema>): Cs2CapItemsPage {
  return { items: p.items, pagination: pagination(p.pagination) };
}

/** The marketplaces, each with its health's amounts as Money. */
export function providers(map: Wire<typeof s.providersSchema>): Cs2CapProviders {
  const out: Cs2CapProviders = {};
  for (const [name, p] of Object.entries(map)) {
    const h = p.health;
    out[name] = {
      key: p.key,
      logo: p.logo,
      code: p.code,
      market_type: p.market_type,
      default_currency: p.default_currency,
      fees: { sell_fee: p.fees.sell_fee, insta_sell_fee: p.fees.insta_sell_fee, trading_spread_fee: p.fees.trading_spread_fee },
      features: { has_buy_orders: p.features.has_buy_orders, has_recent_sales: p.features.has_recent_sales },
      health: {
        status: h.status,
        last_checked_at: h.last_checked_at,
        total_offers: h.total_offers,
        unique_items: h.unique_items,
        market_coverage: h.market_coverage,
        total_value: h.total_value == null || !p.default_currency ? undefined : fromMinorUnits(h.total_value, p.default_currency),
        total_value_usd: h.total_value_usd == null ? undefined : fromMinorUnits(h.total_value_usd, 'USD'),
      },
    };
  }
  return out;
}

/** Key metadata, field by field. */
export function keyInfo(k: Wire<typeof s.apiKeyInfoSchema> | APIKeyInfo): Cs2CapKeyInfo {
  return {
    id: k.id,
    key_prefix: k.key_prefix,
    name: k.name,
    root_key_id: k.root_key_id,
    is_root_key: k.is_root_key ?? true,
    is_active: k.is_active,
    created_at: k.created_at,
    last_used_at: k.last_used_at,
    expires_at: k.expires_at,
    quota_requests_per_month_override: k.quota_requests_per_month_override,
    rate_requests_per_minute_override: k.rate_requests_per_minute_override,
    effective_quota_requests_per_month: k.effective_quota_requests_per_month ?? 0,
    effective_rate_requests_per_minute: k.effective_rate_requests_per_minute ?? 0,
  };
}

/** A child key with its use, field by field. */
export function subKeyDetail(d: { key: Wire<typeof s.apiKeyInfoSchema> | APIKeyInfo; requests_this_month?: number | null | undefined }): Cs2CapSubKeyDetail {
  return { key: keyInfo(d.key), requests_this_month: d.requests_this_month };
}

/** An arbitrage page, its USD strings as Money. */
export function arbitragePage(p: Wire<typeof s.arbitragePageSchema>): Cs2CapArbitragePage {
  const m = p.meta;
  return {
    meta: { generated_at: m.generated_at, data_source: m.data_source, freshness_sec: m.freshness_sec, window: m.window == null ? m.window : { timeframe: m.window.timeframe } },
    data: {
      items: p.data.items.map((i) => ({
        item_id: i.item_id,
        market_hash_name: i.market_hash_name,
        phase: i.phase,
        buy_provider: i.buy_provider,
        sell_provider: i.sell_provider,
        buy_price_usd: money(i.buy_price_usd, 'USD'),
        sell_price_usd: money(i.sell_price_usd, 'USD'),
        gross_spread_pct: i.gross_spread_pct,
        estimated_fees_usd: money(i.estimated_fees_usd, 'USD'),
        net_profit_usd: money(i.net_profit_usd, 'USD'),
        last_updated: i.last_updated,
      })),
    },
    pagination: pagination(p.pagination),
  };
}
