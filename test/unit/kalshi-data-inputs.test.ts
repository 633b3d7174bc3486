/**
 * Inputs of the market-data and historical calls, with the network off: every call refuses a
 * bad input with a ValidationError before anything is sent, and a good one reaches the wire in
 * the units the spec has (Unix seconds, Unix milliseconds for the weather window, RFC 3339,
 * repeated or comma-joined keys), with the repeat safety each call states.
 */
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKalshiClient, generateRsaKeyPair, ResponseShapeError, ValidationError, type KalshiClient } from '../../src/index.js';
import { RequestSender } from '../../src/http/request-sender.js';
import { caught } from '../helpers.js';
import { offlineWireTests } from '../offline.js';

const BASE = 'https://external-api.kalshi.com';
const ROOT = '/trade-api/v2';
const KEY_ID = '0b7c6a2e-3d4f-4a5b-8c9d-1e2f3a4b5c6d';
const LEG = { marketTicker: 'KXA-1', eventTicker: 'KXA', side: 'yes' } as const;
const RANGE = { start: 1_780_000_000, end: 1_780_003_600 };

/** One bad input per call (and per rule where a call has several), each with what makes it bad. */
const refused: [string, (c: KalshiClient) => Promise<unknown>][] = [
  ['liveData.get: empty type', (c) => c.liveData.get('', 'ms-1')],
  ['liveData.get: empty milestone id', (c) => c.liveData.get('basketball_game', '')],
  ['liveData.get: unknown option', (c) => c.liveData.get('t', 'ms-1', { playerStats: true } as never)],
  ['liveData.byMilestone: id too long', (c) => c.liveData.byMilestone('m'.repeat(201))],
  ['liveData.byMilestone: includePlayerStats not a boolean', (c) => c.liveData.byMilestone('ms-1', { includePlayerStats: 'yes' as never })],
  ['liveData.batch: no ids', (c) => c.liveData.batch([])],
  ['liveData.batch: 101 ids', (c) => c.liveData.batch(Array.from({ length: 101 }, (_, i) => `ms-${i}`))],
  ['liveData.gameStats: empty id', (c) => c.liveData.gameStats('')],
  ['liveData.forEvent: bad ticker', (c) => c.liveData.forEvent('KX A')],
  ['liveData.forEvent: bad range', (c) => c.liveData.forEvent('KXA', { range: '1 h' })],
  ['liveData.weather: bad city', (c) => c.liveData.weather('new york')],
  ['liveData.weather: seconds where ms are due', (c) => c.liveData.weather('miami', { from: 1_780_000_000, to: 1_780_003_600 })],
  ['liveData.weather: fractional ms', (c) => c.liveData.weather('miami', { to: 1_780_000_000_000.5 })],
  ['liveData.weather: invalid Date', (c) => c.liveData.weather('miami', { to: new Date('nope') })],
  ['liveData.weather: from without to', (c) => c.liveData.weather('miami', { from: new Date() })],
  ['liveData.weather: lastSeconds with from/to', (c) => c.liveData.weather('miami', { lastSeconds: 60, from: new Date(), to: new Date() })],
  ['liveData.weather: from after to', (c) => c.liveData.weather('miami', { from: new Date(2_000_000_000_000), to: new Date(1_900_000_000_000) })],
  ['liveData.weather: lastSeconds 0', (c) => c.liveData.weather('miami', { lastSeconds: 0 })],
  ['liveData.weatherCalibrations: bad city', (c) => c.liveData.weatherCalibrations('../x')],
  ['milestones.get: empty id', (c) => c.milestones.get('')],
  ['milestones.list: limit 0', (c) => c.milestones.list({ limit: 0 })],
  ['milestones.list: limit 501', (c) => c.milestones.list({ limit: 501 })],
  ['milestones.list: minimumStartDate not a date', (c) => c.milestones.list({ minimumStartDate: 'tomorrow' })],
  ['milestones.list: minUpdatedTs in ms', (c) => c.milestones.list({ minUpdatedTs: Date.now() })],
  ['milestones.all: bad relatedEventTicker', async (c) => c.milestones.all({ relatedEventTicker: 'a b' }).next()],
  ['structuredTargets.get: empty id', (c) => c.structuredTargets.get('')],
  ['structuredTargets.list: pageSize 2001', (c) => c.structuredTargets.list({ pageSize: 2001 })],
  ['structuredTargets.list: empty ids', (c) => c.structuredTargets.list({ ids: [] })],
  ['structuredTargets.all: unknown filter', async (c) => c.structuredTargets.all({ league: 'NBA' } as never).next()],
  ['multivariate.listEvents: limit 201', (c) => c.multivariate.listEvents({ limit: 201 })],
  ['multivariate.listEvents: series and collection', (c) => c.multivariate.listEvents({ seriesTicker: 'KXA', collectionTicker: 'KXB' })],
  ['multivariate.events: limit not a number', async (c) => c.multivariate.events({ limit: 'x' } as never).next()],
  ['multivariate.listCollections: bad status', (c) => c.multivariate.listCollections({ status: 'settled' as never })],
  ['multivariate.collections: limit 0', async (c) => c.multivariate.collections({ limit: 0 }).next()],
  ['multivariate.getCollection: bad ticker', (c) => c.multivariate.getCollection('a/b')],
  ['multivariate.createMarket: no legs', (c) => c.multivariate.createMarket('KXC', { selectedMarkets: [] })],
  ['multivariate.createMarket: bad side', (c) => c.multivariate.createMarket('KXC', { selectedMarkets: [{ ...LEG, side: 'both' as never }] })],
  ['multivariate.createMarket: bad collection', (c) => c.multivariate.createMarket('', { selectedMarkets: [LEG] })],
  ['incentivePrograms.list: bad type', (c) => c.incentivePrograms.list({ type: 'maker' as never })],
  ['incentivePrograms.list: limit 10001', (c) => c.incentivePrograms.list({ limit: 10_001 })],
  ['incentivePrograms.all: bad status', async (c) => c.incentivePrograms.all({ status: 'done' as never }).next()],
  ['getEventForecastHistory: percentile 10000', (c) => c.getEventForecastHistory({ seriesTicker: 'KXA', eventTicker: 'KXA-1', percentiles: [10_000], periodMinutes: 60, ...RANGE })],
  ['getEventForecastHistory: 11 percentiles', (c) => c.getEventForecastHistory({ seriesTicker: 'KXA', eventTicker: 'KXA-1', percentiles: Array.from({ length: 11 }, (_, i) => i), periodMinutes: 60, ...RANGE })],
  ['getEventForecastHistory: period 5', (c) => c.getEventForecastHistory({ seriesTicker: 'KXA', eventTicker: 'KXA-1', percentiles: [5000], periodMinutes: 5 as never, ...RANGE })],
  ['getEventForecastHistory: start in ms', (c) => c.getEventForecastHistory({ seriesTicker: 'KXA', eventTicker: 'KXA-1', percentiles: [5000], periodMinutes: 60, start: Date.now(), end: RANGE.end })],
  ['getEventForecastHistory: start after end', (c) => c.getEventForecastHistory({ seriesTicker: 'KXA', eventTicker: 'KXA-1', percentiles: [5000], periodMinutes: 60, start: RANGE.end, end: RANGE.start })],
  ['historical.markets: two exclusive filters', (c) => c.historical.markets({ eventTicker: 'KXA', seriesTicker: 'KXA' })],
  ['historical.markets: ticker with a comma', (c) => c.historical.markets({ tickers: ['KXA,KXB'] })],
  ['historical.markets: bad mveFilter', (c) => c.historical.markets({ mveFilter: 'only' as never })],
  ['historical.allMarkets: limit 1001', async (c) => c.historical.allMarkets({ limit: 1001 }).next()],
  ['historical.market: bad ticker', (c) => c.historical.market('')],
  ['historical.candlesticks: period 5', (c) => c.historical.candlesticks({ ticker: 'KXA', periodMinutes: 5 as never, ...RANGE })],
  ['historical.candlesticks: end in ms', (c) => c.historical.candlesticks({ ticker: 'KXA', periodMinutes: 1, start: RANGE.start, end: Date.now() })],
  ['historical.candlesticks: start after end', (c) => c.historical.candlesticks({ ticker: 'KXA', periodMinutes: 1, start: RANGE.end, end: RANGE.start })],
  ['historical.trades: minTs after maxTs', (c) => c.historical.trades({ minTs: RANGE.end, maxTs: RANGE.start })],
  ['historical.trades: minTs in ms', (c) => c.historical.trades({ minTs: Date.now() })],
  ['historical.allTrades: isBlockTrade not a boolean', async (c) => c.historical.allTrades({ isBlockTrade: 'true' as never }).next()],
  ['historical.fills: subaccount 64', (c) => c.historical.fills({ subaccount: 64 })],
  ['historical.allFills: limit 0', async (c) => c.historical.allFills({ limit: 0 }).next()],
  ['historical.orders: negative minTs', (c) => c.historical.orders({ minTs: -1 })],
  ['historical.allOrders: unknown filter', async (c) => c.historical.allOrders({ status: 'canceled' } as never).next()],
  ['historical.positions: subaccount -1', (c) => c.historical.positions({ subaccount: -1 })],
  ['historical.allPositions: bad eventTicker', async (c) => c.historical.allPositions({ eventTicker: 'a b' }).next()],
];

describe('kalshi market-data and historical inputs', () => {
  let pair: { privateKeyPem: string; publicKeyPem: string };
  let client: KalshiClient;
  offlineWireTests(() => client);
  beforeAll(async () => {
    pair = await generateRsaKeyPair();
  });
  afterEach(() => vi.restoreAllMocks());
  const make = (): KalshiClient => (client = createKalshiClient({ keyId: KEY_ID, privateKeyPem: pair.privateKeyPem, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }));

  it('every call refuses a bad input with a ValidationError, before anything is sent', async () => {
    make();
    const send = vi.spyOn(RequestSender.prototype, 'send').mockImplementation(() => Promise.reject(new Error('a request was sent')));
    for (const [name, run] of refused) {
      const err = await caught(run(client));
      expect(err, name).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.length, name).toBeGreaterThan(0);
    }
    expect(send).not.toHaveBeenCalled();
  });

  /** Answer `body` to the next GET under `path` and record the request's path and query. */
  const answer = (path: string, body: unknown, method: 'get' | 'post' = 'get'): { uri?: string; body?: unknown; signed?: boolean } => {
    const seen: { uri?: string; body?: unknown; signed?: boolean } = {};
    nock(BASE)[method]((uri) => uri.split('?')[0] === `${ROOT}${path}`).reply(function (uri, requestBody) {
      seen.uri = decodeURIComponent(uri.slice(ROOT.length));
      seen.body = requestBody;
      seen.signed = this.req.headers['kalshi-access-signature'] !== undefined;
      return [200, body];
    });
    return seen;
  };

  it('timestamps reach the wire in the spec\'s units: ms for the weather window, RFC 3339 and seconds for milestones and history', async () => {
    make();
    const weather = answer('/live_data/weather/miami', { city: 'miami', units: 'F', timeseries: [{ t: 1_780_000_000_000, v: 78.1, status: 'final' }] });
    await client.liveData.weather('miami', { from: new Date(1_780_000_000_000), to: 1_780_000_360_000, detailed: true });
    expect(weather).toMatchObject({ uri: '/live_data/weather/miami?from=1780000000000&to=1780000360000&detailed=true', signed: false });
    const milestones = answer('/milestones', { milestones: [] });
    await client.milestones.list({ minimumStartDate: '2026-06-01T12:00:00+02:00', minUpdatedTs: new Date(1_780_000_000_500) });
    expect(milestones.uri).toBe('/milestones?limit=100&minimum_start_date=2026-06-01T10:00:00.000Z&min_updated_ts=1780000000');
    const trades = answer('/historical/trades', { trades: [], cursor: '' });
    await client.historical.trades({ minTs: new Date(1_780_000_000_999), maxTs: 1_780_003_600, isBlockTrade: false });
    expect(trades.uri).toBe('/historical/trades?min_ts=1780000000&max_ts=1780003600&is_block_trade=false');
    const candles = answer('/historical/markets/KXA-1/candlesticks', { ticker: 'KXA-1', candlesticks: [] });
    await client.historical.candlesticks({ ticker: 'KXA-1', start: new Date(1_780_000_000_000), end: new Date(1_780_003_600_000), periodMinutes: 60 });
    expect(candles.uri).toBe('/historical/markets/KXA-1/candlesticks?start_ts=1780000000&end_ts=1780003600&period_interval=60');
  });

  it('lists go as the spec has them: repeated keys, comma-joined tickers, page_size, signed where the spec says', async () => {
    make();
    const batch = answer('/live_data/batch', { live_datas: [] });
    await client.liveData.batch(['ms-1', 'ms 2'], { includePlayerStats: true });
    expect(batch.uri).toBe('/live_data/batch?milestone_ids=ms-1&milestone_ids=ms 2&include_player_stats=true');
    const targets = answer('/structured_targets', { structured_targets: [{ id: 'st-1', details: { league: 'NBA', nested: { a: 1 } } }] });
    const page = await client.structuredTargets.list({ ids: ['st-1', 'st-2'], competition: 'NBA', pageSize: 50 });
    expect(targets.uri).toBe('/structured_targets?ids=st-1&ids=st-2&competition=NBA&page_size=50');
    // `details` is an open object: kept as sent.
    expect(page.structured_targets[0]!.details).toEqual({ league: 'NBA', nested: { a: 1 } });
    const forecast = answer('/series/KXA/events/KXA-1/forecast_percentile_history', { forecast_history: [] });
    await client.getEventForecastHistory({ seriesTicker: 'KXA', eventTicker: 'KXA-1', percentiles: [0, 5000, 9999], periodMinutes: 0, ...RANGE });
    expect(forecast).toMatchObject({ uri: '/series/KXA/events/KXA-1/forecast_percentile_history?percentiles=0&percentiles=5000&percentiles=9999&start_ts=1780000000&end_ts=1780003600&period_interval=0', signed: true });
    const markets = answer('/historical/markets', { markets: [], cursor: '' });
    await client.historical.markets({ tickers: ['KXA-1', 'KXB-2'], mveFilter: 'exclude', limit: 5 });
    expect(markets).toMatchObject({ uri: '/historical/markets?limit=5&tickers=KXA-1,KXB-2&mve_filter=exclude', signed: false });
    const fills = answer('/historical/fills', { fills: [], cursor: '' });
    await client.historical.fills({ ticker: 'KXA-1', subaccount: 0 });
    expect(fills).toMatchObject({ uri: '/historical/fills?ticker=KXA-1&subaccount=0', signed: true });
  });

  it('incentive rewards stay integer centi-cents as sent, with no Money copy; the page keeps its next_cursor', async () => {
    make();
    const program = { id: 'p', market_id: 'm', market_ticker: 'KXA-1', incentive_type: 'volume', incentive_description: 'd', start_date: '2026-01-01T00:00:00Z', end_date: '2026-02-01T00:00:00Z', paid_out: false };
    answer('/incentive_programs', { incentive_programs: [{ ...program, period_reward: 1, max_reward_per_account: 123_456_789 }, { ...program, period_reward: 10_000, max_reward_per_account: null }], next_cursor: 'c2' });
    const res = await client.incentivePrograms.list({ status: 'active' });
    expect(res.next_cursor).toBe('c2');
    expect(res.incentive_programs.map((p) => [p.period_reward, p.max_reward_per_account])).toEqual([[1, 123_456_789], [10_000, null]]);
    expect(Object.keys(res.incentive_programs[0]!)).not.toContain('periodRewardMoney');
  });

  it('a combination market: the body in the spec\'s names, and a repeat after a 503 (same combination, same market)', async () => {
    make();
    nock(BASE).post(`${ROOT}/multivariate_event_collections/KXC-26`).reply(503, { code: 'unavailable', message: 'try again' });
    const created = answer('/multivariate_event_collections/KXC-26', { event_ticker: 'KXC-26-E', market_ticker: 'KXC-26-E-M' }, 'post');
    const res = await client.multivariate.createMarket('KXC-26', { selectedMarkets: [LEG, { marketTicker: 'KXB-2', eventTicker: 'KXB', side: 'no' }], withMarketPayload: false });
    expect(res).toEqual({ event_ticker: 'KXC-26-E', market_ticker: 'KXC-26-E-M' });
    expect(created).toMatchObject({ signed: true, body: { selected_markets: [{ market_ticker: 'KXA-1', event_ticker: 'KXA', side: 'yes' }, { market_ticker: 'KXB-2', event_ticker: 'KXB', side: 'no' }], with_market_payload: false } });
  });

  it('a bad answer is a ResponseShapeError naming the field', async () => {
    make();
    answer('/milestones/ms-1', { milestone: { id: 'ms-1', category: 'Sports' } });
    const err = await caught(client.milestones.get('ms-1'));
    expect(err).toBeInstanceOf(ResponseShapeError);
    expect(String((err as Error).message)).toMatch(/milestone\.type|type/);
  });
});
