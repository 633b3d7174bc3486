/**
 * The sandbox's `/historical` routes (see historical-calls.ts), consistent with the rest of
 * the sandbox and with its cut-off times: seeded markets settled before the cut-off (with
 * their trades), plus everything the matching engine did before the cut-off — markets it
 * settled, its trades, each user's fills, finished orders and positions in settled events.
 * Candles are computed from those trades the way the live candlestick route computes them.
 *
 * The core's cut-off (sandbox.ts) is a fixed date before anything the engine does, so
 * `setHistoricalCutoff` moves it for a test; this module then serves `GET /historical/cutoff`
 * too, so the client reads the cut-off the data follows.
 */
import type { SandboxRequest, SandboxResponse } from '../../src/testkit/server.js';
import type { KalshiSandbox, KalshiSandboxKit } from './sandbox.js';
import { formatCount, formatMicros, formatPrice, parseCount, parsePrice, type SandboxFill, type SandboxPosition, type SandboxTrade } from './sandbox-matching.js';
import type { SandboxOrderView } from './sandbox-market-events.js';
import { intParam, secondsParam, specMarketJson, stableId } from './sandbox-data.js';

/** The cut-off times, epoch ms: data older than each lives under `/historical`. */
export interface HistoricalCutoff {
  /** Markets settled before it (and their candles). */
  readonly marketSettled: number;
  /** Trades and fills before it. */
  readonly tradesCreated: number;
  /** Orders canceled or executed before it. */
  readonly ordersUpdated: number;
  /** Positions of events settled before it. */
  readonly positionsUpdated: number;
}
/** The sandbox's cut-off until a test moves it: the same date for every kind of data. */
const DEFAULT_CUTOFF_MS = Date.parse('2026-01-01T00:00:00Z');

interface ArchivedMarket {
  ticker: string;
  eventTicker: string;
  title: string;
  openTime: string;
  closeTime: string;
  settledAt: number;
  result: 'yes' | 'no';
  mveCollection?: string;
}
/** Markets settled before the default cut-off, with a few trades each (seeded history). */
const SEEDED_MARKETS: ArchivedMarket[] = [
  { ticker: 'KXFEDDECISION-25DEC-C25', eventTicker: 'KXFEDDECISION-25DEC', title: 'Fed cuts 25 bps in December 2025', openTime: '2025-10-01T00:00:00Z', closeTime: '2025-12-10T19:00:00Z', settledAt: Date.parse('2025-12-10T21:00:00Z'), result: 'yes' },
  { ticker: 'KXFEDDECISION-25DEC-H0', eventTicker: 'KXFEDDECISION-25DEC', title: 'Fed holds rates in December 2025', openTime: '2025-10-01T00:00:00Z', closeTime: '2025-12-10T19:00:00Z', settledAt: Date.parse('2025-12-10T21:00:00Z'), result: 'no' },
  { ticker: 'KXBTCMAXY-25-T150000', eventTicker: 'KXBTCMAXY-25', title: 'Bitcoin above $150,000 in 2025', openTime: '2025-01-02T00:00:00Z', closeTime: '2025-12-31T12:00:00Z', settledAt: Date.parse('2025-12-31T18:00:00Z'), result: 'no' },
  { ticker: 'KXMVECROSS-25-S1-A1', eventTicker: 'KXMVECROSS-25-S1', title: 'Fed cut in December 2025 and Bitcoin above $150,000', openTime: '2025-10-01T00:00:00Z', closeTime: '2025-12-10T19:00:00Z', settledAt: Date.parse('2025-12-31T20:00:00Z'), result: 'no', mveCollection: 'KXMVECROSS-25' },
];
/** Seeded trades: [market, time, YES price, count, taker side, block trade]. */
const SEEDED_TRADE_ROWS: [string, string, string, string, 'yes' | 'no', boolean][] = [
  ['KXFEDDECISION-25DEC-C25', '2025-12-08T10:00:00Z', '0.6200', '10.00', 'yes', false],
  ['KXFEDDECISION-25DEC-C25', '2025-12-08T10:00:30Z', '0.6400', '5.00', 'yes', false],
  ['KXFEDDECISION-25DEC-C25', '2025-12-08T10:01:10Z', '0.6100', '2.50', 'no', false],
  ['KXFEDDECISION-25DEC-C25', '2025-12-08T11:30:00Z', '0.7000', '20.00', 'yes', false],
  ['KXFEDDECISION-25DEC-C25', '2025-12-09T15:00:00Z', '0.8500', '500.00', 'yes', true],
  ['KXFEDDECISION-25DEC-H0', '2025-12-08T10:05:00Z', '0.3300', '12.00', 'no', false],
  ['KXFEDDECISION-25DEC-H0', '2025-12-09T09:00:00Z', '0.1800', '40.00', 'no', false],
  ['KXBTCMAXY-25-T150000', '2025-11-20T08:00:00Z', '0.0900', '100.00', 'no', false],
  ['KXBTCMAXY-25-T150000', '2025-12-30T22:15:00Z', '0.0200', '250.00', 'no', false],
  ['KXMVECROSS-25-S1-A1', '2025-12-01T12:00:00Z', '0.3500', '3.00', 'yes', false],
];
const SEEDED_TRADES: SandboxTrade[] = SEEDED_TRADE_ROWS.map(([ticker, time, yes, count, taker], i) => ({
  type: 'trade', tradeId: stableId(`historical-trade-${i}`), ticker, yesPrice: yes, noPrice: formatPrice(10_000 - parsePrice(yes)!), count,
  takerSide: taker, takerBookSide: taker === 'yes' ? 'bid' : 'ask', ts: Date.parse(time),
}));
const SEEDED_BLOCK_TRADES = new Set(SEEDED_TRADE_ROWS.flatMap((r, i) => (r[5] ? [SEEDED_TRADES[i]!.tradeId] : [])));

interface HistoricalState {
  cutoff: HistoricalCutoff;
  /** Whether a test moved the cut-off (then `GET /historical/cutoff` also names the positions one). */
  moved: boolean;
  /** When the engine settled each market (from its lifecycle events). */
  settledAt: Map<string, number>;
}
const states = new WeakMap<KalshiSandbox, HistoricalState>();
const stateOf = (sandbox: KalshiSandbox): HistoricalState => {
  const s = states.get(sandbox);
  if (!s) throw new Error('this sandbox has no historical area installed');
  return s;
};

/**
 * Move a sandbox's historical cut-off (a test hook): one `Date` for every kind of data, or
 * some of them. What the engine did before it then appears under `/historical`, and
 * `GET /historical/cutoff` answers it.
 */
export function setHistoricalCutoff(sandbox: KalshiSandbox, at: Date | { marketSettled?: Date; tradesCreated?: Date; ordersUpdated?: Date; positionsUpdated?: Date }): void {
  const s = stateOf(sandbox);
  const all = at instanceof Date ? { marketSettled: at, tradesCreated: at, ordersUpdated: at, positionsUpdated: at } : at;
  s.moved = true;
  s.cutoff = {
    marketSettled: all.marketSettled?.getTime() ?? s.cutoff.marketSettled,
    tradesCreated: all.tradesCreated?.getTime() ?? s.cutoff.tradesCreated,
    ordersUpdated: all.ordersUpdated?.getTime() ?? s.cutoff.ordersUpdated,
    positionsUpdated: all.positionsUpdated?.getTime() ?? s.cutoff.positionsUpdated,
  };
}

/** Put a sandbox's cut-off back where the core sandbox has it (and its answer back to the core's). */
export function resetHistoricalCutoff(sandbox: KalshiSandbox): void {
  const s = stateOf(sandbox);
  s.moved = false;
  s.cutoff = { marketSettled: DEFAULT_CUTOFF_MS, tradesCreated: DEFAULT_CUTOFF_MS, ordersUpdated: DEFAULT_CUTOFF_MS, positionsUpdated: DEFAULT_CUTOFF_MS };
}

/** A sandbox's cut-off times now (epoch ms). */
export function historicalCutoff(sandbox: KalshiSandbox): HistoricalCutoff {
  return stateOf(sandbox).cutoff;
}

/**
 * Tickers of the sandbox's own markets archived now (settled before the market cut-off):
 * what the live `/markets` list should leave out.
 */
export function archivedLiveTickers(sandbox: KalshiSandbox): string[] {
  const s = stateOf(sandbox);
  return [...s.settledAt].filter(([, at]) => at < s.cutoff.marketSettled).map(([t]) => t);
}

/**
 * Whether a position in `ticker` is archived now: every market of its event settled before the
 * positions cut-off (positions move per whole event). Such a position is served by
 * `/historical/positions` and left out of the live `/portfolio/positions`, so it is listed once.
 */
export function isArchivedPosition(sandbox: KalshiSandbox, ticker: string): boolean {
  const s = stateOf(sandbox);
  const event = sandbox.markets.find((m) => m.ticker === ticker)?.event_ticker;
  if (event === undefined) return false;
  return sandbox.markets.filter((m) => m.event_ticker === event).every((m) => {
    const at = s.settledAt.get(m.ticker);
    return at !== undefined && at < s.cutoff.positionsUpdated;
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** RFC 3339 as the core sandbox writes its cut-off: no fraction on a whole second. */
const rfc3339 = (ms: number): string => iso(ms).replace(/\.000Z$/, 'Z');
/** `min_ts` / `max_ts` (Unix seconds, both inclusive) over epoch ms. */
const within = (ms: number, min: number | undefined, max: number | undefined): boolean => (min === undefined || ms >= min * 1000) && (max === undefined || ms <= max * 1000);

/** Count-weighted mean of trade prices, rounded half up to the micro-dollar. */
function meanPrice(trades: SandboxTrade[]): string {
  let weighted = 0n;
  let units = 0n;
  for (const t of trades) {
    const c = BigInt(parseCount(t.count) ?? 0);
    weighted += BigInt(parsePrice(t.yesPrice)!) * 100n * c; // price units (1e-4 $) × 100 = µ$
    units += c;
  }
  return formatMicros(units === 0n ? 0n : (weighted * 2n + units) / (2n * units));
}

/** Install the historical routes. */
export function installHistorical(kit: KalshiSandboxKit): void {
  const sandbox = kit.sandbox;
  const state: HistoricalState = {
    cutoff: { marketSettled: DEFAULT_CUTOFF_MS, tradesCreated: DEFAULT_CUTOFF_MS, ordersUpdated: DEFAULT_CUTOFF_MS, positionsUpdated: DEFAULT_CUTOFF_MS },
    moved: false,
    settledAt: new Map(),
  };
  states.set(sandbox, state);
  sandbox.engine.onEvent((e) => {
    if (e.type === 'lifecycle' && e.event === 'settled' && !state.settledAt.has(e.ticker)) state.settledAt.set(e.ticker, e.ts);
  });

  /** Every archived market now: the seeded ones and those the engine settled before the cut-off, newest settlement first. */
  const archived = (): ArchivedMarket[] => {
    const engineMarkets = sandbox.markets.flatMap((m): ArchivedMarket[] => {
      const at = state.settledAt.get(m.ticker);
      const result = sandbox.engine.market(m.ticker)?.result;
      if (at === undefined || at >= state.cutoff.marketSettled || !result) return [];
      return [{ ticker: m.ticker, eventTicker: m.event_ticker, title: m.title, openTime: '2026-01-02T00:00:00Z', closeTime: m.close_time, settledAt: at, result }];
    });
    return [...SEEDED_MARKETS, ...engineMarkets].sort((a, b) => b.settledAt - a.settledAt || a.ticker.localeCompare(b.ticker));
  };
  const isSeeded = (ticker: string): boolean => SEEDED_MARKETS.some((m) => m.ticker === ticker);
  /** Trades of an archived market: all of them (the market moved to the archive whole). */
  const tradesOfArchived = (ticker: string): SandboxTrade[] => (isSeeded(ticker) ? SEEDED_TRADES.filter((t) => t.ticker === ticker) : sandbox.engine.trades(ticker));
  /** Trades older than the trades cut-off, oldest first. */
  const historicalTrades = (): SandboxTrade[] => [...SEEDED_TRADES, ...sandbox.engine.trades().filter((t) => t.ts < state.cutoff.tradesCreated)].sort((a, b) => a.ts - b.ts);
  const marketJson = (m: ArchivedMarket): Record<string, unknown> => {
    const trades = tradesOfArchived(m.ticker);
    const volume = trades.reduce((sum, t) => sum + (parseCount(t.count) ?? 0), 0);
    return specMarketJson({
      ticker: m.ticker, eventTicker: m.eventTicker, title: m.title, createdTime: m.openTime, openTime: m.openTime, closeTime: m.closeTime,
      status: 'finalized', result: m.result, lastPrice: trades.at(-1)?.yesPrice ?? '0.0000', volume: formatCount(volume), settlementTs: iso(m.settledAt),
      ...(m.mveCollection ? { exchangeIndex: 1, mve: { collectionTicker: m.mveCollection, legs: [] } } : {}),
    });
  };
  const seriesOf = (eventTicker: string): string => eventTicker.split('-')[0]!;
  const paging = (req: SandboxRequest, min: number): SandboxResponse | undefined => intParam(kit, req, 'limit', min, 1000).error;
  /** One page; `limit=0` (which the market and trade lists allow) reads as the default 100. */
  const pageOf = <T>(req: SandboxRequest, rows: T[]): { page: T[]; cursor: string } => {
    if (req.query.get('limit') !== '0') return kit.page(req, rows, 100);
    const query = new URLSearchParams(req.query);
    query.delete('limit');
    return kit.page({ ...req, query }, rows, 100);
  };
  /** 0 (and omitted) is every sandbox user's only subaccount; any other has nothing. */
  const subaccountRows = <T>(req: SandboxRequest, rows: T[]): T[] | SandboxResponse => {
    const sub = intParam(kit, req, 'subaccount', 0, 63);
    if (sub.error) return sub.error;
    return sub.value === undefined || sub.value === 0 ? rows : [];
  };
  const range = (req: SandboxRequest): { min?: number; max?: number; error?: SandboxResponse } => {
    const min = secondsParam(kit, req, 'min_ts');
    const max = secondsParam(kit, req, 'max_ts');
    return { ...(min.value !== undefined ? { min: min.value } : {}), ...(max.value !== undefined ? { max: max.value } : {}), ...(min.error ?? max.error ? { error: (min.error ?? max.error)! } : {}) };
  };

  // Until a test moves it, the answer is the core sandbox's own, field for field.
  kit.route('GET', '/historical/cutoff', kit.public(() => ({
    status: 200,
    body: {
      market_settled_ts: rfc3339(state.cutoff.marketSettled), trades_created_ts: rfc3339(state.cutoff.tradesCreated), orders_updated_ts: rfc3339(state.cutoff.ordersUpdated),
      ...(state.moved ? { market_positions_last_updated_ts: rfc3339(state.cutoff.positionsUpdated) } : {}),
    },
  })));

  kit.route('GET', '/historical/markets', kit.public((req) => {
    const bad = paging(req, 0);
    if (bad) return bad;
    const tickers = req.query.get('tickers')?.split(',').filter(Boolean);
    const event = req.query.get('event_ticker');
    const series = req.query.get('series_ticker');
    if ([tickers, event, series].filter((f) => f !== undefined && f !== null).length > 1) return kit.invalid('tickers', 'tickers, event_ticker and series_ticker are mutually exclusive');
    const mve = req.query.get('mve_filter');
    if (mve !== null && mve !== 'exclude') return kit.invalid('mve_filter', 'must be exclude');
    const rows = archived().filter((m) => (!tickers || tickers.includes(m.ticker)) && (!event || m.eventTicker === event) && (!series || seriesOf(m.eventTicker) === series) && (mve !== 'exclude' || !m.mveCollection));
    const { page, cursor } = pageOf(req, rows);
    return { status: 200, body: { markets: page.map(marketJson), cursor } };
  }));
  kit.route('GET', '/historical/markets/:ticker/candlesticks', kit.public((req) => {
    const m = archived().find((x) => x.ticker === req.params.ticker);
    const start = secondsParam(kit, req, 'start_ts', true);
    const end = secondsParam(kit, req, 'end_ts', true);
    const bad = start.error ?? end.error;
    if (bad) return bad;
    const minutes = req.query.get('period_interval');
    if (minutes === null || !['1', '60', '1440'].includes(minutes)) return kit.invalid('period_interval', 'must be 1, 60 or 1440');
    if (!m) return { status: 404, body: { code: 'not_found', message: 'no archived market with this ticker', details: '' } };
    const period = Number(minutes) * 60;
    // As the live route: each trade in [start, end] goes to the period it falls in, which ends
    // at the next multiple of the period (a trade on a boundary opens the next one).
    const byEnd = new Map<number, SandboxTrade[]>();
    for (const t of tradesOfArchived(m.ticker)) {
      const seconds = Math.floor(t.ts / 1000);
      if (seconds < start.value! || seconds > end.value!) continue;
      const endTs = Math.ceil((seconds + 1) / period) * period;
      byEnd.set(endTs, [...(byEnd.get(endTs) ?? []), t]);
    }
    // The market's book is gone once settled: no bids, asks at 1 (as the live route reads an empty book).
    const flat = (v: string) => ({ open: v, low: v, high: v, close: v });
    let previous: string | null = null;
    const before = tradesOfArchived(m.ticker).filter((t) => Math.floor(t.ts / 1000) < start.value!).at(-1);
    if (before) previous = before.yesPrice;
    const candles = [...byEnd.entries()].sort(([a], [b]) => a - b).map(([endTs, trades]) => {
      const prices = trades.map((t) => t.yesPrice);
      const sorted = prices.slice().sort((a, b) => parsePrice(a)! - parsePrice(b)!);
      const volume = trades.reduce((sum, t) => sum + (parseCount(t.count) ?? 0), 0);
      const candle = {
        end_period_ts: endTs, yes_bid: flat('0.0000'), yes_ask: flat('1.0000'),
        price: { open: prices[0]!, low: sorted[0]!, high: sorted.at(-1)!, close: prices.at(-1)!, mean: meanPrice(trades), previous },
        volume: formatCount(volume), open_interest: '0.00',
      };
      previous = prices.at(-1)!;
      return candle;
    });
    return { status: 200, body: { ticker: m.ticker, candlesticks: candles } };
  }));
  kit.route('GET', '/historical/markets/:ticker', kit.public((req) => {
    const m = archived().find((x) => x.ticker === req.params.ticker);
    return m ? { status: 200, body: { market: marketJson(m) } } : { status: 404, body: { code: 'not_found', message: 'no archived market with this ticker', details: '' } };
  }));

  kit.route('GET', '/historical/trades', kit.public((req) => {
    const bad = paging(req, 0) ?? range(req).error;
    if (bad) return bad;
    const { min, max } = range(req);
    const ticker = req.query.get('ticker');
    const block = req.query.get('is_block_trade');
    const isBlock = (t: SandboxTrade): boolean => t.blockTrade === true || SEEDED_BLOCK_TRADES.has(t.tradeId);
    const rows = historicalTrades().filter((t) => (!ticker || t.ticker === ticker) && within(t.ts, min, max) && (block === null || (block === 'true') === isBlock(t))).reverse().map((t) => ({
      trade_id: t.tradeId, ticker: t.ticker, count_fp: t.count, yes_price_dollars: t.yesPrice, no_price_dollars: t.noPrice,
      taker_outcome_side: t.takerSide, taker_book_side: t.takerBookSide, created_time: iso(t.ts), is_block_trade: isBlock(t),
    }));
    const { page, cursor } = pageOf(req, rows);
    return { status: 200, body: { trades: page, cursor } };
  }));

  kit.route('GET', '/historical/fills', kit.signed('read', (req, key) => {
    const r = range(req);
    const bad = paging(req, 1) ?? r.error;
    if (bad) return bad;
    const ticker = req.query.get('ticker');
    const fills = sandbox.engine.fills(key.user.id).filter((f) => f.ts < state.cutoff.tradesCreated && (!ticker || f.ticker === ticker) && within(f.ts, r.min, r.max)).reverse();
    const rows = subaccountRows(req, fills);
    if (!Array.isArray(rows)) return rows;
    const { page, cursor } = kit.page(req, rows.map(fillJson), 100);
    return { status: 200, body: { fills: page, cursor } };
  }));
  kit.route('GET', '/historical/orders', kit.signed('read', (req, key) => {
    const r = range(req);
    const bad = paging(req, 1) ?? r.error;
    if (bad) return bad;
    const ticker = req.query.get('ticker');
    const orders = sandbox.engine.orders(key.user.id, ticker ? { ticker } : {})
      .filter((o) => o.status !== 'resting' && o.last_updated_ts_ms < state.cutoff.ordersUpdated && within(o.created_ts_ms, r.min, r.max));
    const rows = subaccountRows(req, orders);
    if (!Array.isArray(rows)) return rows;
    const { page, cursor } = kit.page(req, rows.map(orderJson), 100);
    return { status: 200, body: { orders: page, cursor } };
  }));
  kit.route('GET', '/historical/positions', kit.signed('read', (req, key) => {
    const bad = paging(req, 1);
    if (bad) return bad;
    const ticker = req.query.get('ticker');
    const event = req.query.get('event_ticker');
    const eventOf = (t: string): string | undefined => sandbox.markets.find((m) => m.ticker === t)?.event_ticker;
    const positions = sandbox.engine.positions(key.user.id).filter((p) => {
      const ev = eventOf(p.ticker);
      return ev !== undefined && isArchivedPosition(sandbox, p.ticker) && (!ticker || p.ticker === ticker) && (!event || ev === event);
    });
    const rows = subaccountRows(req, positions);
    if (!Array.isArray(rows)) return rows;
    const { page, cursor } = kit.page(req, rows, 100);
    const events = new Map<string, SandboxPosition[]>();
    for (const p of page) events.set(eventOf(p.ticker)!, [...(events.get(eventOf(p.ticker)!) ?? []), p]);
    const sum = (ps: SandboxPosition[], f: (p: SandboxPosition) => bigint): string => formatMicros(ps.reduce((s, p) => s + f(p), 0n));
    return {
      status: 200,
      body: {
        cursor,
        market_positions: page.map((p) => ({
          ticker: p.ticker, exchange_index: 0, total_traded_dollars: formatMicros(p.totalTraded), position_fp: formatCount(p.position), market_exposure_dollars: formatMicros(p.costBasis),
          realized_pnl_dollars: formatMicros(p.realizedPnl), fees_paid_dollars: formatMicros(p.feesPaid), last_updated_ts: iso(p.lastUpdatedTs),
        })),
        event_positions: [...events].map(([ev, ps]) => ({
          event_ticker: ev, total_cost_dollars: sum(ps, (p) => p.totalTraded), total_cost_shares_fp: formatCount(ps.reduce((s, p) => s + p.volume, 0)),
          event_exposure_dollars: sum(ps, (p) => p.costBasis), realized_pnl_dollars: sum(ps, (p) => p.realizedPnl), fees_paid_dollars: sum(ps, (p) => p.feesPaid),
        })),
      },
    };
  }));
}

/** A fill as the spec's `Fill` has it (every sandbox user trades on subaccount 0, exchange 0). */
function fillJson(f: SandboxFill): Record<string, unknown> {
  return {
    fill_id: f.fillId, exchange_index: 0, trade_id: f.tradeId, order_id: f.orderId, ticker: f.ticker, market_ticker: f.ticker, side: f.side, action: f.action,
    outcome_side: f.outcomeSide, book_side: f.bookSide, count_fp: f.count, yes_price_dollars: f.yesPrice, no_price_dollars: f.noPrice, is_taker: f.isTaker,
    created_time: iso(f.ts), fee_cost: f.fee, subaccount_number: 0, ts: Math.floor(f.ts / 1000),
  };
}

/** An order as the spec's `Order` has it. */
function orderJson(o: SandboxOrderView): Record<string, unknown> {
  return {
    order_id: o.order_id, user_id: o.user_id, client_order_id: o.client_order_id, ticker: o.ticker, side: o.side, action: o.action, outcome_side: o.outcome_side, book_side: o.book_side,
    type: o.type, status: o.status, yes_price_dollars: o.yes_price_dollars, no_price_dollars: o.no_price_dollars, fill_count_fp: o.fill_count_fp, remaining_count_fp: o.remaining_count_fp,
    initial_count_fp: o.initial_count_fp, taker_fill_cost_dollars: o.taker_fill_cost_dollars, maker_fill_cost_dollars: o.maker_fill_cost_dollars, taker_fees_dollars: o.taker_fees_dollars,
    maker_fees_dollars: o.maker_fees_dollars, expiration_time: o.expiration_time, created_time: o.created_time, last_update_time: o.last_update_time,
    self_trade_prevention_type: o.self_trade_prevention_type, order_group_id: null, cancel_order_on_pause: false, subaccount_number: 0, exchange_index: 0,
  };
}
