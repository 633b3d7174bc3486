/**
 * The CS2Cap sandbox's market analytics (reference/cs2cap.md §6.5), computed from the
 * sandbox's own prices, sales and candles so that a test can check each figure by hand:
 * - per item: best ask/bid = lowest ask / highest bid over the marketplaces (USD);
 *   avg spread = mean of (ask − bid) / ask × 100 over those with a bid; supply = listings
 *   summed; marketcap = best ask × supply; sales_1d/7d/30d = the item's sales in the sandbox's
 *   feed (five per sales marketplace, all within the last day); rank by marketcap, then id;
 * - indexes: marketcaps summed per `item_type` or `weapon_type` (`Other` when it has none);
 * - indicators: from the daily (or hourly) candles `GET /v1/prices/candles` serves with
 *   `fill=true` over 365 (30) days, in the requested currency: SMA = mean of the last N
 *   closes; EMA seeded with the SMA of the first N; RSI = 100 − 100 / (1 + mean gain / mean
 *   loss) over the last 14 changes; Bollinger = SMA 20 ± 2 population σ; ATR = mean true
 *   range over 14; VWAP = Σ close × volume / Σ volume;
 * - the deep chart: one daily series per marketplace, its ask moved by the candles' drift.
 */
import type { SandboxRequest, SandboxResponse, SandboxServer } from '../../src/testkit/server.js';
import type { SandboxCatalogItem } from './sandbox-catalog.js';

interface PriceRow {
  item_id: number;
  market_hash_name: string;
  provider: string;
  ask: number;
  quantity: number;
  bid: number | null;
  num_bids: number;
  timestamp: string;
}

/** One candle as the sandbox serves it (minor units of the currency asked). */
export interface SandboxCandle {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

/** What the sandbox lends the analytics desk. */
export interface MarketHost {
  readonly server: SandboxServer;
  readonly prices: readonly PriceRow[];
  /** Marketplaces with a recent-sales feed (five sales each per item). */
  readonly salesMarkets: ReadonlySet<string>;
  catalog(): SandboxCatalogItem[];
  /** The filled candles of an item, or an error answer. */
  candles(itemId: number, interval: '1d' | '1h', currency: string): SandboxCandle[] | SandboxResponse;
  /** USD cents → the currency's minor units; `undefined` for a currency it does not know. */
  money(cents: number, currency: string): { int: number; decimal: string } | undefined;
  authed(handler: (req: SandboxRequest) => SandboxResponse, options: { tier: 'pro' | 'quant' }): (req: SandboxRequest) => SandboxResponse;
}

/** Items whose candle history is too short for indicators (a 422, as documented). */
export const SANDBOX_SHORT_HISTORY = new Set<number>();
/** Marketplaces gone, with history only (`include_defunct=true`). */
const DEFUNCT = ['bitskins'] as const;

const usd = (cents: number): string => (cents / 100).toFixed(2);
const round = (n: number, places = 4): number => Math.round(n * 10 ** places) / 10 ** places;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Serve the analytics routes on the host's server. */
export function serveMarket(host: MarketHost): void {
  const meta = () => ({ generated_at: new Date().toISOString(), data_source: 'cache', freshness_sec: 300, window: null });
  const rowsOf = (itemId: number): PriceRow[] => host.prices.filter((p) => p.item_id === itemId);
  const summaries = (): Map<number, Record<string, unknown> & { marketcapCents: number }> => {
    const out = new Map<number, Record<string, unknown> & { marketcapCents: number }>();
    for (const item of host.catalog()) {
      const rows = rowsOf(item.item_id);
      const ask = Math.min(...rows.map((r) => r.ask));
      const bids = rows.filter((r) => r.bid !== null);
      const supply = rows.reduce((n, r) => n + r.quantity, 0);
      const sales = rows.filter((r) => host.salesMarkets.has(r.provider)).length * 5;
      out.set(item.item_id, {
        provider_count: rows.length,
        best_ask_usd: usd(ask),
        best_bid_usd: bids.length ? usd(Math.max(...bids.map((r) => r.bid!))) : null,
        avg_spread_pct: bids.length ? round(mean(bids.map((r) => ((r.ask - r.bid!) / r.ask) * 100)), 2) : null,
        total_volume_24h: sales, liquidity: null, supply, rank: null, marketcap: usd(ask * supply),
        price_rate_24h: null, price_diff_24h: null, price_rate_7d: null, price_diff_7d: null, price_rate_30d: null, price_diff_30d: null,
        sales_1d: sales, sales_7d: sales, sales_30d: sales, steam_sales_7d: null, steam_sales_30d: null,
        listing_score: null, gap_score: null, volume_score: null, stability_score: null, external_score: null, liquidity_last_updated: null,
        marketcapCents: ask * supply,
      });
    }
    [...out.entries()].sort(([ia, a], [ib, b]) => b.marketcapCents - a.marketcapCents || ia - ib).forEach(([, s], i) => (s.rank = i + 1));
    return out;
  };
  const publicSummary = (s: Record<string, unknown>): Record<string, unknown> => {
    const { marketcapCents: _m, ...rest } = s;
    return rest;
  };

  host.server.route('GET', '/v1/market/items', host.authed(() => {
    const all = summaries();
    const items = host.catalog()
      .map((i) => ({ item_id: i.item_id, market_hash_name: i.market_hash_name, phase: null, summary: all.get(i.item_id)! }))
      .sort((a, b) => (a.summary.rank as number) - (b.summary.rank as number) || a.item_id - b.item_id)
      .map((i) => ({ ...i, summary: publicSummary(i.summary) }));
    return { status: 200, body: { meta: meta(), data: { items } } };
  }, { tier: 'pro' }));

  host.server.route('GET', '/v1/market/items/:itemId', host.authed((req) => {
    const itemId = Number(req.params.itemId);
    if (!Number.isInteger(itemId)) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'int_parsing', loc: ['path', 'item_id'], msg: 'Input should be a valid integer', input: req.params.itemId }] } };
    const item = host.catalog().find((i) => i.item_id === itemId);
    if (!item) return { status: 404, body: { code: 'NOT_FOUND', detail: `No analytics data for item ${itemId}` } };
    const rows = rowsOf(itemId);
    const providers = rows.map((r) => ({
      provider: r.provider, ask_usd: usd(r.ask), bid_usd: r.bid === null ? null : usd(r.bid), spread_usd: r.bid === null ? null : usd(r.ask - r.bid),
      spread_pct: r.bid === null ? null : round(((r.ask - r.bid) / r.ask) * 100, 2), ask_depth: r.quantity, bid_depth: r.bid === null ? null : r.num_bids,
      volume_24h: host.salesMarkets.has(r.provider) ? 5 : 0, volume_7d: host.salesMarkets.has(r.provider) ? 5 : 0, total_value_24h_usd: null,
      price_rate_24h: null, price_diff_24h: null, price_rate_7d: null, price_diff_7d: null, price_rate_30d: null, price_diff_30d: null, bid_anomaly: false,
    }));
    return {
      status: 200,
      body: {
        meta: meta(),
        data: {
          item_id: itemId, market_hash_name: item.market_hash_name, phase: null, summary: publicSummary(summaries().get(itemId)!), providers,
          coverage: { provider_count: rows.length, providers_with_volume: rows.filter((r) => host.salesMarkets.has(r.provider)).length, providers_with_bid_side: rows.filter((r) => r.bid !== null).length },
        },
      },
    };
  }, { tier: 'pro' }));

  host.server.route('GET', '/v1/market/indexes', host.authed((req) => {
    const groupBy = req.query.get('group_by') ?? 'item_type';
    if (groupBy !== 'item_type' && groupBy !== 'weapon_type') return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'group_by'], msg: "Input should be 'item_type' or 'weapon_type'", input: groupBy }] } };
    const all = summaries();
    const groups = new Map<string, { cents: number; count: number }>();
    for (const item of host.catalog()) {
      const key = (groupBy === 'item_type' ? item.item_type : item.weapon_type) ?? 'Other';
      const g = groups.get(key) ?? { cents: 0, count: 0 };
      g.cents += all.get(item.item_id)!.marketcapCents;
      g.count += 1;
      groups.set(key, g);
    }
    const total = [...groups.values()].reduce((n, g) => n + g.cents, 0);
    return {
      status: 200,
      body: {
        meta: { ...meta(), group_by: groupBy },
        data: {
          total_marketcap_usd: usd(total),
          groups: [...groups.entries()].sort(([, a], [, b]) => b.cents - a.cents).map(([group, g]) => ({ group, marketcap_usd: usd(g.cents), item_count: g.count, included_count: g.count, excluded_count: 0 })),
        },
      },
    };
  }, { tier: 'quant' }));

  host.server.route('GET', '/v1/market/indicators', host.authed((req) => {
    const item = pickItem(host, req);
    if (!('item_id' in item)) return item;
    const interval = req.query.get('interval') ?? '1d';
    if (interval !== '1d' && interval !== '1h') return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'enum', loc: ['query', 'interval'], msg: "Input should be '1h' or '1d'", input: interval }] } };
    const currency = (req.query.get('currency') ?? 'USD').toUpperCase();
    const candles = host.candles(item.item_id, interval, currency);
    if (!Array.isArray(candles)) return candles;
    const usdCandles = host.candles(item.item_id, interval, 'USD');
    if (!Array.isArray(usdCandles)) return usdCandles;
    const series = SANDBOX_SHORT_HISTORY.has(item.item_id) ? candles.slice(-10) : candles;
    // The documented shape of "insufficient candle data": a 422 with a plain ErrorResponse.
    if (series.length < 20) return { status: 422, body: { code: 'INSUFFICIENT_DATA', detail: `Insufficient candle data: ${series.length} candles, at least 20 needed` } };
    return {
      status: 200,
      body: {
        meta: { ...meta(), interval, provider: 'All Providers' },
        data: { item_id: item.item_id, market_hash_name: item.market_hash_name, phase: null, provider: 'All Providers', interval, close_price_usd: usd(usdCandles.at(-1)!.c), ...indicators(series) },
      },
    };
  }, { tier: 'quant' }));

  host.server.route('GET', '/v1/market/history/chart', host.authed((req) => {
    const item = pickItem(host, req);
    if (!('item_id' in item)) return item;
    const currency = (req.query.get('currency') ?? 'USD').toUpperCase();
    if (host.money(100, currency) === undefined) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'value_error', loc: ['query', 'currency'], msg: 'Unsupported currency', input: currency }] } };
    const dayMs = 86_400_000;
    const todayStart = Math.floor(Date.now() / dayMs) * dayMs;
    let end = req.query.get('end') ? Date.parse(req.query.get('end')!) : todayStart + dayMs;
    let start: number;
    const lookback = req.query.get('lookback');
    if (lookback !== null) {
      if (!/^\d{1,5}$/.test(lookback) || Number(lookback) < 1) return { status: 422, body: { code: 'VALIDATION_ERROR', detail: [{ type: 'int_parsing', loc: ['query', 'lookback'], msg: 'Input should be a valid integer', input: lookback }] } };
      start = end - Number(lookback) * dayMs;
    } else start = req.query.get('start') ? Date.parse(req.query.get('start')!) : end - 365 * dayMs;
    if (Number.isNaN(start) || Number.isNaN(end)) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'start and end must be ISO 8601 dates' } };
    if (end <= start) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'end must be after start' } };
    start = Math.ceil(start / dayMs) * dayMs;
    end = Math.ceil(end / dayMs) * dayMs;
    const wanted = req.query.getAll('providers');
    const rows = rowsOf(item.item_id).filter((r) => !wanted.length || wanted.includes(r.provider));
    const point = (t: number, cents: number, qty: number) => ({ t: t / 1000, price: host.money(Math.round(cents * drift(t, item.item_id)), currency)!.int, qty });
    const series = rows.map((r) => {
      const data = [];
      for (let t = start; t < end; t += dayMs) data.push(point(t, r.ask, r.quantity));
      return { provider: r.provider, data };
    });
    if (req.query.get('include_defunct') === 'true') {
      const base = Math.min(...rowsOf(item.item_id).map((r) => r.ask));
      for (const provider of DEFUNCT) {
        const data = [];
        // A defunct marketplace's history stops: its first ten days of the window only.
        for (let t = start; t < Math.min(end, start + 10 * dayMs); t += dayMs) data.push(point(t, base, 0));
        series.push({ provider, data });
      }
    }
    return {
      status: 200,
      body: { meta: { item_id: item.item_id, market_hash_name: item.market_hash_name, currency, start: new Date(start).toISOString(), end: new Date(end).toISOString(), providers: series.map((s) => s.provider) }, series },
    };
  }, { tier: 'quant' }));
}

/** The candles' smooth drift (without their noise), as a factor on an ask. */
export function drift(t: number, itemId: number): number {
  const days = t / 86_400_000;
  return 1 + 0.06 * Math.sin(days / 3 + itemId) + 0.02 * Math.sin(days * 7.3);
}

function pickItem(host: MarketHost, req: SandboxRequest): SandboxCatalogItem | SandboxResponse {
  const itemId = req.query.get('item_id');
  const name = req.query.get('market_hash_name');
  if (!itemId && !name) return { status: 400, body: { code: 'BAD_REQUEST', detail: 'item_id or market_hash_name is required' } };
  const item = host.catalog().find((i) => (itemId ? i.item_id === Number(itemId) : i.market_hash_name === name));
  return item ?? { status: 404, body: { code: 'NOT_FOUND', detail: `Item not found: ${itemId ?? name}` } };
}

/** The indicator blocks of a candle series (minor units in; major units out; see the file comment). */
export function indicators(candles: readonly SandboxCandle[]): Record<string, unknown> {
  const closes = candles.map((k) => k.c / 100);
  const last = (n: number): number[] | undefined => (closes.length >= n ? closes.slice(-n) : undefined);
  const sma = (n: number): number | null => {
    const xs = last(n);
    return xs ? round(mean(xs)) : null;
  };
  const emaSeries = (xs: readonly number[], n: number): number[] => {
    if (xs.length < n) return [];
    const k = 2 / (n + 1);
    const out = [mean(xs.slice(0, n))];
    for (const x of xs.slice(n)) out.push(x * k + out.at(-1)! * (1 - k));
    return out;
  };
  const ema = (n: number): number | null => {
    const s = emaSeries(closes, n);
    return s.length ? round(s.at(-1)!) : null;
  };
  const ema12 = emaSeries(closes, 12);
  const ema26 = emaSeries(closes, 26);
  const macd = ema26.map((v, i) => ema12[i + 14]! - v);
  const signal = emaSeries(macd, 9);
  const changes = closes.slice(1).map((c, i) => c - closes[i]!).slice(-14);
  const gain = mean(changes.map((d) => Math.max(0, d)));
  const loss = mean(changes.map((d) => Math.max(0, -d)));
  const rsi = changes.length < 14 ? null : loss === 0 ? 100 : round(100 - 100 / (1 + gain / loss), 2);
  const window20 = last(20);
  const middle = window20 ? mean(window20) : null;
  const sigma = window20 && middle !== null ? Math.sqrt(mean(window20.map((x) => (x - middle) ** 2))) : null;
  const trueRanges = candles.slice(1).map((k, i) => Math.max(k.h - k.l, Math.abs(k.h - candles[i]!.c), Math.abs(k.l - candles[i]!.c)) / 100).slice(-14);
  const atr = trueRanges.length < 14 ? null : round(mean(trueRanges));
  const returns = closes.slice(1).map((c, i) => Math.log(c / closes[i]!)).slice(-20);
  const rMean = mean(returns);
  const volumeSum = candles.reduce((n, k) => n + k.v, 0);
  let obv = 0;
  candles.slice(1).forEach((k, i) => (obv += k.c > candles[i]!.c ? k.v : k.c < candles[i]!.c ? -k.v : 0));
  const ema20 = ema(20);
  const close = closes.at(-1)!;
  const bbUpper = middle !== null && sigma !== null ? round(middle + 2 * sigma) : null;
  const bbLower = middle !== null && sigma !== null ? round(middle - 2 * sigma) : null;
  const sma50 = sma(50);
  const macdLine = macd.length ? round(macd.at(-1)!) : null;
  const macdSignal = signal.length ? round(signal.at(-1)!) : null;
  const sufficient = [[20, 'sma_20'], [50, 'sma_50'], [200, 'sma_200'], [26, 'macd'], [15, 'rsi_14']] as const;
  return {
    momentum: {
      rsi_14: rsi, macd_line: macdLine, macd_signal: macdSignal, macd_histogram: macdLine !== null && macdSignal !== null ? round(macdLine - macdSignal) : null,
      sma_20: sma(20), sma_50: sma50, sma_200: sma(200), ema_12: ema(12), ema_26: ema(26), bb_upper: bbUpper, bb_middle: middle === null ? null : round(middle), bb_lower: bbLower,
    },
    volatility: {
      atr_14: atr, historical_volatility_20: returns.length < 20 ? null : round(Math.sqrt(mean(returns.map((r) => (r - rMean) ** 2))) * 100),
      kc_upper: ema20 !== null && atr !== null ? round(ema20 + 2 * atr) : null, kc_middle: ema20, kc_lower: ema20 !== null && atr !== null ? round(ema20 - 2 * atr) : null,
    },
    volume: { vwap: volumeSum ? round(candles.reduce((n, k) => n + (k.c / 100) * k.v, 0) / volumeSum) : null, obv, volume_sma_20: candles.length >= 20 ? round(mean(candles.slice(-20).map((k) => k.v))) : null },
    signals: {
      rsi: rsi === null ? null : rsi > 70 ? 'overbought' : rsi < 30 ? 'oversold' : 'neutral',
      macd: macdLine === null || macdSignal === null ? null : macdLine > macdSignal ? 'bullish' : 'bearish',
      trend: sma50 === null ? null : close > sma50 ? 'up' : 'down',
      bollinger: bbUpper === null || bbLower === null ? null : close > bbUpper ? 'above_upper' : close < bbLower ? 'below_lower' : 'inside',
      volatility: null, composite_score: null,
    },
    coverage: {
      candle_count: candles.length, first_bucket: new Date(candles[0]!.t * 1000).toISOString(), last_bucket: new Date(candles.at(-1)!.t * 1000).toISOString(),
      sufficient_for: sufficient.filter(([n]) => closes.length >= n).map(([, name]) => name), insufficient_for: sufficient.filter(([n]) => closes.length < n).map(([, name]) => name),
    },
  };
}
