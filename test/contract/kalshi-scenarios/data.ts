/**
 * The market-data area's part of the contract run: every operation of data-calls.ts through
 * the client (success, with the filters that change an answer's shape), and each error status
 * the sandbox's routes give — 400 for a bad parameter, 401 unsigned, 404 for an unknown id —
 * through `raw` where the client would refuse the input first.
 */
import { expect } from 'vitest';
import type { KalshiScenario } from './types.js';

const CROSS = 'KXMVECROSS-26';
const FED = { marketTicker: 'KXFEDDECISION-26DEC-C25', eventTicker: 'KXFEDDECISION-26DEC', side: 'yes' } as const;
const CS2 = { marketTicker: 'KXCS2MAJOR-26-SPIRIT', eventTicker: 'KXCS2MAJOR-26', side: 'no' } as const;

/** The scenario (see the file comment). */
export const scenario: KalshiScenario = {
  name: 'data',
  async run({ client, anon, raw }) {
    // ---- live data ----
    expect((await anon.liveData.get('basketball_game', 'ms-nba-26nov30-bosnyk', { includePlayerStats: true })).details).toHaveProperty('player_stats');
    expect(await raw('GET', '/live_data/cs2_match/milestone/ms-nope', { as: 'none' })).toBe(404);
    expect((await anon.liveData.byMilestone('ms-cs2-major-26-final')).type).toBe('cs2_match');
    expect(await raw('GET', '/live_data/milestone/ms-nope', { as: 'none' })).toBe(404);
    expect(await anon.liveData.batch(['ms-btc-26', 'ms-fomc-26dec', 'ms-nope'])).toHaveLength(2);
    expect((await anon.liveData.gameStats('ms-cs2-major-26-final')).periods).toHaveLength(3);
    expect(await raw('GET', '/live_data/milestone/ms-btc-26/game_stats', { as: 'none' })).toBe(404);
    expect((await anon.liveData.forEvent('KXBTCMAXY-26', { range: '1h' })).range_options).toEqual(['15min', '1h', '1d']);
    await anon.liveData.forEvent('KXCS2MAJOR-26');
    expect(await raw('GET', '/live_data/events/KXNOPE-26', { as: 'none' })).toBe(404);
    const now = Date.now();
    expect((await anon.liveData.weather('miami', { from: new Date(now - 3_600_000), to: new Date(now), detailed: true })).timeseries.length).toBeGreaterThan(0);
    await anon.liveData.weather('chicago', { lastSeconds: 600 });
    expect(await raw('GET', '/live_data/weather/atlantis', { as: 'none' })).toBe(400);
    expect(await raw('GET', `/live_data/weather/miami?from=${Math.floor(now / 1000) - 3600}&to=${Math.floor(now / 1000)}`, { as: 'none' })).toBe(400);
    expect(await raw('GET', `/live_data/weather/miami?from=${now - 3_600_000}`, { as: 'none' })).toBe(400);
    expect((await anon.liveData.weatherCalibrations('miami')).calibrations).toHaveLength(2);
    expect(await raw('GET', '/live_data/weather/atlantis/calibrations', { as: 'none' })).toBe(400);

    // ---- milestones ----
    expect((await anon.milestones.list({ category: 'Sports', minimumStartDate: new Date('2026-01-01T00:00:00Z') })).milestones).toHaveLength(1);
    await anon.milestones.list({ limit: 2 });
    expect((await anon.milestones.get('ms-fomc-26dec')).id).toBe('ms-fomc-26dec');
    expect(await raw('GET', '/milestones/ms-nope', { as: 'none' })).toBe(404);
    expect(await raw('GET', '/milestones', { as: 'none' })).toBe(400);
    expect(await raw('GET', '/milestones?limit=100&minimum_start_date=soon', { as: 'none' })).toBe(400);

    // ---- structured targets, sport filters ----
    expect((await anon.structuredTargets.list({ competition: 'NBA', pageSize: 3 })).cursor).toBeTruthy();
    expect((await anon.structuredTargets.get('st-cs2-navi')).name).toBe('Natus Vincere');
    expect(await raw('GET', '/structured_targets/st-nope', { as: 'none' })).toBe(404);
    expect((await anon.getSportFilters()).sport_ordering.length).toBeGreaterThan(0);

    // ---- incentive programs ----
    expect((await anon.incentivePrograms.list({ status: 'active', limit: 1 })).next_cursor).toBeTruthy();
    await anon.incentivePrograms.list({ status: 'paid_out' });
    expect(await raw('GET', '/incentive_programs?status=ended', { as: 'none' })).toBe(400);

    // ---- forecast history (signed) ----
    const range = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-01T03:00:00Z') };
    expect(await client.getEventForecastHistory({ seriesTicker: 'KXBTCMAXY', eventTicker: 'KXBTCMAXY-26', percentiles: [1000, 5000, 9000], periodMinutes: 60, ...range })).toHaveLength(4);
    const forecastPath = `/series/KXBTCMAXY/events/KXBTCMAXY-26/forecast_percentile_history?percentiles=5000&start_ts=${range.start.getTime() / 1000}&end_ts=${range.end.getTime() / 1000}`;
    expect(await raw('GET', `${forecastPath}&period_interval=60`, { as: 'none' })).toBe(401);
    expect(await raw('GET', `${forecastPath}&period_interval=5`)).toBe(400);

    // ---- multivariate ----
    expect((await anon.multivariate.listCollections({ status: 'open' })).multivariate_contracts).toHaveLength(1);
    await anon.multivariate.listCollections({ seriesTicker: 'KXMVECS2', limit: 1 });
    expect(await raw('GET', '/multivariate_event_collections?status=settled', { as: 'none' })).toBe(400);
    expect((await anon.multivariate.getCollection(CROSS)).collection_ticker).toBe(CROSS);
    expect(await raw('GET', '/multivariate_event_collections/KXMVENOPE-26', { as: 'none' })).toBe(404);
    const made = await client.multivariate.createMarket(CROSS, { selectedMarkets: [FED, CS2], withMarketPayload: true });
    expect(made.market?.ticker).toBe(made.market_ticker);
    expect(await client.multivariate.createMarket(CROSS, { selectedMarkets: [CS2, FED] })).toEqual({ event_ticker: made.event_ticker, market_ticker: made.market_ticker });
    const legs = [FED, CS2].map((l) => ({ market_ticker: l.marketTicker, event_ticker: l.eventTicker, side: l.side }));
    expect(await raw('POST', `/multivariate_event_collections/${CROSS}`, { body: { selected_markets: legs }, as: 'none' })).toBe(401);
    expect(await raw('POST', `/multivariate_event_collections/${CROSS}`, { body: { selected_markets: legs.slice(0, 1) } })).toBe(400);
    expect(await raw('POST', '/multivariate_event_collections/KXMVENOPE-26', { body: { selected_markets: legs } })).toBe(400);
    expect((await anon.multivariate.listEvents({ collectionTicker: CROSS, withNestedMarkets: true })).events.length).toBeGreaterThan(0);
    await anon.multivariate.listEvents({ seriesTicker: 'KXMVECROSS', limit: 1 });
    expect(await raw('GET', `/events/multivariate?series_ticker=KXMVECROSS&collection_ticker=${CROSS}`, { as: 'none' })).toBe(400);
  },
};
