/**
 * The sandbox's market-data routes (see data-calls.ts): milestones tied to the seeded events,
 * their live data and game stats, event live data, a weather index and its calibrations for
 * two cities, structured targets, the sport filters, incentive programs on seeded markets,
 * forecast percentile history, and multivariate collections whose combination markets are
 * created once per combination (a repeat answers the same market). Data is deterministic:
 * fixed records, and series computed from the timestamps asked for. Every documented filter
 * and paging parameter is honoured; unknown ids get the status the spec documents.
 */
import { createHash } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../../src/testkit/server.js';
import type { KalshiSandbox, KalshiSandboxKit } from './sandbox.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The spec's ms fields: below 1e11 a value can only be seconds (the sandbox refuses it, as the core does the reverse). */
const MIN_UNIX_MS = 1e11;
const MAX_UNIX_SECONDS = 1e11;
const notFound = (what: string): SandboxResponse => ({ status: 404, body: { code: 'not_found', message: `${what} not found`, details: '' } });
const isoOf = (ms: number): string => new Date(ms).toISOString();
/** The series of an event: its ticker up to the first dash (as the core sandbox derives it). */
const seriesOf = (eventTicker: string): string => eventTicker.split('-')[0]!;
const shortHash = (text: string, length = 8): string => createHash('sha256').update(text).digest('hex').slice(0, length).toUpperCase();
/** A UUID-shaped id derived from a name (deterministic). */
export const stableId = (name: string): string => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** An integer query parameter within bounds: its value, undefined when absent, or the 400 to answer. */
export function intParam(kit: KalshiSandboxKit, req: SandboxRequest, name: string, min: number, max: number): { value?: number; error?: SandboxResponse } {
  const raw = req.query.get(name);
  if (raw === null) return {};
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) return { error: kit.invalid(name, `must be an integer from ${min} to ${max}`) };
  return { value: Number(raw) };
}

/** Unix seconds in a query (the core sandbox's rule: an integer, and not a millisecond value). */
export function secondsParam(kit: KalshiSandboxKit, req: SandboxRequest, name: string, required = false): { value?: number; error?: SandboxResponse } {
  const raw = req.query.get(name);
  if (raw === null) return required ? { error: kit.invalid(name, 'is required') } : {};
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_UNIX_SECONDS) return { error: kit.invalid(name, 'must be a Unix timestamp in seconds') };
  return { value: Number(raw) };
}

/** One page by `limitName` (not always `limit`) and `cursor`, through the kit's paging. */
function pageBy<T>(kit: KalshiSandboxKit, req: SandboxRequest, rows: T[], limit: number): { page: T[]; cursor: string } {
  const query = new URLSearchParams({ limit: String(limit) });
  const cursor = req.query.get('cursor');
  if (cursor) query.set('cursor', cursor);
  return kit.page({ ...req, query }, rows, limit);
}

/**
 * A market as the spec's `Market` has it (every required field), for markets this module
 * makes: combination markets here, archived markets in sandbox-historical.ts.
 */
export function specMarketJson(m: {
  ticker: string; eventTicker: string; title: string; createdTime: string; openTime: string; closeTime: string;
  status: string; result?: string; lastPrice?: string; volume?: string; settlementTs?: string; exchangeIndex?: number;
  mve?: { collectionTicker: string; legs: { event_ticker: string; market_ticker: string; side: string }[] };
}): Record<string, unknown> {
  const settled = m.result === 'yes' || m.result === 'no';
  return {
    ticker: m.ticker, event_ticker: m.eventTicker, market_type: 'binary', title: m.title, yes_sub_title: 'Yes', no_sub_title: 'No',
    created_time: m.createdTime, updated_time: m.settlementTs ?? m.createdTime, open_time: m.openTime, close_time: m.closeTime, latest_expiration_time: m.closeTime,
    settlement_timer_seconds: 300, status: m.status, notional_value_dollars: '1.0000',
    yes_bid_dollars: '0.0000', yes_ask_dollars: '1.0000', no_bid_dollars: '0.0000', no_ask_dollars: '1.0000', yes_bid_size_fp: '0.00', yes_ask_size_fp: '0.00',
    last_price_dollars: m.lastPrice ?? '0.0000', previous_yes_bid_dollars: '0.0000', previous_yes_ask_dollars: '1.0000', previous_price_dollars: m.lastPrice ?? '0.0000',
    volume_fp: m.volume ?? '0.00', volume_24h_fp: '0.00', open_interest_fp: '0.00', result: m.result ?? '', can_close_early: true,
    expiration_value: settled ? m.result : '', rules_primary: `If ${m.title}, the market resolves to Yes.`, rules_secondary: '',
    price_level_structure: 'linear_cent', price_ranges: [{ start: '0.0000', end: '1.0000', step: '0.0100' }], settlement_bounds_type: 'default',
    ...(settled ? { settlement_value_dollars: m.result === 'yes' ? '1.0000' : '0.0000', settlement_ts: m.settlementTs ?? null } : {}),
    ...(m.mve ? { mve_collection_ticker: m.mve.collectionTicker, mve_selected_legs: m.mve.legs } : {}),
    exchange_index: m.exchangeIndex ?? 0,
  };
}

// ---------- milestones and their live data ----------

interface MilestoneRecord {
  id: string; category: string; type: string; competition: string; title: string; start: string; end: string | null;
  related: string[]; primary: string[]; sourceId: string; updated: string; details: Record<string, unknown>;
  live: Record<string, unknown>;
  /** Player-level statistics, sent only when asked (`include_player_stats`). */
  players?: Record<string, unknown>[];
  gameStats?: { events: Record<string, unknown>[] }[];
}
const MILESTONES: MilestoneRecord[] = [
  {
    id: 'ms-cs2-major-26-final', category: 'Esports', type: 'cs2_match', competition: 'CS2 Major', title: 'CS2 Major 2026 grand final: Vitality vs NAVI',
    start: '2026-06-21T16:00:00Z', end: '2026-06-21T20:00:00Z', related: ['KXCS2MAJOR-26'], primary: ['KXCS2MAJOR-26'], sourceId: 'hltv-2389001', updated: '2026-06-21T20:05:00Z',
    details: { competition: 'CS2 Major', best_of: 3, teams: ['Vitality', 'NAVI'] },
    live: { status: 'final', winner: 'Vitality', maps: [{ name: 'Mirage', score: { Vitality: 13, NAVI: 9 } }, { name: 'Inferno', score: { Vitality: 10, NAVI: 13 } }, { name: 'Nuke', score: { Vitality: 13, NAVI: 11 } }] },
    gameStats: [
      { events: [{ round: 1, winner: 'Vitality', type: 'elimination' }, { round: 2, winner: 'NAVI', type: 'bomb_defused' }] },
      { events: [{ round: 1, winner: 'NAVI', type: 'bomb_exploded' }] },
      { events: [{ round: 1, winner: 'Vitality', type: 'elimination' }, { round: 24, winner: 'Vitality', type: 'time_ran_out' }] },
    ],
  },
  {
    id: 'ms-fomc-26dec', category: 'Economics', type: 'fomc_meeting', competition: 'FOMC', title: 'FOMC meeting, December 2026',
    start: '2026-12-09T14:00:00Z', end: '2026-12-10T19:00:00Z', related: ['KXFEDDECISION-26DEC'], primary: ['KXFEDDECISION-26DEC'], sourceId: 'fomc-2026-12', updated: '2026-11-01T00:00:00Z',
    details: { competition: 'FOMC', announcement_time: '2026-12-10T19:00:00Z' },
    live: { status: 'scheduled', current_target_range: '3.50-3.75' },
  },
  {
    id: 'ms-btc-26', category: 'Crypto', type: 'crypto_price', competition: 'BTC', title: 'Bitcoin in 2026',
    start: '2026-01-01T00:00:00Z', end: '2026-12-31T23:59:00Z', related: ['KXBTCMAXY-26'], primary: ['KXBTCMAXY-26'], sourceId: 'cfb-brti', updated: '2026-01-01T00:00:00Z',
    details: { competition: 'BTC', index: 'CF Benchmarks BRTI' },
    live: { status: 'live', year_high_dollars: '128450.00' },
  },
  {
    id: 'ms-nba-26nov30-bosnyk', category: 'Sports', type: 'basketball_game', competition: 'Pro Basketball (M)', title: 'Boston at New York',
    start: '2026-11-30T00:30:00Z', end: '2026-11-30T03:00:00Z', related: [], primary: [], sourceId: 'nba-0022600321', updated: '2026-11-30T03:10:00Z',
    details: { competition: 'Pro Basketball (M)', home_team: 'NYK', away_team: 'BOS' },
    live: { status: 'final', period: 4, home_score: 108, away_score: 112 },
    players: [{ player: 'st-nba-bos-guard', points: 31, rebounds: 6, assists: 8 }, { player: 'st-nba-nyk-center', points: 22, rebounds: 14, assists: 2 }],
    gameStats: [1, 2, 3, 4].map((q) => ({ events: [{ clock: '12:00', description: `Start of quarter ${q}` }, { clock: '0:00', description: `End of quarter ${q}` }] })),
  },
];
const milestoneJson = (m: MilestoneRecord): Record<string, unknown> => ({
  id: m.id, category: m.category, type: m.type, start_date: m.start, end_date: m.end, related_event_tickers: m.related, title: m.title,
  notification_message: `${m.title} is on`, source_id: m.sourceId, source_ids: { primary: m.sourceId }, details: m.details, primary_event_tickers: m.primary, last_updated_ts: m.updated,
});
const liveJson = (m: MilestoneRecord, withPlayers: boolean): Record<string, unknown> => ({
  type: m.type, milestone_id: m.id, details: { ...m.live, ...(withPlayers && m.players ? { player_stats: m.players } : {}) },
});

/** Chart ranges of event live data: window and spacing of its points. */
const RANGES: Record<string, { windowMs: number; stepMs: number }> = { '15min': { windowMs: 15 * 60_000, stepMs: 60_000 }, '1h': { windowMs: HOUR_MS, stepMs: 5 * 60_000 }, '1d': { windowMs: DAY_MS, stepMs: HOUR_MS } };
/** A deterministic BTC price at a time (whole dollars, as a decimal string). */
const btcAt = (ms: number): string => `${118_000 + (Math.floor(ms / 60_000) % 97) * 13}.00`;

// ---------- weather ----------

const CITIES: Record<string, { base: number; stations: string[]; calibrations: { version: string; effective: string; reference: number; weights: number[]; offsets: number[] }[] }> = {
  miami: {
    base: 780, stations: ['KMIA', 'KTMB', 'KOPF'],
    calibrations: [
      { version: 'miami-v1', effective: '2026-01-01T00:00:00Z', reference: 25.5, weights: [0.5, 0.3, 0.2], offsets: [0, 0.2, -0.1] },
      { version: 'miami-v2', effective: '2026-07-01T00:00:00Z', reference: 25.6, weights: [0.6, 0.25, 0.15], offsets: [0, 0.15, -0.05] },
    ],
  },
  chicago: {
    base: 350, stations: ['KORD', 'KMDW'],
    calibrations: [
      { version: 'chicago-v1', effective: '2026-01-01T00:00:00Z', reference: 1.5, weights: [0.55, 0.45], offsets: [0, 0.3] },
      { version: 'chicago-v2', effective: '2026-10-01T00:00:00Z', reference: 1.4, weights: [0.5, 0.5], offsets: [0, 0.25] },
    ],
  },
};
const WEATHER_STEP_MS = 5 * 60_000;
const MAX_WEATHER_WINDOW_MS = 7 * DAY_MS;
/** Tenths of a °F at a time: a fixed daily shape around the city's base (integers, so exact). */
const tenthsAt = (base: number, ms: number): number => base + ((Math.floor(ms / WEATHER_STEP_MS) % 288) - 144) % 40;

// ---------- structured targets and sport filters ----------

const TARGETS: { id: string; name: string; type: string; details: Record<string, unknown>; sourceId: string; updated: string }[] = [
  { id: 'st-cs2-vitality', name: 'Team Vitality', type: 'esports_team', details: { league: 'CS2 Major', leagues: ['CS2 Major', 'ESL Pro League'], region: 'Europe' }, sourceId: 'hltv-9565', updated: '2026-05-01T00:00:00Z' },
  { id: 'st-cs2-navi', name: 'Natus Vincere', type: 'esports_team', details: { league: 'CS2 Major', leagues: ['CS2 Major', 'ESL Pro League'], region: 'Europe' }, sourceId: 'hltv-4608', updated: '2026-05-01T00:00:00Z' },
  { id: 'st-cs2-spirit', name: 'Team Spirit', type: 'esports_team', details: { league: 'CS2 Major', leagues: ['CS2 Major', 'BLAST Premier'], region: 'CIS' }, sourceId: 'hltv-7020', updated: '2026-05-01T00:00:00Z' },
  { id: 'st-nba-bos', name: 'Boston', type: 'basketball_team', details: { league: 'NBA', conference: 'Eastern', division: 'Atlantic' }, sourceId: 'nba-1610612738', updated: '2026-10-01T00:00:00Z' },
  { id: 'st-nba-nyk', name: 'New York', type: 'basketball_team', details: { league: 'NBA', conference: 'Eastern', division: 'Atlantic' }, sourceId: 'nba-1610612752', updated: '2026-10-01T00:00:00Z' },
  { id: 'st-nba-bos-guard', name: 'Boston guard #0', type: 'basketball_player', details: { league: 'NBA', conference: 'Eastern', team: 'BOS' }, sourceId: 'nba-p-1001', updated: '2026-10-01T00:00:00Z' },
  { id: 'st-nba-nyk-center', name: 'New York center #23', type: 'basketball_player', details: { league: 'NBA', conference: 'Eastern', team: 'NYK' }, sourceId: 'nba-p-1002', updated: '2026-10-01T00:00:00Z' },
];
const targetJson = (t: (typeof TARGETS)[number]): Record<string, unknown> => ({ id: t.id, name: t.name, type: t.type, details: t.details, source_id: t.sourceId, source_ids: { primary: t.sourceId }, last_updated_ts: t.updated });
const inCompetition = (details: Record<string, unknown>, competition: string): boolean =>
  ['league', 'conference', 'division', 'tour'].some((k) => details[k] === competition) || (Array.isArray(details.leagues) && details.leagues.includes(competition));
const SPORT_FILTERS = {
  filters_by_sports: {
    Basketball: { scopes: ['Games', 'Futures', 'Player Props'], competitions: { 'Pro Basketball (M)': { scopes: ['Games', 'Player Props'] } } },
    Esports: { scopes: ['Games', 'Futures'], competitions: { 'CS2 Major': { scopes: ['Futures', 'Games'] } } },
  },
  sport_ordering: ['Basketball', 'Esports'],
};

// ---------- incentive programs ----------

const INCENTIVES: { key: string; ticker: string; type: string; description: string; start: string; end: string; reward: number; paidOut: boolean; discountBps: number | null; target: string | null; maxPerAccount: number | null }[] = [
  { key: 'inc-fed-liquidity', ticker: 'KXFEDDECISION-26DEC-C25', type: 'liquidity', description: 'Fed December liquidity', start: '2026-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', reward: 5_000_000, paidOut: false, discountBps: 5000, target: '100.00', maxPerAccount: 1_000_000 },
  { key: 'inc-btc-volume', ticker: 'KXBTCMAXY-26-T150000', type: 'volume', description: 'Bitcoin yearly high volume', start: '2026-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', reward: 2_500_050, paidOut: false, discountBps: null, target: null, maxPerAccount: null },
  { key: 'inc-cs2-maker', ticker: 'KXCS2MAJOR-26-NAVI', type: 'margin_maker_volume', description: 'CS2 Major maker volume', start: '2026-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', reward: 1_000_000, paidOut: false, discountBps: null, target: null, maxPerAccount: 250_000 },
  { key: 'inc-fed-upcoming', ticker: 'KXFEDDECISION-26DEC-H0', type: 'liquidity', description: 'Fed hold liquidity (next season)', start: '2099-01-01T00:00:00Z', end: '2099-02-01T00:00:00Z', reward: 3_000_000, paidOut: false, discountBps: 2500, target: '50.00', maxPerAccount: null },
  { key: 'inc-btc-closed', ticker: 'KXBTCMAXY-26-T200000', type: 'volume', description: 'Bitcoin 200k volume (spring)', start: '2025-03-01T00:00:00Z', end: '2025-04-01T00:00:00Z', reward: 750_000, paidOut: false, discountBps: null, target: null, maxPerAccount: null },
  { key: 'inc-cs2-paid', ticker: 'KXCS2MAJOR-26-VITALITY', type: 'liquidity', description: 'CS2 Major liquidity (qualifiers)', start: '2025-05-01T00:00:00Z', end: '2025-06-01T00:00:00Z', reward: 1_250_000, paidOut: true, discountBps: 4000, target: '25.00', maxPerAccount: 100_000 },
];
/** `active` runs now, `upcoming` starts later, `closed` has ended unpaid, `paid_out` has been paid. */
const incentiveStatus = (p: (typeof INCENTIVES)[number], now: number): string =>
  p.paidOut ? 'paid_out' : Date.parse(p.start) > now ? 'upcoming' : Date.parse(p.end) <= now ? 'closed' : 'active';
const incentiveJson = (p: (typeof INCENTIVES)[number]): Record<string, unknown> => ({
  id: stableId(p.key), market_id: stableId(`market:${p.ticker}`), market_ticker: p.ticker, incentive_type: p.type, incentive_description: p.description,
  start_date: p.start, end_date: p.end, period_reward: p.reward, paid_out: p.paidOut, discount_factor_bps: p.discountBps, target_size_fp: p.target, max_reward_per_account: p.maxPerAccount,
});

// ---------- forecasts ----------

/** Events with a numerical forecast: its level, spread between the 0th and 9999th percentile, and how it is written. */
const FORECASTS: Record<string, { base: number; spread: number; format: (v: number) => string }> = {
  'KXFEDDECISION-26DEC': { base: 3.625, spread: 0.5, format: (v) => `${v.toFixed(2)}%` },
  'KXBTCMAXY-26': { base: 131_000, spread: 40_000, format: (v) => `$${Math.round(v).toLocaleString('en-US')}` },
};
/** Forecasts start when the seeded markets open. */
const FORECAST_START_S = Date.parse('2026-01-02T00:00:00Z') / 1000;
const MAX_FORECAST_POINTS = 10_000;

// ---------- multivariate ----------

interface Collection {
  ticker: string; series: string; title: string; open: string; close: string; ordered: boolean; sizeMin: number; sizeMax: number;
  events: { ticker: string; yesOnly: boolean; sizeMin: number | null; sizeMax: number | null }[];
}
const COLLECTIONS: Collection[] = [
  {
    ticker: 'KXMVECROSS-26', series: 'KXMVECROSS', title: 'Cross-category combos 2026', open: '2026-01-01T00:00:00Z', close: '2099-01-01T00:00:00Z', ordered: false, sizeMin: 2, sizeMax: 3,
    events: [{ ticker: 'KXFEDDECISION-26DEC', yesOnly: false, sizeMin: null, sizeMax: 1 }, { ticker: 'KXBTCMAXY-26', yesOnly: true, sizeMin: null, sizeMax: 1 }, { ticker: 'KXCS2MAJOR-26', yesOnly: false, sizeMin: null, sizeMax: 1 }],
  },
  {
    ticker: 'KXMVECS2-25', series: 'KXMVECS2', title: 'CS2 Major parlays 2025', open: '2025-01-01T00:00:00Z', close: '2025-12-31T00:00:00Z', ordered: true, sizeMin: 2, sizeMax: 2,
    events: [{ ticker: 'KXCS2MAJOR-26', yesOnly: true, sizeMin: 2, sizeMax: 2 }],
  },
  {
    ticker: 'KXMVECS2-27', series: 'KXMVECS2', title: 'CS2 Major parlays 2027', open: '2099-01-01T00:00:00Z', close: '2099-12-31T00:00:00Z', ordered: true, sizeMin: 2, sizeMax: 2,
    events: [{ ticker: 'KXCS2MAJOR-26', yesOnly: true, sizeMin: 2, sizeMax: 2 }],
  },
];
/** Combos trade on exchange shard 1 (reference/kalshi.md §6.4). */
const COMBO_EXCHANGE_INDEX = 1;
const collectionStatus = (c: Collection, now: number): 'unopened' | 'open' | 'closed' => (Date.parse(c.open) > now ? 'unopened' : Date.parse(c.close) <= now ? 'closed' : 'open');
const collectionJson = (c: Collection): Record<string, unknown> => ({
  collection_ticker: c.ticker, series_ticker: c.series, exchange_index: COMBO_EXCHANGE_INDEX, title: c.title, description: `Combine markets of ${c.events.map((e) => e.ticker).join(', ')}`,
  open_date: c.open, close_date: c.close,
  associated_events: c.events.map((e) => ({ ticker: e.ticker, is_yes_only: e.yesOnly, size_max: e.sizeMax, size_min: e.sizeMin, active_quoters: ['sandbox-house'] })),
  associated_event_tickers: c.events.map((e) => e.ticker), is_ordered: c.ordered,
  is_single_market_per_event: c.events.every((e) => e.sizeMax === 1), is_all_yes: c.events.every((e) => e.yesOnly),
  size_min: c.sizeMin, size_max: c.sizeMax, functional_description: 'The combination resolves Yes when every selected leg resolves to its side.',
});

/** A leg of a combination. */
interface Leg {
  market_ticker: string;
  event_ticker: string;
  side: 'yes' | 'no';
}
/** One combination's market, made on its first creation. */
interface ComboMarket {
  collection: Collection;
  eventTicker: string;
  marketTicker: string;
  legs: Leg[];
  createdTime: string;
  closeTime: string;
}
/** What this module keeps per sandbox: the combination markets, by combination. */
interface DataState {
  combos: Map<string, ComboMarket>;
}
const states = new WeakMap<KalshiSandbox, DataState>();

/** The combination markets made so far in a sandbox, oldest first (for tests and other areas). */
export function comboMarkets(sandbox: KalshiSandbox): readonly { collectionTicker: string; eventTicker: string; marketTicker: string; legs: readonly Leg[] }[] {
  return [...(states.get(sandbox)?.combos.values() ?? [])].map((c) => ({ collectionTicker: c.collection.ticker, eventTicker: c.eventTicker, marketTicker: c.marketTicker, legs: c.legs }));
}

/** The key of a combination: its legs, sorted unless the collection's order matters. */
const comboKey = (c: Collection, legs: Leg[]): string => `${c.ticker}|${(c.ordered ? legs : [...legs].sort((a, b) => a.market_ticker.localeCompare(b.market_ticker))).map((l) => `${l.market_ticker}:${l.side}`).join(',')}`;

/** Install the market-data routes. */
export function installData(kit: KalshiSandboxKit): void {
  const sandbox = kit.sandbox;
  const state: DataState = { combos: new Map() };
  states.set(sandbox, state);
  const closeOf = (marketTicker: string): string | undefined => sandbox.markets.find((m) => m.ticker === marketTicker)?.close_time;

  /** Validate a combination against its collection: the legs, or the 400 to answer. */
  const checkCombination = (c: Collection, body: unknown): Leg[] | SandboxResponse => {
    const selected = (body as { selected_markets?: unknown } | null)?.selected_markets;
    if (!Array.isArray(selected)) return kit.invalid('selected_markets', 'is required');
    const legs: Leg[] = [];
    for (const [i, raw] of selected.entries()) {
      const l = raw as Partial<Leg> | null;
      if (!l || typeof l.market_ticker !== 'string' || typeof l.event_ticker !== 'string' || (l.side !== 'yes' && l.side !== 'no')) return kit.invalid(`selected_markets[${i}]`, 'needs market_ticker, event_ticker and side (yes or no)');
      legs.push({ market_ticker: l.market_ticker, event_ticker: l.event_ticker, side: l.side });
    }
    if (legs.length < c.sizeMin || legs.length > c.sizeMax) return kit.invalid('selected_markets', `this collection takes ${c.sizeMin} to ${c.sizeMax} markets`);
    if (new Set(legs.map((l) => l.market_ticker)).size !== legs.length) return kit.invalid('selected_markets', 'a market can be selected once');
    for (const l of legs) {
      const ev = c.events.find((e) => e.ticker === l.event_ticker);
      if (!ev) return kit.invalid('selected_markets', `${l.event_ticker} is not an event of this collection`);
      if (!sandbox.markets.some((m) => m.ticker === l.market_ticker && m.event_ticker === l.event_ticker)) return kit.invalid('selected_markets', `${l.market_ticker} is not a market of ${l.event_ticker}`);
      if (ev.yesOnly && l.side !== 'yes') return kit.invalid('selected_markets', `only the yes side of ${l.event_ticker} may be used`);
    }
    for (const ev of c.events) {
      const n = legs.filter((l) => l.event_ticker === ev.ticker).length;
      if (n > 0 && ((ev.sizeMax !== null && n > ev.sizeMax) || (ev.sizeMin !== null && n < ev.sizeMin))) return kit.invalid('selected_markets', `${ev.ticker} takes ${ev.sizeMin ?? 0} to ${ev.sizeMax ?? 'any'} markets`);
    }
    return legs;
  };

  /** The market of a combination: the existing one, or a new one (created once). */
  const comboFor = (c: Collection, legs: Leg[], now: number): ComboMarket => {
    const key = comboKey(c, legs);
    const existing = state.combos.get(key);
    if (existing) return existing;
    const ordered = c.ordered ? legs : [...legs].sort((a, b) => a.market_ticker.localeCompare(b.market_ticker));
    const eventTicker = `${c.ticker}-S${shortHash([...new Set(ordered.map((l) => l.event_ticker))].sort().join(','))}`;
    const closes = ordered.map((l) => closeOf(l.market_ticker) ?? c.close).sort();
    const combo: ComboMarket = { collection: c, eventTicker, marketTicker: `${eventTicker}-${shortHash(key)}`, legs: ordered, createdTime: isoOf(now), closeTime: closes[0]! };
    state.combos.set(key, combo);
    return combo;
  };
  const comboMarketJson = (m: ComboMarket): Record<string, unknown> => specMarketJson({
    ticker: m.marketTicker, eventTicker: m.eventTicker, title: m.legs.map((l) => `${l.market_ticker} ${l.side}`).join(' and '),
    createdTime: m.createdTime, openTime: m.collection.open, closeTime: m.closeTime, status: 'active', exchangeIndex: COMBO_EXCHANGE_INDEX,
    mve: { collectionTicker: m.collection.ticker, legs: m.legs.map((l) => ({ event_ticker: l.event_ticker, market_ticker: l.market_ticker, side: l.side })) },
  });
  // A combination every test can find from the start.
  comboFor(COLLECTIONS[0]!, [{ market_ticker: 'KXFEDDECISION-26DEC-C25', event_ticker: 'KXFEDDECISION-26DEC', side: 'yes' }, { market_ticker: 'KXBTCMAXY-26-T150000', event_ticker: 'KXBTCMAXY-26', side: 'yes' }], Date.parse('2026-02-01T00:00:00Z'));

  // ---- live data ----
  const milestone = (id: string | undefined): MilestoneRecord | undefined => MILESTONES.find((m) => m.id === id);
  const withPlayers = (req: SandboxRequest): boolean => req.query.get('include_player_stats') === 'true';
  kit.route('GET', '/live_data/batch', kit.public((req) => {
    const ids = req.query.getAll('milestone_ids');
    // Unknown ids are left out (the spec documents no 404 here).
    const rows = ids.slice(0, 100).map((id) => milestone(id)).filter((m): m is MilestoneRecord => m !== undefined).map((m) => liveJson(m, withPlayers(req)));
    return { status: 200, body: { live_datas: rows } };
  }));
  kit.route('GET', '/live_data/milestone/:id/game_stats', kit.public((req) => {
    const m = milestone(req.params.id);
    if (!m?.gameStats) return notFound('game stats');
    return { status: 200, body: { pbp: { periods: m.gameStats } } };
  }));
  kit.route('GET', '/live_data/milestone/:id', kit.public((req) => {
    const m = milestone(req.params.id);
    return m ? { status: 200, body: { live_data: liveJson(m, withPlayers(req)) } } : notFound('live data');
  }));
  kit.route('GET', '/live_data/events/:ticker', kit.public((req) => {
    const m = MILESTONES.find((x) => x.primary.includes(req.params.ticker!));
    const market = sandbox.markets.find((x) => x.event_ticker === req.params.ticker);
    if (!m || !market) return notFound('live data');
    const closeMs = Date.parse(market.close_time);
    const historical = closeMs <= Date.now();
    if (m.type !== 'crypto_price') return { status: 200, body: { live_data: { type: m.type, details: m.live, is_historical: historical, range_options: [] } } };
    // A range the type does not offer is a hint the server ignores: the default applies.
    const range = RANGES[req.query.get('range') ?? ''] ? req.query.get('range')! : '1d';
    const { windowMs, stepMs } = RANGES[range]!;
    const end = Math.floor((historical ? closeMs : Date.now()) / stepMs) * stepMs;
    const points: { ts: number; price_dollars: string }[] = [];
    for (let t = end - windowMs; t <= end; t += stepMs) points.push({ ts: Math.floor(t / 1000), price_dollars: btcAt(t) });
    return { status: 200, body: { live_data: { type: m.type, details: { ...m.live, range, timeseries: points }, is_historical: historical, default_range: '1d', range_options: Object.keys(RANGES) } } };
  }));
  kit.route('GET', '/live_data/weather/:city/calibrations', kit.public((req) => {
    const c = CITIES[req.params.city!];
    if (!c) return kit.invalid('city', 'unknown city');
    return {
      status: 200,
      body: {
        city: req.params.city, units: 'C',
        calibrations: c.calibrations.map((k) => {
          const effective = Date.parse(k.effective);
          return {
            config_version: k.version, published_at_ms: effective - 7 * DAY_MS, effective_at_ms: effective, change_reason: 'seasonal recalibration',
            calibration_window_start_ms: effective - 97 * DAY_MS, calibration_window_end_ms: effective - 7 * DAY_MS, city_reference_c: k.reference,
            stations: c.stations.map((s, i) => ({ station_id: s, weight: k.weights[i], offset_c: k.offsets[i] })),
          };
        }),
      },
    };
  }));
  kit.route('GET', '/live_data/weather/:city', kit.public((req) => {
    const c = CITIES[req.params.city!];
    if (!c) return kit.invalid('city', 'unknown city');
    const ms = (name: string): { value?: number; error?: SandboxResponse } => {
      const raw = req.query.get(name);
      if (raw === null) return {};
      if (!/^\d+$/.test(raw) || Number(raw) < MIN_UNIX_MS) return { error: kit.invalid(name, 'must be Unix time in milliseconds') };
      return { value: Number(raw) };
    };
    const from = ms('from');
    const to = ms('to');
    const last = intParam(kit, req, 'last_sec', 1, MAX_WEATHER_WINDOW_MS / 1000);
    const bad = from.error ?? to.error ?? last.error;
    if (bad) return bad;
    if (last.value !== undefined && (from.value !== undefined || to.value !== undefined)) return kit.invalid('last_sec', 'cannot be combined with from/to');
    if (from.value !== undefined && to.value === undefined) return kit.invalid('from', 'must be paired with to');
    const now = Date.now();
    const end = last.value !== undefined ? now : (to.value ?? now);
    const start = last.value !== undefined ? now - last.value * 1000 : (from.value ?? end - DAY_MS);
    if (start > end) return kit.invalid('from', 'must not be after to');
    if (end - start > MAX_WEATHER_WINDOW_MS) return kit.invalid('from', 'the window is at most 7 days');
    const detailed = req.query.get('detailed') === 'true';
    const version = [...c.calibrations].reverse().find((k) => Date.parse(k.effective) <= end) ?? c.calibrations[0]!;
    const points: Record<string, unknown>[] = [];
    for (let t = Math.ceil(start / WEATHER_STEP_MS) * WEATHER_STEP_MS; t <= end; t += WEATHER_STEP_MS) {
      const tenths = tenthsAt(c.base, t);
      points.push({
        t, v: tenths / 10, status: t <= now - HOUR_MS ? 'final' : 'preliminary', contributors: c.stations.length, receipt_basis: 'observation_time',
        ...(detailed ? { stations: c.stations.map((s, i) => ({ station_id: s, code: 'OK', source: 'asos', temp_f: (tenths + i) / 10, obs_time_ms: t, received_at_ms: t + 45_000, primary_code: 'OK' })) } : {}),
      });
    }
    return { status: 200, body: { city: req.params.city, config_version: version.version, units: 'F', timeseries: points } };
  }));
  kit.route('GET', '/live_data/:type/milestone/:id', kit.public((req) => {
    const m = milestone(req.params.id);
    if (!m || m.type !== req.params.type) return notFound('live data');
    return { status: 200, body: { live_data: liveJson(m, withPlayers(req)) } };
  }));

  // ---- milestones ----
  kit.route('GET', '/milestones', kit.public((req) => {
    const limit = intParam(kit, req, 'limit', 1, 500);
    if (limit.error) return limit.error;
    if (limit.value === undefined) return kit.invalid('limit', 'is required');
    const updated = secondsParam(kit, req, 'min_updated_ts');
    if (updated.error) return updated.error;
    const minStart = req.query.get('minimum_start_date');
    if (minStart !== null && Number.isNaN(Date.parse(minStart))) return kit.invalid('minimum_start_date', 'must be an RFC 3339 date-time');
    const q = (name: string): string | null => req.query.get(name);
    const rows = MILESTONES.filter((m) => (minStart === null || Date.parse(m.start) >= Date.parse(minStart))
      && (!q('category') || m.category === q('category')) && (!q('competition') || m.competition === q('competition'))
      && (!q('source_id') || m.sourceId === q('source_id')) && (!q('type') || m.type === q('type'))
      && (!q('related_event_ticker') || m.related.includes(q('related_event_ticker')!))
      && (updated.value === undefined || Date.parse(m.updated) >= updated.value * 1000));
    const { page, cursor } = kit.page(req, rows, limit.value);
    return { status: 200, body: { milestones: page.map(milestoneJson), cursor } };
  }));
  kit.route('GET', '/milestones/:id', kit.public((req) => {
    const m = milestone(req.params.id);
    return m ? { status: 200, body: { milestone: milestoneJson(m) } } : notFound('milestone');
  }));

  // ---- structured targets and sport filters ----
  kit.route('GET', '/structured_targets', kit.public((req) => {
    const ids = req.query.getAll('ids');
    const type = req.query.get('type');
    const competition = req.query.get('competition');
    // The spec documents no 400 here: a page size out of range reads as the default.
    const size = intParam(kit, req, 'page_size', 1, 2000).value ?? 100;
    const rows = TARGETS.filter((t) => (!ids.length || ids.includes(t.id)) && (!type || t.type === type) && (!competition || inCompetition(t.details, competition)));
    const { page, cursor } = pageBy(kit, req, rows, size);
    return { status: 200, body: { structured_targets: page.map(targetJson), cursor } };
  }));
  kit.route('GET', '/structured_targets/:id', kit.public((req) => {
    const t = TARGETS.find((x) => x.id === req.params.id);
    return t ? { status: 200, body: { structured_target: targetJson(t) } } : notFound('structured target');
  }));
  kit.route('GET', '/search/filters_by_sport', kit.public(() => ({ status: 200, body: SPORT_FILTERS })));

  // ---- incentive programs ----
  kit.route('GET', '/incentive_programs', kit.public((req) => {
    const status = req.query.get('status') ?? 'all';
    const type = req.query.get('type') ?? 'all';
    if (!['all', 'active', 'upcoming', 'closed', 'paid_out'].includes(status)) return kit.invalid('status', 'must be all, active, upcoming, closed or paid_out');
    if (!['all', 'liquidity', 'volume', 'margin_maker_volume', 'margin_taker_volume'].includes(type)) return kit.invalid('type', 'must be all, liquidity, volume, margin_maker_volume or margin_taker_volume');
    const limit = intParam(kit, req, 'limit', 1, 10_000);
    if (limit.error) return limit.error;
    const description = req.query.get('incentive_description');
    const now = Date.now();
    const rows = INCENTIVES.filter((p) => (status === 'all' || incentiveStatus(p, now) === status) && (type === 'all' || p.type === type) && (description === null || p.description === description));
    const { page, cursor } = kit.page(req, rows, limit.value ?? 100);
    return { status: 200, body: { incentive_programs: page.map(incentiveJson), ...(cursor ? { next_cursor: cursor } : {}) } };
  }));

  // ---- forecasts (signed) ----
  kit.route('GET', '/series/:series/events/:ticker/forecast_percentile_history', kit.signed('read', (req) => {
    const event = req.params.ticker!;
    if (seriesOf(event) !== req.params.series || !sandbox.markets.some((m) => m.event_ticker === event)) return kit.invalid('ticker', 'no such event in this series');
    const percentiles = req.query.getAll('percentiles');
    if (percentiles.length < 1 || percentiles.length > 10 || percentiles.some((p) => !/^\d+$/.test(p) || Number(p) > 9999)) return kit.invalid('percentiles', '1 to 10 integers from 0 to 9999');
    const start = secondsParam(kit, req, 'start_ts', true);
    const end = secondsParam(kit, req, 'end_ts', true);
    const bad = start.error ?? end.error;
    if (bad) return bad;
    const period = req.query.get('period_interval');
    if (period === null || !['0', '1', '60', '1440'].includes(period)) return kit.invalid('period_interval', 'must be 0, 1, 60 or 1440');
    if (start.value! > end.value!) return kit.invalid('start_ts', 'must not be after end_ts');
    const step = period === '0' ? 5 : Number(period) * 60;
    const from = Math.max(start.value!, FORECAST_START_S);
    const to = Math.min(end.value!, Math.floor(Date.now() / 1000));
    const first = Math.ceil(from / step) * step;
    if (to >= first && (to - first) / step + 1 > MAX_FORECAST_POINTS) return kit.invalid('end_ts', `at most ${MAX_FORECAST_POINTS} periods per request`);
    const f = FORECASTS[event];
    const history: Record<string, unknown>[] = [];
    if (f) {
      for (let t = first; t <= to; t += step) {
        history.push({
          event_ticker: event, end_period_ts: t, period_interval: Number(period),
          percentile_points: percentiles.map(Number).map((p) => {
            // A fixed shape in time and percentile; `raw` unrounded, `numerical` to 2 places.
            const raw = f.base + (f.spread * (p - 5000)) / 10_000 + (f.spread * ((Math.floor(t / step) % 11) - 5)) / 1000;
            const numerical = Math.round(raw * 100) / 100;
            return { percentile: p, raw_numerical_forecast: raw, numerical_forecast: numerical, formatted_forecast: f.format(numerical) };
          }),
        });
      }
    }
    return { status: 200, body: { forecast_history: history } };
  }));

  // ---- multivariate ----
  kit.route('GET', '/multivariate_event_collections', kit.public((req) => {
    const status = req.query.get('status');
    if (status !== null && !['unopened', 'open', 'closed'].includes(status)) return kit.invalid('status', 'must be unopened, open or closed');
    const limit = intParam(kit, req, 'limit', 1, 200);
    if (limit.error) return limit.error;
    const event = req.query.get('associated_event_ticker');
    const series = req.query.get('series_ticker');
    const now = Date.now();
    const rows = COLLECTIONS.filter((c) => (!status || collectionStatus(c, now) === status) && (!event || c.events.some((e) => e.ticker === event)) && (!series || c.series === series));
    const { page, cursor } = kit.page(req, rows, limit.value ?? 100);
    return { status: 200, body: { multivariate_contracts: page.map(collectionJson), cursor } };
  }));
  kit.route('GET', '/multivariate_event_collections/:ticker', kit.public((req) => {
    const c = COLLECTIONS.find((x) => x.ticker === req.params.ticker);
    return c ? { status: 200, body: { multivariate_contract: collectionJson(c) } } : notFound('collection');
  }));
  kit.route('POST', '/multivariate_event_collections/:ticker', kit.signed('read', (req) => {
    // The spec documents no 404 for this POST: an unknown collection is a bad parameter.
    const c = COLLECTIONS.find((x) => x.ticker === req.params.ticker);
    if (!c) return kit.invalid('collection_ticker', 'unknown collection');
    const now = Date.now();
    if (collectionStatus(c, now) !== 'open') return kit.invalid('collection_ticker', `the collection is ${collectionStatus(c, now)}`);
    const legs = checkCombination(c, req.body);
    if (!Array.isArray(legs)) return legs;
    const combo = comboFor(c, legs, now);
    const withMarket = (req.body as { with_market_payload?: unknown }).with_market_payload === true;
    return { status: 200, body: { event_ticker: combo.eventTicker, market_ticker: combo.marketTicker, ...(withMarket ? { market: comboMarketJson(combo) } : {}) } };
  }));
  kit.route('GET', '/events/multivariate', kit.public((req) => {
    const limit = intParam(kit, req, 'limit', 1, 200);
    if (limit.error) return limit.error;
    const series = req.query.get('series_ticker');
    const collection = req.query.get('collection_ticker');
    if (series && collection) return kit.invalid('collection_ticker', 'cannot be used together with series_ticker');
    const nested = req.query.get('with_nested_markets') === 'true';
    const byEvent = new Map<string, ComboMarket[]>();
    for (const m of state.combos.values()) byEvent.set(m.eventTicker, [...(byEvent.get(m.eventTicker) ?? []), m]);
    const rows = [...byEvent.values()].filter(([m]) => (!series || m!.collection.series === series) && (!collection || m!.collection.ticker === collection)).map((markets) => {
      const m = markets[0]!;
      return {
        event_ticker: m.eventTicker, series_ticker: m.collection.series, title: m.collection.title, sub_title: [...new Set(m.legs.map((l) => l.event_ticker))].join(' + '),
        collateral_return_type: '', mutually_exclusive: false, settlement_sources: [{ name: 'Sandbox', url: 'https://sandbox.invalid' }], exchange_index: COMBO_EXCHANGE_INDEX,
        ...(nested ? { markets: markets.map(comboMarketJson) } : {}),
      };
    });
    const { page, cursor } = kit.page(req, rows, limit.value ?? 100);
    return { status: 200, body: { events: page, cursor } };
  }));
}
